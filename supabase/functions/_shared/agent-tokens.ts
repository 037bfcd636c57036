// agent-tokens' logic and the token check agent-mcp makes. A token is AGENT_TOKEN_BYTES random
// bytes, base64url, after a recognisable prefix; only its SHA-256 is stored (tokens are random,
// so a fast hash is enough: there is nothing to guess). Made by the service role for the
// signed-in owner (agent_token_create checks the agent is theirs), listed and revoked through the
// owner's own client under RLS.
import { z } from "zod";
import {
  AGENT_TOKEN_BYTES,
  AGENT_TOKEN_PREFIX,
  AGENT_TOKEN_SHOWN,
  agentTokenPattern,
  agentTokenSchema,
  mcpEndpointUrl,
  type AgentToken,
  type AgentTokenList,
  type CreateAgentTokenBody,
  type CreatedAgentToken,
  type RevokeAgentTokenBody,
} from "./contracts/agent-tokens.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";
import { databaseError } from "./prepared-call.ts";
import type { Db } from "./supabase.ts";

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A new token: the prefix and AGENT_TOKEN_BYTES from the platform's CSPRNG. */
export function newAgentToken(): string {
  return AGENT_TOKEN_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(AGENT_TOKEN_BYTES)));
}

/** Lower-case hex SHA-256 of the token, as agent_tokens.token_hash keeps it. */
export async function hashAgentToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

const tokenRowSchema = z.object({
  id: z.string(),
  agent_id: z.string(),
  name: z.string(),
  token_prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});

const iso = (value: string) => new Date(value).toISOString();

function view(row: z.infer<typeof tokenRowSchema>): AgentToken {
  return agentTokenSchema.parse({
    id: row.id,
    agent_id: row.agent_id,
    name: row.name,
    prefix: row.token_prefix,
    created_at: iso(row.created_at),
    last_used_at: row.last_used_at === null ? null : iso(row.last_used_at),
  });
}

const COLUMNS = "id, agent_id, name, token_prefix, created_at, last_used_at";

/** 201: the token, shown this once, with the endpoint it opens. */
export async function createAgentToken(
  env: FunctionEnv,
  service: Db,
  userId: string,
  body: CreateAgentTokenBody,
): Promise<CreatedAgentToken> {
  const token = newAgentToken();
  const { data, error, status } = await service.rpc("agent_token_create", {
    p_user_id: userId,
    p_agent_id: body.agent_id,
    p_name: body.name,
    p_prefix: token.slice(0, AGENT_TOKEN_SHOWN),
    p_hash: await hashAgentToken(token),
  });
  if (error) {
    if (error.hint === "too_many_tokens") {
      throw new ApiError(409, "too_many_tokens", error.message);
    }
    throw databaseError(status, "Could not create the token.");
  }
  if (data === null) throw new ApiError(404, "agent_not_found", "No such agent in your account.");
  return { ...view(tokenRowSchema.parse(data)), token, endpoint: mcpEndpointUrl(env.SUPABASE_URL) };
}

/** The caller's tokens, newest first, as their own client (RLS) sees them. */
export async function listAgentTokens(db: Db): Promise<AgentTokenList> {
  const { data, error, status } = await db
    .from("agent_tokens")
    .select(COLUMNS)
    .order("created_at", { ascending: false })
    .order("id");
  if (error) throw databaseError(status, "Could not read your tokens.");
  return { tokens: z.array(tokenRowSchema).parse(data).map(view) };
}

/** Deletes the caller's token: the next request with it is refused. */
export async function revokeAgentToken(
  db: Db,
  body: RevokeAgentTokenBody,
): Promise<{ id: string; revoked: true }> {
  const { data, error, status } = await db
    .from("agent_tokens")
    .delete()
    .eq("id", body.id)
    .select("id");
  if (error) throw databaseError(status, "Could not revoke the token.");
  if (data.length === 0) {
    throw new ApiError(404, "token_not_found", "No such token in your account.");
  }
  return { id: body.id, revoked: true };
}

export interface TokenHolder {
  tokenId: string;
  userId: string;
  agentId: string;
}

const verifiedSchema = z.object({
  token_id: z.string(),
  user_id: z.string(),
  agent_id: z.string(),
});

function unauthorized(message: string): ApiError {
  return new ApiError(401, "unauthorized", message, false, { "www-authenticate": "Bearer" });
}

/**
 * The agent an `Authorization: Bearer <token>` header names: 401 for a missing, malformed,
 * unknown or revoked token (one database call, none for a token that cannot be one).
 */
export async function agentOfRequest(req: Request, service: Db): Promise<TokenHolder> {
  const header = req.headers.get("authorization");
  if (header === null || header.trim() === "") {
    throw unauthorized(
      "This endpoint needs an agent token: send Authorization: Bearer csa_… (make one on the agent's page).",
    );
  }
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (token === undefined || !agentTokenPattern.test(token)) {
    throw unauthorized(
      "The Authorization header is not an agent token: expected Bearer csa_ followed by 43 characters.",
    );
  }
  const { data, error, status } = await service.rpc("agent_token_verify", {
    p_hash: await hashAgentToken(token),
  });
  if (error) throw databaseError(status, "Could not check the token.");
  if (data === null) {
    throw unauthorized("This agent token is not valid: it was revoked, or its agent was deleted.");
  }
  const holder = verifiedSchema.parse(data);
  return { tokenId: holder.token_id, userId: holder.user_id, agentId: holder.agent_id };
}
