import { queryOptions, useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { z } from "zod";

import { consentEventSchema, optOutSchema, type OptOut } from "@contracts/guardrails.ts";
import { toApiError } from "@/lib/api-error";
import { optOutKeys } from "@/lib/opt-outs/query-keys";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** One number on one account's list, with the word it replied when it opted out by reply. */
export type OptOutEntry = OptOut & {
  /** "STOP", "UNSUBSCRIBE", …: the reply that put it here; null when added by hand. */
  keyword: string | null;
};

/** The ClickSend account a connection's opt-out list belongs to, as the database keys it. */
export function accountOf(connection: { external_username: string | null }): string | null {
  return connection.external_username?.toLowerCase() ?? null;
}

const replyEventSchema = consentEventSchema.pick({
  account_username: true,
  phone: true,
  keyword: true,
});

/**
 * Every number on the user's opt-out lists (RLS: their own), newest first, each with the STOP word
 * of the latest reply that opted it out. Two reads side by side: the list keeps no keyword, the
 * consent history does.
 */
async function getOptOuts(): Promise<OptOutEntry[]> {
  const [list, replies] = await Promise.all([
    supabase
      .from("clicksend_opt_outs")
      .select("account_username, phone, source, since")
      .order("since", { ascending: false }),
    supabase
      .from("clicksend_consent_events")
      .select("account_username, phone, keyword")
      .eq("action", "opt_out")
      .eq("source", "reply")
      .order("created_at", { ascending: false }),
  ]);
  if (list.error) throw toApiError(list.error, list.status);
  if (replies.error) throw toApiError(replies.error, replies.status);

  const keywords = new Map<string, string | null>();
  for (const event of parseResponse(z.array(replyEventSchema), replies.data, "your opt-outs")) {
    const key = `${event.account_username}\n${event.phone}`;
    if (!keywords.has(key)) keywords.set(key, event.keyword);
  }
  return parseResponse(z.array(optOutSchema), list.data, "your opt-outs").map((row) => ({
    ...row,
    keyword:
      row.source === "reply"
        ? (keywords.get(`${row.account_username}\n${row.phone}`) ?? null)
        : null,
  }));
}

function optOutsQueryOptions() {
  return queryOptions({
    queryKey: optOutKeys.list(),
    queryFn: getOptOuts,
    // A STOP can arrive at any moment: every screen that shows the list reads it when it appears.
    staleTime: 0,
  });
}

/** Every opt-out of every account of the user. */
export function useOptOuts() {
  return useQuery(optOutsQueryOptions());
}

function byPhone(entries: OptOutEntry[], account: string | null): Map<string, OptOutEntry> {
  return new Map(
    entries
      .filter((entry) => entry.account_username === account)
      .map((entry) => [entry.phone, entry]),
  );
}

/**
 * One connection's account's list by E.164 number, for flagging recipients; `data` is undefined
 * until known (and always empty for a connection whose ClickSend username is unknown).
 */
export function useAccountOptOuts(connection: { external_username: string | null }) {
  const account = accountOf(connection);
  const select = useCallback((entries: OptOutEntry[]) => byPhone(entries, account), [account]);
  return useQuery({ ...optOutsQueryOptions(), select });
}

/** "Replied STOP" or "Added by hand": why a number is on the list, in words. */
export function optOutSource(entry: Pick<OptOutEntry, "source" | "keyword">): string {
  if (entry.source === "manual") return "Added by hand";
  return entry.keyword ? `Replied ${entry.keyword}` : "Replied to opt out";
}
