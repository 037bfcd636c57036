import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { accountBalanceSchema, type AccountBalance } from "@contracts/connection-schemas.ts";
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
  });
}

export function useBalance(connectionId: string) {
  return useQuery(balanceQueryOptions(connectionId));
}
