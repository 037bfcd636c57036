// clicksend-api's logic: the dashboard's ClickSend data for the caller's own connection.
// The caller is the user their verified JWT names; clicksend_prepare_call checks that the
// connection is theirs, takes its call slots and reads the key, clicksend_finish_call frees
// the slots and records a send: one database call before ClickSend and one after.
import { fromClickSend } from "./clicksend/api-error.ts";
import { MAX_MESSAGES_PER_REQUEST } from "./clicksend/client.ts";
import type { SendResult } from "./contracts/clicksend-types.ts";
import {
  asRefused,
  completeSend,
  prepareSend,
  refusalError,
  runRead,
} from "./clicksend-operations.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";
import type { SendOutcome, SendRequest } from "./messaging.ts";
import { checkMmsMedia, composerMediaUrlProblem } from "./contracts/mms-media.ts";
import { toE164 } from "./contracts/phone.ts";
import { finishCall, prepareCall, type ReadyCall } from "./prepared-call.ts";
import type { Db } from "./supabase.ts";
import type { ApiBody } from "./contracts/function-requests.ts";

type SendBody = Extract<ApiBody, { action: "send_sms" | "send_mms" }>;

/**
 * The dashboard's media_url rule. Agents (the tool catalog) may give only a public https URL.
 * The composer sends the URL ClickSend's own upload answered (upload_media): with the real
 * ClickSend that is https on ClickSend's public host, but the local sandbox serves uploads at
 * http://127.0.0.1:<port>/uploads/…. So this path also accepts a URL on exactly the origin of
 * CLICKSEND_API_BASE (scheme, host and port): that server is ClickSend itself, which the
 * functions already talk to, and nothing else local gets through. Checked before anything is
 * reserved or stored.
 */
function checkComposerMediaUrl(env: FunctionEnv, mediaUrl: string): void {
  const problem = composerMediaUrlProblem(mediaUrl, env.CLICKSEND_API_BASE);
  if (problem !== null) throw new ApiError(400, "invalid_request", `params.media_url: ${problem}`);
}

async function send(
  env: FunctionEnv,
  service: Db,
  userId: string,
  body: SendBody,
): Promise<SendOutcome> {
  const p = body.params;
  if ("media_url" in p) checkComposerMediaUrl(env, p.media_url);
  const request: SendRequest = {
    channel: body.action === "send_mms" ? "mms" : "sms",
    recipients: p.to,
    body: p.body,
    subject: "subject" in p ? p.subject : undefined,
    mediaUrl: "media_url" in p ? p.media_url : undefined,
    from: p.from,
    schedule: p.schedule,
    customString: p.custom_string,
    defaultCountry: p.default_country,
    idempotencyKey: p.idempotency_key,
  };
  const path = { userId, connectionId: body.connection_id };
  const staged = await prepareSend(env, service, path, request);
  if (staged.outcome === "refused") throw refusalError(staged.prepared);
  if (staged.outcome === "replay") return staged.result;
  if (staged.outcome === "approval") throw new Error("unreachable: approvals hold agents' sends");
  return completeSend(env, service, path, staged, request);
}

/** A one-request action on the caller's connection, between prepare and finish. */
async function withConnection<T>(
  env: FunctionEnv,
  service: Db,
  userId: string,
  connectionId: string,
  work: (call: ReadyCall) => Promise<T>,
): Promise<T> {
  const prepared = await prepareCall(env, service, { userId, connectionId, requests: 1 });
  if (prepared.outcome !== "ready") throw refusalError(asRefused(prepared));
  try {
    return await work(prepared);
  } catch (error) {
    throw error instanceof ApiError ? error : fromClickSend(error);
  } finally {
    // Frees the slot; a failure here only keeps it until it is presumed dead (5 minutes).
    await finishCall(service, { callIds: prepared.callIds }).catch(() => undefined);
  }
}

/** The recipients a price asks about: the valid ones in E.164, at most one ClickSend request's. */
function priceableRecipients(inputs: string[], country: string): string[] {
  const valid = inputs.flatMap((input) => {
    const result = toE164(input, country);
    return result.ok ? [result.e164] : [];
  });
  if (valid.length === 0)
    throw new ApiError(400, "invalid_arguments", "No valid recipient to price.");
  return valid.slice(0, MAX_MESSAGES_PER_REQUEST);
}

/** What price_sms and price_mms answer: the total and each recipient's parts, price and status. */
function priceView(priced: SendResult) {
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

export async function runDashboardAction(
  env: FunctionEnv,
  service: Db,
  userId: string,
  body: ApiBody,
): Promise<unknown> {
  const connection = <T>(work: (call: ReadyCall) => Promise<T>): Promise<T> =>
    withConnection(env, service, userId, body.connection_id, work);
  const context = { env, service };
  switch (body.action) {
    case "get_balance":
      return connection((call) =>
        runRead({ operation: "get_balance", params: body.params }, call, context),
      );
    case "get_sms_history":
      return connection((call) =>
        runRead({ operation: "get_sms_history", params: body.params }, call, context),
      );
    case "get_mms_history":
      return connection((call) =>
        runRead({ operation: "get_mms_history", params: body.params }, call, context),
      );
    case "get_delivery_receipts":
      return connection((call) =>
        runRead({ operation: "get_delivery_receipts", params: body.params }, call, context),
      );
    case "poll_replies":
      return connection((call) => runRead({ operation: "poll_replies" }, call, context));
    case "send_sms":
    case "send_mms":
      return send(env, service, userId, body);
    case "price_sms": {
      const p = body.params;
      return connection(async ({ client, country }) => {
        const to = priceableRecipients(p.to, p.default_country ?? country);
        const from = p.from !== undefined ? { from: p.from } : {};
        return priceView(await client.priceSms(to.map((n) => ({ to: n, body: p.body, ...from }))));
      });
    }
    case "price_mms": {
      const p = body.params;
      checkComposerMediaUrl(env, p.media_url);
      return connection(async ({ client, country }) => {
        const to = priceableRecipients(p.to, p.default_country ?? country);
        const from = p.from !== undefined ? { from: p.from } : {};
        const messages = to.map((n) => ({ to: n, subject: p.subject, body: p.body, ...from }));
        return priceView(await client.priceMms(p.media_url, messages));
      });
    }
    case "upload_media": {
      const { content_type: type, content_base64: content } = body.params;
      const size =
        Math.floor((content.length * 3) / 4) -
        (content.endsWith("==") ? 2 : content.endsWith("=") ? 1 : 0);
      const check = checkMmsMedia({ type, size });
      if (!check.ok) throw new ApiError(400, "invalid_media", check.reason);
      return connection(async ({ client }) => {
        const upload = await client.upload(content, "mms");
        return { url: upload.url, expires_at: upload.expiresAt };
      });
    }
    case "cancel_scheduled": {
      const messageId = body.params.message_id;
      return connection(async ({ client, connectionId }) => {
        await client.cancelSms(messageId);
        await service
          .from("clicksend_messages")
          .update({
            status: "Cancelled",
            status_code: "301",
            status_updated_at: new Date().toISOString(),
          })
          .eq("user_oauth_connection_id", connectionId)
          .eq("message_id", messageId);
        return { cancelled: true, message_id: messageId };
      });
    }
  }
}
