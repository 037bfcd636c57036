// clicksend-connect's logic: verify credentials with ClickSend (server-side only), then store the
// key in Vault and the connection under RLS; rotate, rename, disconnect. The key is never
// returned, logged or put anywhere but Vault (at most a 4-character hint).
import { ClickSendClient } from "./clicksend/client.ts";
import { ClickSendError } from "./clicksend/errors.ts";
import type { Account } from "./clicksend/types.ts";
import type { Json } from "./database.types.ts";
import type { FunctionEnv } from "./env.ts";
import type { ConnectBody, UpdateBody } from "./connection-schemas.ts";
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
  account: { username: string; balance: number; currency: string };
}

const connectionColumns =
  "id, connection_name, external_username, connection_status, credential_hint, connection_metadata, created_at, updated_at";

interface ConnectionRow {
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

function metadataOf(row: ConnectionRow): JsonObject {
  const value = row.connection_metadata;
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

function defaultSenderOf(row: ConnectionRow): string | null {
  const value = metadataOf(row).default_sender_id;
  return typeof value === "string" ? value : null;
}

export function toView(row: ConnectionRow): ConnectionView {
  return {
    id: row.id,
    connection_name: row.connection_name,
    external_username: row.external_username,
    connection_status: row.connection_status,
    credential_hint: row.credential_hint,
    default_sender_id: defaultSenderOf(row),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** ClickSend failures as our API's answers. */
export function fromClickSend(error: unknown): ApiError {
  if (!(error instanceof ClickSendError)) {
    return new ApiError(
      502,
      "upstream_unavailable",
      "ClickSend could not be reached; try again shortly.",
      true,
    );
  }
  switch (error.code) {
    case "invalid_credentials":
    case "account_suspended":
    case "forbidden":
    case "invalid_request":
      return new ApiError(400, error.code, error.message, false);
    case "not_found":
      return new ApiError(404, error.code, error.message, false);
    case "rate_limited":
      return new ApiError(429, error.code, error.message, true, {
        "retry-after": String(error.retryAfterSeconds ?? 30),
      });
    case "upstream_timeout":
      return new ApiError(504, error.code, error.message, error.retryable);
    case "upstream_unavailable":
    case "upstream_malformed":
      return new ApiError(502, error.code, error.message, error.retryable);
  }
}

async function verify(env: FunctionEnv, username: string, apiKey: string): Promise<Account> {
  try {
    return await new ClickSendClient({
      username,
      apiKey,
      baseUrl: env.CLICKSEND_API_BASE,
      timeoutMs: env.CLICKSEND_TIMEOUT_MS,
    }).getAccount();
  } catch (error) {
    throw fromClickSend(error);
  }
}

function dbFailure(what: string, error: { message: string; code?: string }): ApiError {
  if (error.code === "PGRST116")
    return new ApiError(404, "not_found", "No such ClickSend connection in your account.");
  return new ApiError(500, "database_error", `Could not ${what}; try again.`, true);
}

async function ownConnection(db: Db, connectionId: string): Promise<ConnectionRow> {
  const { data, error } = await db
    .from("user_oauth_connections")
    .select(connectionColumns)
    .eq("id", connectionId)
    .single();
  if (error) throw dbFailure("load the connection", error);
  return data;
}

/** The receipt push URL for a connection: ClickSend calls it with the secret token. */
function webhookUrl(env: FunctionEnv, token: string): string {
  return `${env.SUPABASE_URL}/functions/v1/clicksend-webhook?token=${token}`;
}

/** Best effort: a connection works without pushed receipts (they can be polled). */
async function registerReceiptWebhook(
  env: FunctionEnv,
  service: Db,
  connectionId: string,
  client: ClickSendClient,
): Promise<number | null> {
  const { data: token, error } = await service.rpc("clicksend_issue_webhook_token", {
    p_connection_id: connectionId,
  });
  if (error) return null;
  try {
    const rule = await client.createReceiptRule(
      "AI agents: delivery receipts",
      webhookUrl(env, token),
    );
    return rule.id;
  } catch {
    return null;
  }
}

export async function connect(
  env: FunctionEnv,
  db: Db,
  service: Db,
  body: ConnectBody,
): Promise<ConnectResult> {
  const account = await verify(env, body.username, body.api_key);

  const { data: provider, error: providerError } = await db
    .from("service_providers")
    .select("id")
    .eq("name", "clicksend_sms")
    .single();
  if (providerError)
    throw new ApiError(503, "provider_unavailable", "The ClickSend integration is not enabled.");

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
    throw new ApiError(
      500,
      "vault_error",
      "Could not store the API key securely; nothing was saved. Try again.",
      true,
    );
  }

  const client = new ClickSendClient({
    username: account.username,
    apiKey: body.api_key,
    baseUrl: env.CLICKSEND_API_BASE,
    timeoutMs: env.CLICKSEND_TIMEOUT_MS,
  });
  const ruleId = await registerReceiptWebhook(env, service, created.id, client);
  const row = await ownConnection(db, created.id);
  await db
    .from("user_oauth_connections")
    .update({
      connection_metadata: {
        ...metadataOf(row),
        receipt_rule_id: ruleId,
        receipts: ruleId === null ? "poll" : "push",
      },
    })
    .eq("id", created.id);

  return {
    connection: toView(await ownConnection(db, created.id)),
    account: { username: account.username, balance: account.balance, currency: account.currency },
  };
}

export async function update(
  env: FunctionEnv,
  db: Db,
  service: Db,
  body: UpdateBody,
): Promise<ConnectResult | { connection: ConnectionView }> {
  const row = await ownConnection(db, body.connection_id);
  let account: Account | undefined;

  if (body.api_key !== undefined) {
    if (row.external_username === null)
      throw new ApiError(
        409,
        "no_username",
        "This connection has no ClickSend username; reconnect it.",
      );
    account = await verify(env, row.external_username, body.api_key);
    const { error } = await service.rpc("clicksend_rotate_api_key", {
      p_connection_id: row.id,
      p_api_key: body.api_key,
    });
    if (error)
      throw new ApiError(
        500,
        "vault_error",
        "Could not store the new API key; the old key is still in use.",
        true,
      );
  }

  const changes: { connection_name?: string; connection_metadata?: JsonObject } = {};
  if (body.connection_name !== undefined) changes.connection_name = body.connection_name;
  if (body.default_sender_id !== undefined)
    changes.connection_metadata = { ...metadataOf(row), default_sender_id: body.default_sender_id };
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
  const ruleId = metadataOf(row).receipt_rule_id;
  if (typeof ruleId === "number" && row.external_username !== null) {
    const { data: apiKey } = await service.rpc("clicksend_read_api_key", {
      p_connection_id: row.id,
    });
    if (typeof apiKey === "string") {
      await new ClickSendClient({
        username: row.external_username,
        apiKey,
        baseUrl: env.CLICKSEND_API_BASE,
        timeoutMs: env.CLICKSEND_TIMEOUT_MS,
      })
        .deleteReceiptRule(ruleId)
        .catch(() => undefined);
    }
  }

  const { error } = await service.rpc("clicksend_delete_api_key", { p_connection_id: row.id });
  if (error)
    throw new ApiError(500, "vault_error", "Could not remove the stored key; try again.", true);
  return { connection: toView(await ownConnection(db, row.id)), revoked_grants: count ?? 0 };
}
