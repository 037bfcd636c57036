import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { integrationsKeys } from "@/features/integrations/api/keys";
import { ApiError, toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** The parts of service_providers.configuration_metadata this screen shows. */
const providerSchema = z.object({
  display_name: z.string(),
  configuration_metadata: z.object({
    features: z.record(z.string(), z.boolean()).default({}),
    setup_instructions: z.record(z.string(), z.string()).default({}),
    documentation_url: z.url().optional(),
  }),
});
export type Provider = z.infer<typeof providerSchema>;

async function getProvider(): Promise<Provider> {
  const { data, error, status } = await supabase
    .from("service_providers")
    .select("display_name, configuration_metadata")
    .eq("name", "clicksend_sms")
    .single();
  if (error) {
    const apiError = toApiError(error, status);
    if (apiError.code !== "not_found") throw apiError;
    throw new ApiError(
      "provider_unavailable",
      "The ClickSend integration is not enabled on this server. Ask its administrator to apply the ClickSend migration.",
    );
  }
  return parseResponse(providerSchema, data, "the ClickSend provider");
}

const providerQueryOptions = () =>
  queryOptions({
    queryKey: integrationsKeys.provider(),
    queryFn: getProvider,
    staleTime: Infinity,
  });

export function useProvider() {
  return useQuery(providerQueryOptions());
}
