/**
 * Query keys of the replies (inbound SMS) the user has not read yet. The navigation's badge reads
 * them; whatever marks replies read, or stores new ones, invalidates `all`.
 */
export const repliesKeys = {
  all: ["replies"] as const,
  unread: (connectionIds: readonly string[]) =>
    [...repliesKeys.all, "unread", [...connectionIds].sort()] as const,
};
