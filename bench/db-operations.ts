// The operations the db suite times, each called the way the API calls it: the client logs in as
// `authenticator`, and each call is one transaction that first switches role and sets
// request.jwt.claims with set_config(…, true), exactly as PostgREST does, then runs the statement
// under test (a prepared statement). Only that statement's round trip is timed.
import type postgres from "postgres";
import { timed } from "./stats.ts";

export type Sql = postgres.Sql;
type Tx = postgres.TransactionSql;

/** An agent, its owner and the scopes a permission check asks for, with the answers due. */
export interface Pair {
  agentId: string;
  userId: string;
  scopes: string[];
  /** What our function must return (independent oracle). */
  expected: boolean;
  /** What the seed's function must return given its own (weaker) logic. */
  seedExpected: boolean;
}

/** The db suite's lines on the console. */
export function log(message: string): void {
  console.log(`bench db: ${message}`);
}

export function claimsFor(userId: string): string {
  return JSON.stringify({ sub: userId, role: "authenticated", aud: "authenticated" });
}

export const SERVICE_CLAIMS = JSON.stringify({ role: "service_role" });

/**
 * One API request: a transaction that switches role and sets the JWT claims the way PostgREST
 * does, then runs `statement`. Returns the statement's result and its time (setup excluded).
 */
export async function request<T>(
  api: Sql,
  role: "authenticated" | "service_role",
  claims: string,
  statement: (tx: Tx) => Promise<T>,
): Promise<{ value: T; ns: number }> {
  let result: { value: T; ns: number } | undefined;
  await api.begin(async (tx) => {
    await tx`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${claims}, true)`;
    result = await timed(() => statement(tx));
  });
  if (result === undefined) throw new Error("transaction ended without running its statement");
  return result;
}

// The statements under test. Each is a tagged template, so postgres.js prepares it once per
// connection and then only binds and executes, like PostgREST's prepared statements.
export async function ours(tx: Tx, pair: Pair): Promise<boolean> {
  const rows = await tx<{ ok: boolean }[]>`
    select public.validate_agent_clicksend_permissions(${pair.agentId}::uuid, ${pair.userId}::uuid, ${pair.scopes}::text[]) as ok`;
  return rows[0]?.ok === true;
}

export async function seeds(tx: Tx, pair: Pair): Promise<boolean> {
  const rows = await tx<{ ok: boolean }[]>`
    select seed_scratch.validate_agent_clicksend_permissions(${pair.agentId}::uuid, ${pair.userId}::uuid, ${pair.scopes}::text[]) as ok`;
  return rows[0]?.ok === true;
}

export async function pkLookup(tx: Tx, agentId: string): Promise<number> {
  const rows = await tx`select * from public.agents where id = ${agentId}::uuid`;
  return rows.length;
}

export async function rlsList(tx: Tx): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`select * from public.user_oauth_connections`;
  return rows.map((row) => row.id);
}

export async function explicitList(tx: Tx, userId: string, providerId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    select * from public.user_oauth_connections where user_id = ${userId}::uuid and oauth_provider_id = ${providerId}::uuid`;
  return rows.map((row) => row.id);
}

export function describe(pair: Pair): string {
  return `agent ${pair.agentId} of user ${pair.userId}, scopes [${pair.scopes.join(", ")}]`;
}
