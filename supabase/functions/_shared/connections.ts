// clicksend-connect's logic: verify credentials with ClickSend (server-side only), then store the
// key in Vault and the connection under RLS; rotate, rename, disconnect. The key is never
// returned, logged or put anywhere but Vault (at most a 4-character hint).
import { ClickSendClient } from "./clicksend/client.ts";
import { z } from "zod";
import { fromClickSend } from "./clicksend/api-error.ts";
import { ClickSendError } from "./clicksend/errors.ts";
import type { Account } from "./contracts/clicksend-types.ts";
import type { Json } from "./contracts/database.types.ts";
import type { FunctionEnv } from "./env.ts";
import {
  CONNECTION_COLUMNS,
  metadataObject,
  parseConnectionMetadata,
  type AccountBalance,
  type ConnectBody,
  type UpdateBody,
} from "./contracts/connection-schemas.ts";
import { ApiError } from "./http.ts";
import type { Db } from "./supabase.ts";

export interface ConnectionView {
  id: string;
  connection_name: string;
  external_username: string | null;
  connection_status: string;
  credential_hint: string | null;
  default_sender_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ConnectResult {
  connection: ConnectionView;
  account: AccountBalance;
}

/** A user_oauth_connections row as the module reads it. */
export interface ConnectionRow {
  id: string;
  connection_name: string;
  external_username: string | null;
  connection_status: string;
  credential_hint: string | null;
  connection_metadata: Json;
  created_at: string;
  updated_at: string;
}

type JsonObject = Record<string, Json | undefined>;

function toView(row: ConnectionRow): ConnectionView {
  return {
    id: row.id,
    connection_name: row.connection_name,
    external_username: row.external_username,
    connection_status: row.connection_status,
    credential_hint: row.credential_hint,
    default_sender_id: parseConnectionMetadata(row.connection_metadata).default_sender_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Who asks for a verification: the limits count per user and per client address. */
export interface Requester {
  userId: string;
  clientIp: string | null;
}

const beginVerificationSchema = z.discriminatedUnion("allowed", [
  z.object({ allowed: z.literal(true), attempt_id: z.number().int() }),
  z.object({
    allowed: z.literal(false),
    limit: z.string(),
    retry_after_seconds: z.number().int().positive(),
  }),
]);

/** "45 seconds", "2 minutes", "3 hours": a wait, rounded up to a unit a person reads. */
export function waitInWords(seconds: number): string {
  const plural = (n: number, unit: string): string => `${String(n)} ${unit}${n === 1 ? "" : "s"}`;
  if (seconds < 60) return plural(seconds, "second");
  if (seconds < 3600) return plural(Math.ceil(seconds / 60), "minute");
  return plural(Math.ceil(seconds / 3600), "hour");
}

function tooManyAttempts(limit: string, retryAfter: number): ApiError {
  const when = `Try again in ${waitInWords(retryAfter)}.`;
  const why =
    limit === "user_backoff"
      ? "ClickSend refused several API keys in a row. Check the username and the key under API Credentials in ClickSend's dashboard."
      : limit.startsWith("ip_")
        ? "Too many ClickSend credentials were checked from your network."
        : limit === "username_failures"
          ? "Too many wrong API keys were tried for this ClickSend username."
          : "You have checked ClickSend credentials too often.";
  return new ApiError(429, "too_many_attempts", `${why} ${when}`, true, {
    "retry-after": String(retryAfter),
  });
}

/** The ClickSend answers that mean "these credentials do not work": counted toward backoff. */
const REFUSALS: ReadonlySet<string> = new Set([
  "invalid_credentials",
  "account_suspended",
  "forbidden",
]);

/**
 * Checks a username and key with ClickSend (GET /account), once the database's limits allow
 * it: a refused attempt never reaches ClickSend. One request, not retried: a wrong key is not
 * asked twice, and a repeated 429 is the account owner's limit, not ours to spend.
 */
async function verify(
  env: FunctionEnv,
  service: Db,
  requester: Requester,
  username: string,
  apiKey: string,
): Promise<Account> {
  const { data, error } = await service.rpc("clicksend_begin_verification", {
    p_user_id: requester.userId,
    p_username: username,
    ...(requester.clientIp === null ? {} : { p_client_ip: requester.clientIp }),
  });
  const begun = beginVerificationSchema.safeParse(data);
  if (error || !begun.success)
    throw new ApiError(500, "database_error", "Could not check the credentials; try again.", true);
  if (!begun.data.allowed) throw tooManyAttempts(begun.data.limit, begun.data.retry_after_seconds);

  let outcome: "verified" | "rejected" | "failed" = "failed";
  try {
    const account = await new ClickSendClient({
      username,
      apiKey,
      baseUrl: env.CLICKSEND_API_BASE,
      timeoutMs: env.CLICKSEND_TIMEOUT_MS,
      readRetries: 0,
    }).getAccount();
    outcome = "verified";
    return account;
  } catch (error) {
    if (error instanceof ClickSendError && REFUSALS.has(error.code)) outcome = "rejected";
    throw fromClickSend(error);
  } finally {
    // Unrecorded, the attempt keeps counting as refused until it leaves the window: safe.
    await service.rpc("clicksend_finish_verification", {
      p_attempt_id: begun.data.attempt_id,
      p_outcome: outcome,
    });
  }
}

function dbFailure(what: string, error: { message: string; code?: string }): ApiError {
  if (error.code === "PGRST116")
    return new ApiError(
      404,
      "connection_not_found",
      "No such ClickSend connection in your account.",
    );
  return new ApiError(500, "database_error", `Could not ${what}; try again.`, true);
}

async function ownConnection(db: Db, connectionId: string): Promise<ConnectionRow> {
  const { data, error } = await db
    .from("user_oauth_connections")
    .select(CONNECTION_COLUMNS)
    .eq("id", connectionId)
    .single();
  if (error) throw dbFailure("load the connection", error);
  return data;
}

/** The receipt push URL for a connection: ClickSend calls it with the secret token. */
function webhookUrl(env: FunctionEnv, token: string): string {
  return `${env.SUPABASE_URL}/functions/v1/clicksend-webhook?token=${token}`;
}

const RULE_NAME = "AI agents: delivery receipts";

/**
 * Makes this connection's receipt push the account's one rule of ours: a new webhook token, then
 * the account's rules are listed, and a rule of ours whose token no longer belongs to a live
 * connection (an earlier connect, a rotated token, a merged duplicate) is pointed at the new URL
 * instead of adding another; further stale ones are deleted. Rules of other users' live
 * connections to the same ClickSend account, and everything not ours, stay. Best effort: a
 * connection works without pushed receipts (they can be polled), so any failure answers null.
 */
async function ensureReceiptRule(
  env: FunctionEnv,
  service: Db,
  connectionId: string,
  client: ClickSendClient,
): Promise<number | null> {
  const prefix = webhookUrl(env, "");
  const { data: token, error } = await service.rpc("clicksend_issue_webhook_token", {
    p_connection_id: connectionId,
  });
  if (error) return null;
  try {
    const ours = (await client.listReceiptRules()).flatMap((rule) => {
      if (rule.action !== "URL" || rule.address?.startsWith(prefix) !== true) return [];
      return [{ id: rule.id, token: new URL(rule.address).searchParams.get("token") ?? "" }];
    });
    const { data: live, error: liveError } = await service.rpc("clicksend_live_webhook_tokens", {
      p_tokens: ours.map((rule) => rule.token),
    });
    if (liveError) return null;
    const [reuse, ...extra] = ours.filter((rule) => !live.includes(rule.token));
    for (const rule of extra) await client.deleteReceiptRule(rule.id).catch(() => undefined);
    const url = webhookUrl(env, token);
    if (reuse !== undefined) return (await client.updateReceiptRule(reuse.id, RULE_NAME, url)).id;
    return (await client.createReceiptRule(RULE_NAME, url)).id;
  } catch {
    return null;
  }
}

/** Records where this connection's receipts come from (pushed by a rule, or polled). */
async function recordReceiptRule(db: Db, connectionId: string, ruleId: number | null) {
  const row = await ownConnection(db, connectionId);
  await db
    .from("user_oauth_connections")
    .update({
      connection_metadata: {
        ...metadataObject(row.connection_metadata),
        receipt_rule_id: ruleId,
        receipts: ruleId === null ? "poll" : "push",
      },
    })
    .eq("id", connectionId);
}

function clientFor(env: FunctionEnv, username: string, apiKey: string): ClickSendClient {
  return new ClickSendClient({
    username,
    apiKey,
    baseUrl: env.CLICKSEND_API_BASE,
    timeoutMs: env.CLICKSEND_TIMEOUT_MS,
  });
}

function alreadyConnected(username: string, name?: string): ApiError {
  const as = name === undefined ? "" : ` as “${name}”`;
  return new ApiError(
    409,
    "already_connected",
    `The ClickSend account ${username} is already connected${as}. To use a new API key, rotate the key on that connection instead of connecting the account again.`,
  );
}

export async function connect(
  env: FunctionEnv,
  db: Db,
  service: Db,
  requester: Requester,
  body: ConnectBody,
): Promise<ConnectResult> {
  const { data: provider, error: providerError } = await db
    .from("service_providers")
    .select("id")
    .eq("name", "clicksend_sms")
    .single();
  if (providerError)
    throw new ApiError(503, "provider_unavailable", "The ClickSend integration is not enabled.");

  // A second connection to the same account is refused before ClickSend is asked anything.
  const { data: mine, error: mineError } = await db
    .from("user_oauth_connections")
    .select("connection_name, external_username, connection_status")
    .eq("oauth_provider_id", provider.id)
    .in("connection_status", ["active", "error", "expired"]);
  if (mineError) throw dbFailure("load your connections", mineError);
  const sameAccount = (username: string) =>
    mine.find((row) => row.external_username?.toLowerCase() === username.toLowerCase());
  const before = sameAccount(body.username);
  if (before) throw alreadyConnected(body.username, before.connection_name);

  const account = await verify(env, service, requester, body.username, body.api_key);
  const after = sameAccount(account.username);
  if (after) throw alreadyConnected(account.username, after.connection_name);

  const { data: created, error: insertError } = await db
    .from("user_oauth_connections")
    .insert({
      oauth_provider_id: provider.id,
      connection_name: body.connection_name ?? `ClickSend (${account.username})`,
      external_username: account.username,
      connection_metadata: {
        default_sender_id: body.default_sender_id ?? null,
        account_country: account.country,
        currency: account.currency,
      },
    })
    .select("id")
    .single();
  if (insertError) throw dbFailure("save the connection", insertError);

  const { error: storeError } = await service.rpc("clicksend_store_api_key", {
    p_connection_id: created.id,
    p_api_key: body.api_key,
  });
  if (storeError) {
    await db.from("user_oauth_connections").delete().eq("id", created.id);
    // A parallel connect of the same account activated first (the one-active-account index).
    if (storeError.code === "23505") throw alreadyConnected(account.username);
    throw new ApiError(
      500,
      "vault_error",
      "Could not store the API key securely; nothing was saved. Try again.",
      true,
    );
  }

  const client = clientFor(env, account.username, body.api_key);
  await recordReceiptRule(
    db,
    created.id,
    await ensureReceiptRule(env, service, created.id, client),
  );

  return {
    connection: toView(await ownConnection(db, created.id)),
    account: { username: account.username, balance: account.balance, currency: account.currency },
  };
}

export async function update(
  env: FunctionEnv,
  db: Db,
  service: Db,
  requester: Requester,
  body: UpdateBody,
): Promise<ConnectResult | { connection: ConnectionView }> {
  let row = await ownConnection(db, body.connection_id);
  let account: Account | undefined;

  if (body.api_key !== undefined) {
    if (row.external_username === null)
      throw new ApiError(
        409,
        "no_username",
        "This connection has no ClickSend username; reconnect it.",
      );
    account = await verify(env, service, requester, row.external_username, body.api_key);
    const { error } = await service.rpc("clicksend_rotate_api_key", {
      p_connection_id: row.id,
      p_api_key: body.api_key,
    });
    if (error?.code === "23505") throw alreadyConnected(row.external_username);
    if (error)
      throw new ApiError(
        500,
        "vault_error",
        "Could not store the new API key; the old key is still in use.",
        true,
      );
    // A rotate also repairs the receipt push (a missing rule, or stale ones left behind).
    const client = clientFor(env, row.external_username, body.api_key);
    await recordReceiptRule(db, row.id, await ensureReceiptRule(env, service, row.id, client));
    row = await ownConnection(db, row.id);
  }

  const changes: { connection_name?: string; connection_metadata?: JsonObject } = {};
  if (body.connection_name !== undefined) changes.connection_name = body.connection_name;
  if (body.default_sender_id !== undefined)
    changes.connection_metadata = {
      ...metadataObject(row.connection_metadata),
      default_sender_id: body.default_sender_id,
    };
  if (Object.keys(changes).length > 0) {
    const { error } = await db.from("user_oauth_connections").update(changes).eq("id", row.id);
    if (error) throw dbFailure("update the connection", error);
  }

  const connection = toView(await ownConnection(db, row.id));
  return account
    ? {
        connection,
        account: {
          username: account.username,
          balance: account.balance,
          currency: account.currency,
        },
      }
    : { connection };
}

export async function disconnect(
  env: FunctionEnv,
  db: Db,
  service: Db,
  connectionId: string,
): Promise<{ connection: ConnectionView; revoked_grants: number }> {
  const row = await ownConnection(db, connectionId);
  const { count } = await db
    .from("agent_integration_permissions")
    .select("id", { count: "exact", head: true })
    .eq("user_oauth_connection_id", row.id)
    .eq("is_active", true);

  // Remove the receipt rule while the key still exists (best effort).
  const ruleId = parseConnectionMetadata(row.connection_metadata).receipt_rule_id;
  if (ruleId !== null && row.external_username !== null) {
    const { data: apiKey } = await service.rpc("clicksend_read_api_key", {
      p_connection_id: row.id,
    });
    if (typeof apiKey === "string") {
      await clientFor(env, row.external_username, apiKey)
        .deleteReceiptRule(ruleId)
        .catch(() => undefined);
    }
  }

  const { error } = await service.rpc("clicksend_delete_api_key", { p_connection_id: row.id });
  if (error)
    throw new ApiError(500, "vault_error", "Could not remove the stored key; try again.", true);
  return { connection: toView(await ownConnection(db, row.id)), revoked_grants: count ?? 0 };
}
