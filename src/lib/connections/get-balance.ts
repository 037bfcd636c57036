import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { accountBalanceSchema, type AccountBalance } from "@contracts/connection-schemas.ts";
import { CLICKSEND_STALE_MS } from "@/lib/clicksend-freshness";
import { connectionKeys } from "@/lib/connections/query-keys";
import { invokeFunction } from "@/lib/functions";

const balanceAnswerSchema = z.object({ ok: z.literal(true), result: accountBalanceSchema });

/** The connected ClickSend account's username and balance, asked of ClickSend by the server. */
async function getBalance(connectionId: string, signal?: AbortSignal): Promise<AccountBalance> {
  const answer = await invokeFunction(
    "clicksend-api",
    { connection_id: connectionId, action: "get_balance", params: {} },
    { schema: balanceAnswerSchema, signal },
  );
  return answer.result;
}

function balanceQueryOptions(connectionId: string) {
  return queryOptions({
    queryKey: connectionKeys.balance(connectionId),
    queryFn: ({ signal }) => getBalance(connectionId, signal),
    // ClickSend allows 20 /account calls a minute per account, shared with every other reader.
    staleTime: CLICKSEND_STALE_MS,
  });
}

export function useBalance(connectionId: string) {
  return useQuery(balanceQueryOptions(connectionId));
}
