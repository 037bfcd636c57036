import { useMutation, useQueryClient } from "@tanstack/react-query";

import {
  decideApprovalResultSchema,
  type Approval,
  type DecideApprovalBody,
} from "@contracts/guardrails.ts";
import type { ApiError } from "@/lib/api-error";
import { approvalsKeys } from "@/lib/approvals/query-keys";
import { connectionKeys } from "@/lib/connections/query-keys";
import { invokeGuardedFunction } from "@/lib/policy-denied";

/**
 * Approves (with the text as it stands, or an edited `body`) or rejects a held send. The server
 * checks the agent's grant, opt-outs and limits again and sends at most once; a closed approval
 * is 409 approval_closed, a refusal by quiet hours or a limit a PolicyDeniedError.
 */
async function decideApproval(input: DecideApprovalBody): Promise<Approval> {
  const { approval } = await invokeGuardedFunction("agent-approvals", input, {
    schema: decideApprovalResultSchema,
  });
  return approval;
}

/** Whatever the answer, the list and the navigation's count are read again. */
export function useDecideApproval() {
  const queryClient = useQueryClient();
  return useMutation<Approval, ApiError, DecideApprovalBody>({
    mutationFn: decideApproval,
    onSuccess: async (approval) => {
      if (approval.state === "approved")
        await queryClient.invalidateQueries({ queryKey: connectionKeys.balances() });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: approvalsKeys.all }),
  });
}
