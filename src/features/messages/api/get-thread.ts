import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import type { Consent } from "@contracts/guardrails.ts";
import { CONVERSATIONS_REFRESH_MS } from "@/features/messages/api/get-conversations";
import { messagesKeys } from "@/features/messages/api/query-keys";
import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** The newest this many messages each way are shown; older ones are in the history. */
export const THREAD_LIMIT = 200;

const replyRowSchema = z.object({
  id: z.string(),
  body: z.string(),
  received_at: z.string(),
  read_at: z.string().nullable(),
  agent_id: z.string().nullable(),
  /** opt_out or opt_in when the whole reply was a STOP or START word (the database decides). */
  consent: z.enum(["opt_out", "opt_in"]).nullable(),
});

const sentRowSchema = z.object({
  id: z.string(),
  channel: z.string(),
  /** Null for messages sent before the text was recorded. */
  body: z.string().nullable(),
  status: z.string(),
  status_code: z.string().nullable(),
  agent_id: z.string().nullable(),
  created_at: z.string(),
});

export type ThreadEntry =
  | {
      direction: "in";
      id: string;
      body: string;
      at: string;
      readAt: string | null;
      agentId: string | null;
      /** What the reply did to the contact's consent: opted out (STOP) or back in (START). */
      consent: Consent | null;
    }
  | {
      direction: "out";
      id: string;
      channel: string;
      body: string | null;
      at: string;
      status: string;
      statusCode: string | null;
      /** Null: sent from this dashboard. */
      agentId: string | null;
    };

type Thread = {
  /** Oldest first, both directions. */
  entries: ThreadEntry[];
  /** True when older messages were left out (THREAD_LIMIT). */
  truncated: boolean;
};

/** One contact's thread: their replies and the messages sent to them, in time order. */
async function getThread(connectionId: string, contact: string): Promise<Thread> {
  const [replies, sent] = await Promise.all([
    supabase
      .from("clicksend_inbound_messages")
      .select("id, body, received_at, read_at, agent_id, consent")
      .eq("user_oauth_connection_id", connectionId)
      .eq("from_number", contact)
      .order("received_at", { ascending: false })
      .limit(THREAD_LIMIT),
    supabase
      .from("clicksend_messages")
      .select("id, channel, body, status, status_code, agent_id, created_at")
      .eq("user_oauth_connection_id", connectionId)
      .eq("recipient", contact)
      .order("created_at", { ascending: false })
      .limit(THREAD_LIMIT),
  ]);
  if (replies.error) throw toApiError(replies.error, replies.status);
  if (sent.error) throw toApiError(sent.error, sent.status);

  const inbound = parseResponse(z.array(replyRowSchema), replies.data, "the replies");
  const outbound = parseResponse(z.array(sentRowSchema), sent.data, "the sent messages");
  const entries: ThreadEntry[] = [
    ...inbound.map((row) => ({
      direction: "in" as const,
      id: row.id,
      body: row.body,
      at: row.received_at,
      readAt: row.read_at,
      agentId: row.agent_id,
      consent: row.consent,
    })),
    ...outbound.map((row) => ({
      direction: "out" as const,
      id: row.id,
      channel: row.channel,
      body: row.body,
      at: row.created_at,
      status: row.status,
      statusCode: row.status_code,
      agentId: row.agent_id,
    })),
  ];
  entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    entries,
    truncated: inbound.length === THREAD_LIMIT || outbound.length === THREAD_LIMIT,
  };
}

function threadQueryOptions(connectionId: string, contact: string) {
  return queryOptions({
    queryKey: messagesKeys.thread(connectionId, contact),
    queryFn: () => getThread(connectionId, contact),
    refetchInterval: CONVERSATIONS_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

/** A thread, read again every few seconds while the tab is visible. */
export function useThread(connectionId: string, contact: string) {
  return useQuery(threadQueryOptions(connectionId, contact));
}
