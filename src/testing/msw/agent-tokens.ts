import { http, HttpResponse } from "msw";

import {
  AGENT_TOKEN_SHOWN,
  MAX_TOKENS_PER_AGENT,
  createAgentTokenBodySchema,
  mcpEndpointUrl,
  revokeAgentTokenBodySchema,
  type AgentToken,
} from "@contracts/agent-tokens.ts";
import { env } from "@/lib/env";
import { functionError } from "@/testing/msw/function-responses";
import { functionUrl } from "@/testing/msw/urls";

/**
 * A stand-in for the agent-tokens function over a store a test seeds and reads back, answering as
 * supabase/functions/agent-tokens does: GET lists the user's tokens newest first (never a token),
 * POST makes one (201 with the token, once; 404 agent_not_found for an agent not in `agentIds`;
 * 409 too_many_tokens past MAX_TOKENS_PER_AGENT), DELETE revokes one (404 token_not_found).
 * `agentTokensBackend()` with no store answers an empty list and knows every agent.
 */
export type AgentTokenStore = {
  tokens: AgentToken[];
  /** The user's agents; `null` for any. */
  agentIds: string[] | null;
  /** Every token made, in order, for tests to compare with what the page shows. */
  issued: string[];
  calls: { method: string; body: unknown }[];
};

export function agentTokenStore(
  tokens: AgentToken[] = [],
  agentIds: string[] | null = null,
): AgentTokenStore {
  return { tokens, agentIds, issued: [], calls: [] };
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(43));
  return `csa_${Array.from(bytes, (byte) => BASE64URL[byte % 64] ?? "A").join("")}`;
}

/** What readJson answers for a body its schema refuses: the first problem, by field. */
function invalid(issues: { path: PropertyKey[]; message: string }[]) {
  const issue = issues[0];
  const where = issue?.path.length ? issue.path.map(String).join(".") : "body";
  return functionError(400, "invalid_request", `${where}: ${issue?.message ?? "invalid"}`);
}

export function agentTokensBackend(store: AgentTokenStore = agentTokenStore()) {
  const url = functionUrl("agent-tokens");
  return [
    http.get(url, () => {
      store.calls.push({ method: "GET", body: null });
      const tokens = [...store.tokens].sort(
        (a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id),
      );
      return HttpResponse.json({ tokens });
    }),
    http.post(url, async ({ request }) => {
      const body: unknown = await request.json();
      store.calls.push({ method: "POST", body });
      const parsed = createAgentTokenBodySchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error.issues);
      const { agent_id, name } = parsed.data;
      if (store.agentIds !== null && !store.agentIds.includes(agent_id)) {
        return functionError(404, "agent_not_found", "No such agent in your account.");
      }
      if (store.tokens.filter((row) => row.agent_id === agent_id).length >= MAX_TOKENS_PER_AGENT) {
        return functionError(
          409,
          "too_many_tokens",
          `An agent can have at most ${String(MAX_TOKENS_PER_AGENT)} tokens; revoke one first.`,
        );
      }
      const token = newToken();
      const row: AgentToken = {
        id: crypto.randomUUID(),
        agent_id,
        name,
        prefix: token.slice(0, AGENT_TOKEN_SHOWN),
        created_at: new Date().toISOString(),
        last_used_at: null,
      };
      store.tokens.push(row);
      store.issued.push(token);
      return HttpResponse.json(
        { ...row, token, endpoint: mcpEndpointUrl(env.supabaseUrl) },
        { status: 201, headers: { "cache-control": "no-store" } },
      );
    }),
    http.delete(url, async ({ request }) => {
      const body: unknown = await request.json();
      store.calls.push({ method: "DELETE", body });
      const parsed = revokeAgentTokenBodySchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error.issues);
      const { id } = parsed.data;
      if (!store.tokens.some((row) => row.id === id)) {
        return functionError(404, "token_not_found", "No such token in your account.");
      }
      store.tokens = store.tokens.filter((row) => row.id !== id);
      return HttpResponse.json({ id, revoked: true });
    }),
  ];
}

/** The Agents page's token list, empty: the test server's default, so every agent page renders. */
export function noAgentTokens() {
  return http.get(functionUrl("agent-tokens"), () => HttpResponse.json({ tokens: [] }));
}
