// clicksend-connect's logic: verify credentials with ClickSend (server-side only), then store the
// key in Vault and the connection under RLS; rotate, rename, disconnect, and reconnect (a new key on
// a disconnected connection). The key is never returned, logged or put anywhere but Vault (at most
// a 4-character hint).
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
import { ensurePushRules, removePushRules, type PushRules } from "./push-rules.ts";
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

/** Records which of the account's rules push receipts and replies to this connection. */
async function recordPushRules(db: Db, connectionId: string, rules: PushRules) {
  const row = await ownConnection(db, connectionId);
  await db
    .from("user_oauth_connections")
    .update({
      connection_metadata: {
        ...metadataObject(row.connection_metadata),
        receipt_rule_id: rules.receiptRuleId,
        receipts: rules.receiptRuleId === null ? "poll" : "push",
        inbound_rule_id: rules.inboundRuleId,
        inbound_poll_rule_id: rules.inboundPollRuleId,
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

/** A client with the connection's stored key, or null when it has none (or was disconnected). */
async function storedClient(
  env: FunctionEnv,
  service: Db,
  row: ConnectionRow,
): Promise<ClickSendClient | null> {
  if (row.external_username === null || row.connection_status === "revoked") return null;
  const { data: apiKey } = await service.rpc("clicksend_read_api_key", {
    p_connection_id: row.id,
  });
  return typeof apiKey === "string" ? clientFor(env, row.external_username, apiKey) : null;
}

function alreadyConnected(username: string, name?: string): ApiError {
  const as = name === undefined ? "" : ` as “${name}”`;
  return new ApiError(
    409,
    "already_connected",
    `The ClickSend account ${username} is already connected${as}. To use a new API key, rotate the key on that connection instead of connecting the account again.`,
  );
}

/** Another of the caller's live connections to this ClickSend account, if any. */
async function activeHolder(
  db: Db,
  username: string,
  exceptId: string,
): Promise<{ connection_name: string } | undefined> {
  const { data, error } = await db
    .from("user_oauth_connections")
    .select("id, connection_name, external_username")
    .in("connection_status", ["active", "error", "expired"]);
  if (error) throw dbFailure("load your connections", error);
  return data.find(
    (other) =>
      other.id !== exceptId && other.external_username?.toLowerCase() === username.toLowerCase(),
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
  await recordPushRules(db, created.id, await ensurePushRules(env, service, created.id, client));

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
    // A disconnected connection is reconnected: the same row (and so its history) comes back.
    const reconnecting = row.connection_status === "revoked";
    if (reconnecting) {
      const holder = await activeHolder(db, row.external_username, row.id);
      if (holder) throw alreadyConnected(row.external_username, holder.connection_name);
    }
    account = await verify(env, service, requester, row.external_username, body.api_key);
    const { error } = await service.rpc(
      reconnecting ? "clicksend_store_api_key" : "clicksend_rotate_api_key",
      { p_connection_id: row.id, p_api_key: body.api_key },
    );
    if (error?.code === "23505") throw alreadyConnected(row.external_username);
    if (error)
      throw new ApiError(
        500,
        "vault_error",
        reconnecting
          ? "Could not store the API key; the connection is still disconnected. Try again."
          : "Could not store the new API key; the old key is still in use.",
        true,
      );
    // A rotate or reconnect also repairs the pushes (a missing rule, or stale ones left behind).
    const client = clientFor(env, row.external_username, body.api_key);
    await recordPushRules(db, row.id, await ensurePushRules(env, service, row.id, client));
    row = await ownConnection(db, row.id);
  } else if (body.enable_replies === true) {
    // Connections made before replies existed, or whose rules were removed at ClickSend.
    const client =
      row.connection_status === "active" ? await storedClient(env, service, row) : null;
    if (client === null)
      throw new ApiError(
        409,
        "connection_unusable",
        "The ClickSend connection has no usable credentials; reconnect it.",
      );
    await recordPushRules(db, row.id, await ensurePushRules(env, service, row.id, client));
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

  // Remove the account's rules for this connection while the key still exists (best effort).
  const metadata = parseConnectionMetadata(row.connection_metadata);
  const rules = {
    receipt: metadata.receipt_rule_id,
    inbound: metadata.inbound_rule_id,
    poll: metadata.inbound_poll_rule_id,
  };
  if (Object.values(rules).some((id) => id !== null)) {
    const client = await storedClient(env, service, row);
    if (client !== null) await removePushRules(client, rules);
  }

  const { error } = await service.rpc("clicksend_delete_api_key", { p_connection_id: row.id });
  if (error)
    throw new ApiError(500, "vault_error", "Could not remove the stored key; try again.", true);
  return { connection: toView(await ownConnection(db, row.id)), revoked_grants: count ?? 0 };
}
