import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { integrationsKeys } from "@/features/integrations/api/keys";
import { invokeFunction } from "@/lib/functions";

/** Whether the backend talks to the ClickSend sandbox, and its public test account if so. */
const sandboxInfoSchema = z.object({
  sandbox: z.boolean(),
  sandbox_account: z.object({ username: z.string(), api_key: z.string() }).nullable(),
});
export type SandboxInfo = z.infer<typeof sandboxInfoSchema>;

function getSandboxInfo(): Promise<SandboxInfo> {
  return invokeFunction("clicksend-connect", undefined, {
    method: "GET",
    schema: sandboxInfoSchema,
  });
}

const sandboxInfoQueryOptions = () =>
  queryOptions({
    queryKey: integrationsKeys.sandbox(),
    queryFn: getSandboxInfo,
    staleTime: Infinity,
  });

export function useSandboxInfo() {
  return useQuery(sandboxInfoQueryOptions());
}
