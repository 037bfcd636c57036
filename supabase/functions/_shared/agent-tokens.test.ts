// Agent tokens as rules: a token is the prefix and 32 random bytes, only its SHA-256 reaches the
// database, it is shown once (list and revoke never carry it), and a request's Authorization
// header is checked with at most one database call, none for something that cannot be a token.
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import {
  agentOfRequest,
  createAgentToken,
  hashAgentToken,
  listAgentTokens,
  newAgentToken,
  revokeAgentToken,
} from "./agent-tokens.ts";
import { agentTokenPattern } from "./contracts/agent-tokens.ts";
import { fakeBackend, pgError, reply, type FakeBackend } from "./testing/fake-backend.ts";
import { AGENT, rejection, testEnv, USER } from "./testing/fixtures.ts";

const TOKEN_ID = "3a2b1c0d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const CREATED = "2026-12-02T10:00:00+00:00";
let backend: FakeBackend;
const env = testEnv("http://127.0.0.1:9/v3");

beforeEach(() => {
  backend = fakeBackend();
});

function row(extra: Record<string, unknown> = {}) {
  return {
    id: TOKEN_ID,
    user_id: USER,
    agent_id: AGENT,
    name: "Claude",
    token_prefix: "csa_AbCdEfGh",
    created_at: CREATED,
    last_used_at: null,
    ...extra,
  };
}

function bearer(value: string | null): Request {
  return new Request("http://fn/agent-mcp", {
    method: "POST",
    headers: value === null ? {} : { authorization: value },
  });
}

describe("newAgentToken and hashAgentToken", () => {
  it("makes distinct tokens of the documented shape", () => {
    const tokens = Array.from({ length: 50 }, newAgentToken);
    for (const token of tokens) expect(token).toMatch(agentTokenPattern);
    expect(new Set(tokens).size).toBe(50);
  });

  it("hashes as hex SHA-256 of the whole token", async () => {
    const token = newAgentToken();
    expect(await hashAgentToken(token)).toBe(createHash("sha256").update(token).digest("hex"));
  });
});

describe("createAgentToken", () => {
  it("stores the hash and prefix of the token it answers, once, with the endpoint", async () => {
    backend.rpc("agent_token_create", reply(row()));
    const created = await createAgentToken(env, backend.db, USER, {
      agent_id: AGENT,
      name: "Claude",
    });
    const [args] = backend.rpcArgs("agent_token_create");
    expect(args).toEqual({
      p_user_id: USER,
      p_agent_id: AGENT,
      p_name: "Claude",
      p_prefix: created.token.slice(0, 12),
      p_hash: await hashAgentToken(created.token),
    });
    expect(JSON.stringify(backend.requests)).not.toContain(created.token);
    expect(created).toMatchObject({
      id: TOKEN_ID,
      agent_id: AGENT,
      prefix: "csa_AbCdEfGh",
      created_at: "2026-12-02T10:00:00.000Z",
      last_used_at: null,
      endpoint: `${env.SUPABASE_URL}/functions/v1/agent-mcp`,
    });
  });

  it("answers 404 for an agent that is not the caller's and 409 past the limit", async () => {
    backend.rpc("agent_token_create", reply(null));
    const missing = await rejection(
      createAgentToken(env, backend.db, USER, { agent_id: AGENT, name: "x" }),
    );
    expect([missing.status, missing.code]).toEqual([404, "agent_not_found"]);
    backend.rpc("agent_token_create", {
      status: 400,
      body: {
        code: "P0001",
        message: "An agent can have at most 20 tokens.",
        hint: "too_many_tokens",
      },
    });
    const full = await rejection(
      createAgentToken(env, backend.db, USER, { agent_id: AGENT, name: "x" }),
    );
    expect([full.status, full.code]).toEqual([409, "too_many_tokens"]);
    backend.rpc("agent_token_create", pgError(500, "XX000"));
    const broken = await rejection(
      createAgentToken(env, backend.db, USER, { agent_id: AGENT, name: "x" }),
    );
    expect([broken.status, broken.code]).toEqual([500, "database_error"]);
  });
});

describe("listAgentTokens and revokeAgentToken", () => {
  it("lists without the hash (not even asked for), newest first", async () => {
    backend.table("GET", "agent_tokens", reply([row({ last_used_at: CREATED })]));
    const list = await listAgentTokens(backend.db);
    expect(list.tokens).toEqual([
      {
        id: TOKEN_ID,
        agent_id: AGENT,
        name: "Claude",
        prefix: "csa_AbCdEfGh",
        created_at: "2026-12-02T10:00:00.000Z",
        last_used_at: "2026-12-02T10:00:00.000Z",
      },
    ]);
    const [request] = backend.calls("agent_tokens");
    expect(request?.query.get("select")).not.toMatch(/hash/);
    expect(request?.query.get("order")).toBe("created_at.desc,id.asc");
  });

  it("revokes by id, and answers 404 when no row of the caller's went", async () => {
    backend.table("DELETE", "agent_tokens", reply([{ id: TOKEN_ID }]));
    expect(await revokeAgentToken(backend.db, { id: TOKEN_ID })).toEqual({
      id: TOKEN_ID,
      revoked: true,
    });
    expect(backend.calls("agent_tokens")[0]?.query.get("id")).toBe(`eq.${TOKEN_ID}`);
    backend.table("DELETE", "agent_tokens", reply([]));
    const gone = await rejection(revokeAgentToken(backend.db, { id: TOKEN_ID }));
    expect([gone.status, gone.code]).toEqual([404, "token_not_found"]);
  });
});

describe("agentOfRequest", () => {
  it("refuses a missing or malformed header with 401 and no database call", async () => {
    for (const header of [
      null,
      "",
      "Basic abc",
      "Bearer",
      "Bearer csa_short",
      `Token ${newAgentToken()}`,
    ]) {
      const error = await rejection(agentOfRequest(bearer(header), backend.db));
      expect([error.status, error.code, error.headers]).toEqual([
        401,
        "unauthorized",
        { "www-authenticate": "Bearer" },
      ]);
    }
    expect(backend.requests).toEqual([]);
  });

  it("asks the database once, by hash, and answers the token's agent", async () => {
    const token = newAgentToken();
    backend.rpc(
      "agent_token_verify",
      reply({ token_id: TOKEN_ID, user_id: USER, agent_id: AGENT }),
    );
    expect(await agentOfRequest(bearer(`Bearer ${token}`), backend.db)).toEqual({
      tokenId: TOKEN_ID,
      userId: USER,
      agentId: AGENT,
    });
    expect(backend.rpcArgs("agent_token_verify")).toEqual([
      { p_hash: await hashAgentToken(token) },
    ]);
    expect(JSON.stringify(backend.requests)).not.toContain(token);
  });

  it("refuses an unknown or revoked token with 401 that says so", async () => {
    backend.rpc("agent_token_verify", reply(null));
    const error = await rejection(agentOfRequest(bearer(`bearer ${newAgentToken()}`), backend.db));
    expect([error.status, error.code]).toEqual([401, "unauthorized"]);
    expect(error.message).toMatch(/revoked/);
  });
});
