import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { integrationsKeys } from "@/features/integrations/api/keys";
import { accountSchema, type Account } from "@/features/integrations/api/schemas";
import { invokeFunction } from "@/lib/functions";

const balanceResponseSchema = z.object({ ok: z.literal(true), result: accountSchema });

/** The connected ClickSend account's username and balance, asked of ClickSend by the server. */
export async function getBalance(connectionId: string, signal?: AbortSignal): Promise<Account> {
  const response = await invokeFunction(
    "clicksend-api",
    { connection_id: connectionId, action: "get_balance" },
    { schema: balanceResponseSchema, signal },
  );
  return response.result;
}

export const balanceQueryOptions = (connectionId: string) =>
  queryOptions({
    queryKey: integrationsKeys.balance(connectionId),
    queryFn: ({ signal }) => getBalance(connectionId, signal),
  });

export function useBalance(connectionId: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...balanceQueryOptions(connectionId), enabled });
}
