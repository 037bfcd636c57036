// A ClickSend client for one stored connection: its username, the key read from Vault with the
// service role, and the account's country (the default for national phone numbers).
import { ClickSendClient } from "./clicksend/client.ts";
import type { Json } from "./database.types.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";
import type { Db } from "./supabase.ts";

export interface StoredConnection {
  id: string;
  external_username: string | null;
  connection_metadata: Json;
}

export interface ConnectionClient {
  client: ClickSendClient;
  /** ISO country for numbers written without +country code. */
  country: string;
}

export function accountCountry(metadata: Json): string {
  return typeof metadata === "object" &&
    metadata !== null &&
    !Array.isArray(metadata) &&
    typeof metadata.account_country === "string"
    ? metadata.account_country
    : "AU";
}

export async function connectionClient(
  env: FunctionEnv,
  service: Db,
  connection: StoredConnection,
): Promise<ConnectionClient> {
  const { data: apiKey, error } = await service.rpc("clicksend_read_api_key", {
    p_connection_id: connection.id,
  });
  if (error || connection.external_username === null) {
    throw new ApiError(
      502,
      "connection_unusable",
      "The ClickSend connection has no usable credentials; reconnect it.",
    );
  }
  return {
    client: new ClickSendClient({
      username: connection.external_username,
      apiKey,
      baseUrl: env.CLICKSEND_API_BASE,
      timeoutMs: env.CLICKSEND_TIMEOUT_MS,
    }),
    country: accountCountry(connection.connection_metadata),
  };
}
