// The request bodies of the functions, as the functions validate them: the app builds its calls
// from these types (connect, rotate and disconnect bodies are in connection-schemas.ts).
import { z } from "zod";
import { MMS_MAX_BYTES } from "./mms-media.ts";
import { composerMediaUrl, toolArgumentSchemas } from "./tool-catalog.ts";

// ---------------------------------------------------------------------------------------------
// get-agent-tools and execute-agent-tool
// ---------------------------------------------------------------------------------------------
export const discoverBodySchema = z.strictObject({ agent_id: z.uuid() });

export const executeBodySchema = z.strictObject({
  agent_id: z.uuid(),
  tool: z.string().min(1).max(100),
  arguments: z.record(z.string(), z.unknown()).default({}),
  idempotency_key: z
    .string()
    .regex(
      /^[A-Za-z0-9._:-]{1,200}$/,
      "use 1-200 letters, digits, dots, colons, dashes or underscores",
    )
    .optional(),
});
export type ExecuteBody = z.infer<typeof executeBodySchema>;

// ---------------------------------------------------------------------------------------------
// clicksend-api: the dashboard's actions on the caller's own connection
// ---------------------------------------------------------------------------------------------
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
    // media_url by shape only here; send() applies the composer's rule, which needs the env.
    params: toolArgumentSchemas.clicksend_send_mms.extend({
      media_url: composerMediaUrl,
      idempotency_key: idempotencyKey,
    }),
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
    action: z.literal("price_mms"),
    // media_url as for send_mms: ClickSend prices an MMS with its image (the composer's upload).
    params: toolArgumentSchemas.clicksend_send_mms
      .pick({ to: true, subject: true, body: true, from: true, default_country: true })
      .extend({ media_url: composerMediaUrl }),
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
  z.strictObject({
    connection_id: z.uuid(),
    action: z.literal("poll_replies"),
    params: z.strictObject({}).default({}),
  }),
]);
export type ApiBody = z.infer<typeof apiBodySchema>;
export type DashboardAction = ApiBody["action"];
/** A dashboard request as the app sends it (before the schema's defaults apply). */
type DashboardRequest = z.input<typeof apiBodySchema>;
/** The params of one action, as the app sends them. */
export type DashboardParams<A extends DashboardAction> = Extract<
  DashboardRequest,
  { action: A }
>["params"];

// ---------------------------------------------------------------------------------------------
// agent-webhooks: an agent's reply webhook, for the agent's owner
// ---------------------------------------------------------------------------------------------
export const agentWebhookBodySchema = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("set"),
    agent_id: z.uuid(),
    url: z.string().trim().min(10).max(2000),
  }),
  z.strictObject({ action: z.literal("rotate_secret"), agent_id: z.uuid() }),
  z.strictObject({ action: z.literal("remove"), agent_id: z.uuid() }),
]);
export type AgentWebhookBody = z.infer<typeof agentWebhookBodySchema>;

/** An agent's reply webhook as its owner sees it: never the secret, only its last characters. */
export const agentWebhookViewSchema = z.object({
  agent_id: z.string(),
  url: z.string(),
  secret_hint: z.string(),
  secret_rotated_at: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AgentWebhookView = z.infer<typeof agentWebhookViewSchema>;

/** What agent-webhooks answers for "set" and "rotate_secret". */
export const agentWebhookChangeSchema = z.object({
  webhook: agentWebhookViewSchema,
  /** The signing secret, only when a new one was made: shown once, kept nowhere else. */
  secret: z.string().nullable(),
});
export type AgentWebhookChange = z.infer<typeof agentWebhookChangeSchema>;

/** What agent-webhooks answers for "remove": false when the agent had no webhook. */
export const agentWebhookRemovedSchema = z.object({ removed: z.boolean() });

/** What clicksend-api's poll_replies answers. */
export const pollRepliesResultSchema = z.object({
  /** Replies found at ClickSend that were not stored yet (their push never arrived). */
  stored: z.number().int(),
  clicksend_requests: z.number().int(),
});
export type PollRepliesResult = z.infer<typeof pollRepliesResultSchema>;
