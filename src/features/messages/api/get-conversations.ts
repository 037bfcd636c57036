import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import type { Consent } from "@contracts/guardrails.ts";
import { messagesKeys } from "@/features/messages/api/query-keys";
import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/**
 * How often an open Conversations screen reads our own database again, while the tab is
 * visible: a reply pushed by ClickSend shows within about this long (never a ClickSend call).
 */
export const CONVERSATIONS_REFRESH_MS = 3000;

/** One row of the clicksend_conversations view: a contact the connection has heard from. */
const conversationRowSchema = z.object({
  contact: z.string(),
  last_reply_at: z.string(),
  last_activity_at: z.string(),
  last_reply: z.string(),
  unread: z.number().int(),
  replies: z.number().int(),
  agent_ids: z.array(z.string()),
});

/** A reply whose whole text was a STOP or START word (clicksend_inbound_messages.consent). */
const consentReplySchema = z.object({
  id: z.string(),
  from_number: z.string(),
  body: z.string(),
  consent: z.enum(["opt_out", "opt_in"]).nullable(),
  received_at: z.string(),
});

/** The contact's latest STOP or START reply on this connection. */
type ConsentReply = {
  id: string;
  consent: Consent;
  /** The word as replied, e.g. "STOP". */
  keyword: string;
  at: string;
};

/** The most recent consent replies read per connection; a contact's latest is all that is shown. */
const CONSENT_REPLIES_LIMIT = 500;

export type Conversation = z.infer<typeof conversationRowSchema> & {
  /** The agents that texted this contact, by name ("Deleted agent" for one that is gone). */
  agents: string[];
  /** Their latest STOP or START reply; null when they never sent one. */
  consent: ConsentReply | null;
};

type Conversations = {
  /** Newest activity (a reply, or a message to the contact) first. */
  conversations: Conversation[];
  /** Every agent's name by id, for the threads' messages. */
  agentNames: Record<string, string>;
};

export const DELETED_AGENT = "Deleted agent";

/** The connection's threads (RLS: the user's own rows) and the names of the agents in them. */
async function getConversations(connectionId: string): Promise<Conversations> {
  // Small reads side by side: the view cannot join the agents' names or say which replies were
  // STOP or START words itself.
  const [threads, agents, consentReplies] = await Promise.all([
    supabase
      .from("clicksend_conversations")
      .select("contact, last_reply_at, last_activity_at, last_reply, unread, replies, agent_ids")
      .eq("user_oauth_connection_id", connectionId)
      .order("last_activity_at", { ascending: false }),
    supabase.from("agents").select("id, name"),
    supabase
      .from("clicksend_inbound_messages")
      .select("id, from_number, body, consent, received_at")
      .eq("user_oauth_connection_id", connectionId)
      .not("consent", "is", null)
      .order("received_at", { ascending: false })
      .limit(CONSENT_REPLIES_LIMIT),
  ]);
  if (threads.error) throw toApiError(threads.error, threads.status);
  if (agents.error) throw toApiError(agents.error, agents.status);
  if (consentReplies.error) throw toApiError(consentReplies.error, consentReplies.status);

  const latestConsent = new Map<string, ConsentReply>();
  for (const reply of parseResponse(
    z.array(consentReplySchema),
    consentReplies.data,
    "your conversations",
  )) {
    if (reply.consent === null || latestConsent.has(reply.from_number)) continue;
    latestConsent.set(reply.from_number, {
      id: reply.id,
      consent: reply.consent,
      keyword: reply.body.trim().toUpperCase(),
      at: reply.received_at,
    });
  }

  const agentNames = Object.fromEntries(
    parseResponse(
      z.array(z.object({ id: z.string(), name: z.string() })),
      agents.data,
      "your agents",
    ).map((agent) => [agent.id, agent.name]),
  );
  const rows = parseResponse(z.array(conversationRowSchema), threads.data, "your conversations");
  const conversations = rows
    .map((row) => ({
      ...row,
      agents: row.agent_ids.map((id) => agentNames[id] ?? DELETED_AGENT).sort(),
      consent: latestConsent.get(row.contact) ?? null,
    }))
    .sort((a, b) => Date.parse(b.last_activity_at) - Date.parse(a.last_activity_at));
  return { conversations, agentNames };
}

function conversationsQueryOptions(connectionId: string) {
  return queryOptions({
    queryKey: messagesKeys.conversationList(connectionId),
    queryFn: () => getConversations(connectionId),
    refetchInterval: CONVERSATIONS_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

/** The threads of one connection, read again every few seconds while the tab is visible. */
export function useConversations(connectionId: string) {
  return useQuery(conversationsQueryOptions(connectionId));
}
