// Guardrails (issue 15), one source for the functions and the app: the consent words, the
// statuses of recipients refused before ClickSend, an agent's policy as the table
// public.agent_policies stores it, the answers execute-agent-tool gives for a policy refusal or an
// approval hold, and the agent-approvals function's bodies. The database enforces the same rules
// (supabase/migrations/20250911000010_guardrails.sql); tests compare the two.
import { z } from "zod";

// ---------------------------------------------------------------------------------------------
// Opt-outs
// ---------------------------------------------------------------------------------------------
/** A reply whose whole text (trimmed, any case) is one of these adds its sender to the list. */
export const OPT_OUT_WORDS = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"] as const;
/** A reply whose whole text is one of these takes its sender off the list. */
export const OPT_IN_WORDS = ["START", "UNSTOP", "YES"] as const;

export type Consent = "opt_out" | "opt_in";

/** What a reply does to its sender's consent, as the database decides it; null for a reply. */
export function consentOf(body: string): Consent | null {
  const word = body.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "").toUpperCase();
  if ((OPT_OUT_WORDS as readonly string[]).includes(word)) return "opt_out";
  if ((OPT_IN_WORDS as readonly string[]).includes(word)) return "opt_in";
  return null;
}

/** One number on an account's opt-out list (public.clicksend_opt_outs). */
export const optOutSchema = z.object({
  account_username: z.string(),
  phone: z.string(),
  source: z.enum(["reply", "manual"]),
  since: z.string(),
});
export type OptOut = z.infer<typeof optOutSchema>;

/** One change of a number's consent (public.clicksend_consent_events). */
export const consentEventSchema = z.object({
  id: z.number(),
  account_username: z.string(),
  phone: z.string(),
  action: z.enum(["opt_out", "opt_in"]),
  source: z.enum(["reply", "manual"]),
  keyword: z.string().nullable(),
  created_at: z.string(),
});
export type ConsentEvent = z.infer<typeof consentEventSchema>;

// ---------------------------------------------------------------------------------------------
// Recipients refused before ClickSend: per recipient, like ClickSend's own per-message statuses
// ---------------------------------------------------------------------------------------------
export const POLICY_REFUSAL_STATUSES = [
  "OPTED_OUT",
  "RECIPIENT_NOT_ALLOWED",
  "COUNTRY_NOT_ALLOWED",
] as const;
export type PolicyRefusalStatus = (typeof POLICY_REFUSAL_STATUSES)[number];

export function isPolicyRefusal(status: string): status is PolicyRefusalStatus {
  return (POLICY_REFUSAL_STATUSES as readonly string[]).includes(status);
}

// ---------------------------------------------------------------------------------------------
// An agent's policy
// ---------------------------------------------------------------------------------------------
export const APPROVAL_MODES = ["never", "first_contact", "always"] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

const E164 = /^\+[1-9][0-9]{6,14}$/;
const PREFIX = /^\+[1-9][0-9]{0,13}\*$/;
const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$/;

/** An allowed recipient: an E.164 number, or a prefix ending in `*`. */
export const recipientRuleSchema = z
  .string()
  .refine(
    (rule) => E164.test(rule) || PREFIX.test(rule),
    "use an E.164 number such as +61411111111, or a prefix ending in * such as +6141*",
  );

/** Whether a recipient (E.164) matches one allowed-recipients rule. */
export function matchesRecipientRule(rule: string, recipient: string): boolean {
  return rule.endsWith("*") ? recipient.startsWith(rule.slice(0, -1)) : rule === recipient;
}

/** The editable columns of public.agent_policies; null (or absent) means no such rule. */
export const agentPolicySchema = z
  .strictObject({
    daily_message_limit: z.number().int().min(1).max(1_000_000).nullable(),
    monthly_spend_limit: z.number().positive().max(99_999_999).nullable(),
    allowed_recipients: z.array(recipientRuleSchema).max(500).nullable(),
    allowed_countries: z
      .array(z.string().regex(/^[A-Z]{2}$/, "use two-letter ISO codes such as AU or NZ"))
      .max(250)
      .nullable(),
    quiet_hours_start: z.string().regex(TIME, "use HH:MM").nullable(),
    quiet_hours_end: z.string().regex(TIME, "use HH:MM").nullable(),
    quiet_hours_timezone: z.string().min(1).max(64).nullable(),
    approval_mode: z.enum(APPROVAL_MODES),
  })
  .refine((p) => (p.quiet_hours_start === null) === (p.quiet_hours_end === null), {
    message: "quiet hours need both a start and an end",
    path: ["quiet_hours_end"],
  })
  .refine(
    (p) =>
      p.quiet_hours_start === null ||
      p.quiet_hours_start.slice(0, 5) !== p.quiet_hours_end?.slice(0, 5),
    { message: "quiet hours must start and end at different times", path: ["quiet_hours_end"] },
  );
export type AgentPolicy = z.infer<typeof agentPolicySchema>;

/** No rule at all: what an agent without a policy row is held to. */
export const NO_POLICY: AgentPolicy = {
  daily_message_limit: null,
  monthly_spend_limit: null,
  allowed_recipients: null,
  allowed_countries: null,
  quiet_hours_start: null,
  quiet_hours_end: null,
  quiet_hours_timezone: null,
  approval_mode: "never",
};

// ---------------------------------------------------------------------------------------------
// What execute-agent-tool answers
// ---------------------------------------------------------------------------------------------
export const POLICY_REASONS = [
  "daily_message_limit",
  "monthly_spend_limit",
  "quiet_hours",
] as const;
export type PolicyReason = (typeof POLICY_REASONS)[number];

/** Only a daily limit (24 h rolls on) and quiet hours (they end) pass by themselves. */
export function policyRetryable(reason: PolicyReason): boolean {
  return reason !== "monthly_spend_limit";
}

export const policyDetailsSchema = z.object({
  limit: z.number().optional(),
  used: z.number().optional(),
  requested: z.number().optional(),
  price: z.number().optional(),
  currency: z.string().nullable().optional(),
  opens_at: z.string().optional(),
  timezone: z.string().optional(),
});
export type PolicyDetails = z.infer<typeof policyDetailsSchema>;

/** 403: the whole call refused by quiet hours or a limit. */
export const policyDeniedBodySchema = z.object({
  error: z.object({
    code: z.literal("policy_denied"),
    reason: z.enum(POLICY_REASONS),
    message: z.string(),
    retryable: z.boolean(),
    details: policyDetailsSchema,
  }),
});

/** 202: held for a person's approval; nothing was sent. */
export const approvalPendingBodySchema = z.object({
  ok: z.literal(false),
  status: z.literal("pending_approval"),
  code: z.literal("approval_pending"),
  message: z.string(),
  approval_id: z.string(),
  expires_at: z.string(),
});
export type ApprovalPendingBody = z.infer<typeof approvalPendingBodySchema>;

export const APPROVAL_PENDING_MESSAGE =
  "This send is waiting for a person to approve it; nothing was sent. Do not send it again: the outcome will arrive as an approval_decided event, or call again with the same idempotency_key to see it.";

// ---------------------------------------------------------------------------------------------
// agent-approvals
// ---------------------------------------------------------------------------------------------
export const APPROVAL_STATES = ["pending", "approved", "rejected", "expired"] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export const decideApprovalBodySchema = z.strictObject({
  approval_id: z.uuid(),
  decision: z.enum(["approve", "reject"]),
  body: z
    .string()
    .trim()
    .min(1, "the message cannot be empty")
    .max(1600, "at most 1600 characters")
    // A lone UTF-16 surrogate is no text Postgres can store (the decision failed with a 500).
    .refine(
      (text) => !/\p{Cs}/u.test(text),
      "the message has a broken character (a lone surrogate)",
    )
    .optional(),
});
export type DecideApprovalBody = z.infer<typeof decideApprovalBodySchema>;

/** The send an approval holds (the tool's arguments, as the agent gave them). */
export const heldRequestSchema = z.object({
  to: z.array(z.string()),
  body: z.string(),
  subject: z.string().optional(),
  media_url: z.string().optional(),
  from: z.string().optional(),
  schedule: z.string().optional(),
  custom_string: z.string().optional(),
  default_country: z.string().optional(),
});

export const approvalSchema = z.object({
  id: z.string(),
  agent_id: z.string(),
  agent_name: z.string().nullable(),
  connection_id: z.string().nullable(),
  tool: z.enum(["clicksend_send_sms", "clicksend_send_mms"]),
  request: heldRequestSchema,
  recipients: z.number(),
  parts: z.number(),
  price: z.number().nullable(),
  currency: z.string().nullable(),
  state: z.enum(APPROVAL_STATES),
  created_at: z.string(),
  expires_at: z.string(),
  decided_at: z.string().nullable(),
  edited_body: z.boolean(),
  /** What the approved send answered the agent: its HTTP status and body. */
  outcome: z.object({ status: z.number(), body: z.unknown() }).nullable(),
});
export type Approval = z.infer<typeof approvalSchema>;

export const approvalListSchema = z.object({ approvals: z.array(approvalSchema) });
export type ApprovalList = z.infer<typeof approvalListSchema>;

/** POST's answer: the approval as it now stands. */
export const decideApprovalResultSchema = z.object({ approval: approvalSchema });
export type DecideApprovalResult = z.infer<typeof decideApprovalResultSchema>;
