import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
import { messagesKeys } from "@/features/messages/api/query-keys";

export const balanceSchema = z.object({
  username: z.string(),
  balance: z.number(),
  currency: z.string(),
});

export type Balance = z.infer<typeof balanceSchema>;

/** Below this (in the account's currency) the dashboard warns; ClickSend's own default is 5.00. */
export const LOW_BALANCE_THRESHOLD = 5;

export function getBalance(connectionId: string, signal?: AbortSignal): Promise<Balance> {
  return callClickSendApi(connectionId, "get_balance", {}, { result: balanceSchema, signal });
}

export function balanceQueryOptions(connectionId: string) {
  return queryOptions({
    queryKey: messagesKeys.balance(connectionId),
    queryFn: ({ signal }) => getBalance(connectionId, signal),
  });
}

export function useBalance(connectionId: string) {
  return useQuery(balanceQueryOptions(connectionId));
}
