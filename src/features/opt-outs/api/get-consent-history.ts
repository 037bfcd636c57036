import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { consentEventSchema } from "@contracts/guardrails.ts";
import { toApiError } from "@/lib/api-error";
import { optOutKeys } from "@/lib/opt-outs/query-keys";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** The newest this many changes are shown; a number rarely has more. */
export const HISTORY_LIMIT = 50;

/** Every opt-out and opt-in of one number on one account (RLS: the user's own), newest first. */
async function getConsentHistory(account: string, phone: string) {
  const { data, error, status } = await supabase
    .from("clicksend_consent_events")
    .select("id, account_username, phone, action, source, keyword, created_at")
    .eq("account_username", account)
    .eq("phone", phone)
    .order("created_at", { ascending: false })
    .order("id", { ascending: false })
    .limit(HISTORY_LIMIT);
  if (error) throw toApiError(error, status);
  return parseResponse(z.array(consentEventSchema), data, "the consent history");
}

function consentHistoryQueryOptions(account: string, phone: string) {
  return queryOptions({
    queryKey: optOutKeys.history(account, phone),
    queryFn: () => getConsentHistory(account, phone),
  });
}

/** One number's consent history, read when it is asked for. */
export function useConsentHistory(account: string, phone: string) {
  return useQuery(consentHistoryQueryOptions(account, phone));
}
