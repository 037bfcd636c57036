/**
 * Query keys of the sends held for the user's approval. The navigation's count and the Approvals
 * page read under `all`; a decision, or a send the executor held, invalidates `all`.
 */
export const approvalsKeys = {
  all: ["approvals"] as const,
  list: () => [...approvalsKeys.all, "list"] as const,
  pendingCount: () => [...approvalsKeys.all, "pending-count"] as const,
};
