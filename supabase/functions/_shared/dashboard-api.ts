// clicksend-api's logic: the dashboard's ClickSend data for the caller's own connection.
// Ownership comes from the caller's JWT and RLS; only the key is read with the service role.
import { z } from "zod";
import { withCallSlot } from "./call-slots.ts";
import { connectionClient, type StoredConnection } from "./connection-client.ts";
import { fromClickSend } from "./connections.ts";
import { historyQuery } from "./history-query.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";
import { sendMessages } from "./messaging.ts";
import { MMS_MAX_BYTES, checkMmsMedia } from "./mms-media.ts";
import { toE164 } from "./phone.ts";
import type { Db } from "./supabase.ts";
import { toolArgumentSchemas } from "./tool-catalog.ts";

const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,200}$/)
  .optional();

export const apiBodySchema = z.discriminatedUnion("action", [
  z.strictObject({
    connection_id: z.uuid(),
    action: z.literal("get_balance"),
    params: z.strictObject({}).default({}),
  }),
  z.strictObject({
    connection_id: z.uuid(),
    action: z.literal("get_sms_history"),
    params: toolArgumentSchemas.clicksend_get_sms_history.default({}),
  }),
  z.strictObject({
    connection_id: z.uuid(),
    action: z.literal("get_mms_history"),
    params: toolArgumentSchemas.clicksend_get_mms_history.default({}),
  }),
  z.strictObject({
    connection_id: z.uuid(),
    action: z.literal("get_delivery_receipts"),
    params: toolArgumentSchemas.clicksend_get_delivery_receipts.default({}),
  }),
  z.strictObject({
    connection_id: z.uuid(),
    action: z.literal("send_sms"),
    params: toolArgumentSchemas.clicksend_send_sms.extend({ idempotency_key: idempotencyKey }),
  }),
  z.strictObject({
    connection_id: z.uuid(),
    action: z.literal("send_mms"),
    params: toolArgumentSchemas.clicksend_send_mms.extend({ idempotency_key: idempotencyKey }),
  }),
  z.strictObject({
    connection_id: z.uuid(),
    action: z.literal("price_sms"),
    params: toolArgumentSchemas.clicksend_send_sms.pick({
      to: true,
      body: true,
      from: true,
      default_country: true,
    }),
  }),
  z.strictObject({
    connection_id: z.uuid(),
    action: z.literal("upload_media"),
    params: z.strictObject({
      content_type: z.string().max(100),
      /** The file, base64-encoded (at most 250 kB before encoding). */
      content_base64: z
        .string()
        .min(4)
        .max(Math.ceil((MMS_MAX_BYTES * 4) / 3) + 4),
    }),
  }),
  z.strictObject({
    connection_id: z.uuid(),
    action: z.literal("cancel_scheduled"),
    params: z.strictObject({ message_id: z.string().min(1).max(64) }),
  }),
]);
export type ApiBody = z.infer<typeof apiBodySchema>;

async function ownActiveConnection(
  db: Db,
  connectionId: string,
): Promise<StoredConnection & { id: string }> {
  const { data, error } = await db
    .from("clicksend_connections")
    .select("id, external_username, connection_metadata")
    .eq("id", connectionId)
    .maybeSingle();
  if (error) throw new ApiError(500, "database_error", "Could not read the connection.", true);
  if (!data?.id || data.external_username === null) {
    throw new ApiError(
      404,
      "connection_not_found",
      "No active ClickSend connection with that id in your account.",
    );
  }
  return {
    id: data.id,
    external_username: data.external_username,
    connection_metadata: data.connection_metadata,
  };
}

export async function runDashboardAction(
  env: FunctionEnv,
  db: Db,
  service: Db,
  userId: string,
  body: ApiBody,
): Promise<unknown> {
  const connection = await ownActiveConnection(db, body.connection_id);
  const { client, country } = await connectionClient(env, service, connection);
  const slot = <T>(work: () => Promise<T>): Promise<T> =>
    withCallSlot(service, connection.id, work);

  try {
    switch (body.action) {
      case "get_balance": {
        const account = await slot(() => client.getAccount());
        return { username: account.username, balance: account.balance, currency: account.currency };
      }
      case "get_sms_history":
      case "get_mms_history": {
        const query = historyQuery(body.params);
        return await slot(() =>
          body.action === "get_sms_history" ? client.smsHistory(query) : client.mmsHistory(query),
        );
      }
      case "get_delivery_receipts": {
        const p = body.params;
        if (p.message_id !== undefined) {
          const id = p.message_id;
          return {
            receipts: [await slot(() => client.smsReceipt(id))],
            page: 1,
            last_page: 1,
            total: 1,
          };
        }
        const page = await slot(() => client.smsReceipts(p.page, p.limit));
        return {
          receipts: page.rows,
          page: page.page,
          last_page: page.lastPage,
          total: page.total,
        };
      }
      case "send_sms":
      case "send_mms": {
        const p = body.params;
        return await sendMessages(service, client, {
          connectionId: connection.id,
          userId,
          agentId: null,
          channel: body.action === "send_mms" ? "mms" : "sms",
          recipients: p.to,
          body: p.body,
          subject: "subject" in p ? p.subject : undefined,
          mediaUrl: "media_url" in p ? p.media_url : undefined,
          from: p.from,
          schedule: p.schedule,
          customString: p.custom_string,
          defaultCountry: p.default_country ?? country,
          idempotencyKey: p.idempotency_key,
        });
      }
      case "price_sms": {
        const p = body.params;
        const numbers = p.to.map((input) => toE164(input, p.default_country ?? country));
        const valid = numbers.flatMap((result) => (result.ok ? [result.e164] : []));
        if (valid.length === 0)
          throw new ApiError(400, "invalid_arguments", "No valid recipient to price.");
        const priced = await slot(() =>
          client.priceSms(
            valid.slice(0, 1000).map((to) => ({
              to,
              body: p.body,
              ...(p.from !== undefined ? { from: p.from } : {}),
            })),
          ),
        );
        return {
          total_price: priced.totalPrice,
          currency: priced.currency,
          messages: priced.messages.map((message) => ({
            to: message.to,
            parts: message.parts,
            price: message.price,
            status: message.status,
          })),
        };
      }
      case "upload_media": {
        const { content_type: type, content_base64: content } = body.params;
        const size =
          Math.floor((content.length * 3) / 4) -
          (content.endsWith("==") ? 2 : content.endsWith("=") ? 1 : 0);
        const check = checkMmsMedia({ type, size });
        if (!check.ok) throw new ApiError(400, "invalid_media", check.reason);
        const upload = await slot(() => client.upload(content, "mms"));
        return { url: upload.url, expires_at: upload.expiresAt };
      }
      case "cancel_scheduled": {
        const messageId = body.params.message_id;
        await slot(() => client.cancelSms(messageId));
        await service
          .from("clicksend_messages")
          .update({
            status: "Cancelled",
            status_code: "301",
            status_updated_at: new Date().toISOString(),
          })
          .eq("user_oauth_connection_id", connection.id)
          .eq("message_id", messageId);
        return { cancelled: true, message_id: messageId };
      }
    }
  } catch (error) {
    throw error instanceof ApiError ? error : fromClickSend(error);
  }
}
