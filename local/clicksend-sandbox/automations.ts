// Automation rules. Delivery-receipt rules (/automations/sms/receipts) say which receipts are
// polled (POLL) or pushed (URL): match_type 0 takes every receipt, 1 failures (300, 301, 302),
// 2 successes (200, 201). Inbound rules (/automations/sms/inbound) do the same for replies and
// other inbound SMS, matched on the number they were sent to and a search on their text; URL
// rules push in their webhook_type (post, get or json). Only URL and POLL do anything here.
import { z } from "zod";
import type { SandboxContext } from "./context.ts";
import { isFailure, type ReceiptStatusCode } from "./delivery.ts";
import { badRequest, notFound, ok, type Reply } from "./envelope.ts";
import { parseWith } from "./http.ts";
import { paginate, pageRequest } from "./pagination.ts";
import type { RouteRequest } from "./router.ts";
import {
  INBOUND_RULE_ACTIONS,
  type InboundRule,
  type InboundRuleAction,
  type ReceiptRule,
  type ReceiptRuleAction,
  type WebhookType,
} from "./state.ts";

const RULE_ACTIONS = ["URL", "POLL", "EMAIL_FIXED", "EMAIL_USER", "SMS", "NONE"] as const;

export function ruleMatches(rule: ReceiptRule, statusCode: ReceiptStatusCode): boolean {
  if (rule.matchType === 1) return isFailure(statusCode);
  if (rule.matchType === 2) return !isFailure(statusCode);
  return true;
}

interface ReceiptRuleView {
  receipt_rule_id: number;
  rule_name: string;
  match_type: 0 | 1 | 2;
  action: ReceiptRuleAction;
  action_address: string;
  enabled: 0 | 1;
}

function view(rule: ReceiptRule): ReceiptRuleView {
  return {
    receipt_rule_id: rule.id,
    rule_name: rule.ruleName,
    match_type: rule.matchType,
    action: rule.action,
    action_address: rule.actionAddress,
    enabled: rule.enabled,
  };
}

/** An integer given as a number or a digit string, as a PHP API accepts. */
const intLike = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

const matchType = intLike.pipe(
  z.union([z.literal(0), z.literal(1), z.literal(2)], { error: "must be 0, 1 or 2" }),
);
const enabled = z
  .union([intLike, z.boolean().transform((value) => (value ? 1 : 0))])
  .pipe(z.union([z.literal(0), z.literal(1)], { error: "must be 0 or 1" }));

const ruleName = z.string().trim().min(1, "is required").max(100);
const actionAddress = z.string().trim().max(500).nullish();

const ruleFields = {
  rule_name: ruleName,
  match_type: matchType,
  action: z.enum(RULE_ACTIONS),
  action_address: actionAddress,
  enabled,
};

const createSchema = z.object(ruleFields);
const updateSchema = z.object(ruleFields).partial();

/** URL rules need an http(s) address to push to; EMAIL_FIXED and SMS need some address. */
function checkAddress(action: ReceiptRuleAction | InboundRuleAction, address: string): void {
  if (action === "URL") {
    const parsed = URL.canParse(address) ? new URL(address) : undefined;
    if (parsed?.protocol !== "http:" && parsed?.protocol !== "https:") {
      throw badRequest("action_address: a URL rule needs an http(s) URL.");
    }
  } else if ((action === "EMAIL_FIXED" || action === "SMS") && address === "") {
    throw badRequest(`action_address: required for action ${action}.`);
  }
}

/** The calling account's rule with the id in the path; 404 for another account's. */
function ownRule<T extends { id: number; username: string }>(
  rules: readonly T[],
  req: RouteRequest,
  missing: string,
): T {
  const id = Number(req.params.id);
  const rule = rules.find(
    (candidate) => candidate.id === id && candidate.username === req.account.username,
  );
  if (!rule) throw notFound(missing);
  return rule;
}

const ownReceiptRule = (ctx: SandboxContext, req: RouteRequest): ReceiptRule =>
  ownRule(ctx.state.receiptRules, req, "Receipt rule not found.");

export function listReceiptRules(ctx: SandboxContext, req: RouteRequest): Reply {
  const rules = ctx.state.receiptRules.filter((rule) => rule.username === req.account.username);
  const page = paginate(rules, pageRequest(req.query), `${ctx.apiBase}/automations/sms/receipts`);
  return ok("Here are your automation rules.", { ...page, data: page.data.map(view) });
}

export function createReceiptRule(ctx: SandboxContext, req: RouteRequest): Reply {
  const body = parseWith(createSchema, req.body ?? {});
  const actionAddress = body.action_address ?? "";
  checkAddress(body.action, actionAddress);
  const rule: ReceiptRule = {
    id: ctx.state.nextRuleId++,
    username: req.account.username,
    ruleName: body.rule_name,
    matchType: body.match_type,
    action: body.action,
    actionAddress,
    enabled: body.enabled,
  };
  ctx.state.receiptRules.push(rule);
  return ok("New automation rule has been created.", view(rule));
}

export function getReceiptRule(ctx: SandboxContext, req: RouteRequest): Reply {
  return ok("Here is your automation rule.", view(ownReceiptRule(ctx, req)));
}

export function updateReceiptRule(ctx: SandboxContext, req: RouteRequest): Reply {
  const rule = ownReceiptRule(ctx, req);
  const body = parseWith(updateSchema, req.body ?? {});
  const action = body.action ?? rule.action;
  const actionAddress =
    body.action_address === undefined ? rule.actionAddress : (body.action_address ?? "");
  checkAddress(action, actionAddress);
  rule.ruleName = body.rule_name ?? rule.ruleName;
  rule.matchType = body.match_type ?? rule.matchType;
  rule.action = action;
  rule.actionAddress = actionAddress;
  rule.enabled = body.enabled ?? rule.enabled;
  return ok("Automation rule has been updated.", view(rule));
}

export function deleteReceiptRule(ctx: SandboxContext, req: RouteRequest): Reply {
  const rule = ownReceiptRule(ctx, req);
  ctx.state.receiptRules.splice(ctx.state.receiptRules.indexOf(rule), 1);
  return ok("Automation rule has been deleted.", null);
}

// Inbound rules.

/** ClickSend fires at most this many matching inbound rules per message (§2.16). */
const MAX_INBOUND_RULES_PER_MESSAGE = 10;

/** A number compared without "+", spaces, dashes or brackets, so 61411… matches +61411…. */
const comparableNumber = (value: string): string => value.replace(/[\s+()-]/g, "").toLowerCase();

function inboundRuleMatches(rule: InboundRule, to: string, body: string): boolean {
  if (
    rule.dedicatedNumber !== "*" &&
    comparableNumber(rule.dedicatedNumber) !== comparableNumber(to)
  )
    return false;
  const term = (rule.messageSearchTerm ?? "").toLowerCase();
  // No term, no condition (ClickSend's own examples have search type 3 with a null term).
  if (rule.messageSearchType === 0 || term.trim() === "") return true;
  const text = body.toLowerCase();
  if (rule.messageSearchType === 1) return text.trimStart().startsWith(term.trimStart());
  if (rule.messageSearchType === 2) return text.includes(term);
  return !text.includes(term);
}

/** The account's enabled inbound rules that fire for a message: the first ten that match. */
export function firingInboundRules(
  ctx: SandboxContext,
  username: string,
  to: string,
  body: string,
): InboundRule[] {
  return ctx.state.inboundRules
    .filter(
      (rule) =>
        rule.username === username && rule.enabled === 1 && inboundRuleMatches(rule, to, body),
    )
    .slice(0, MAX_INBOUND_RULES_PER_MESSAGE);
}

interface InboundRuleView {
  inbound_rule_id: number;
  dedicated_number: string;
  rule_name: string;
  message_search_type: 0 | 1 | 2 | 3;
  message_search_term: string | null;
  action: InboundRuleAction;
  action_address: string;
  enabled: 0 | 1;
  webhook_type: WebhookType;
  body: string | null;
}

function inboundView(rule: InboundRule): InboundRuleView {
  return {
    inbound_rule_id: rule.id,
    dedicated_number: rule.dedicatedNumber,
    rule_name: rule.ruleName,
    message_search_type: rule.messageSearchType,
    message_search_term: rule.messageSearchTerm,
    action: rule.action,
    action_address: rule.actionAddress,
    enabled: rule.enabled,
    webhook_type: rule.webhookType,
    body: rule.body,
  };
}

/** "*" or a phone number; the docs type it as a number, the examples as a string. */
const dedicatedNumber = z.union(
  [
    z.literal("*"),
    z
      .string()
      .trim()
      .regex(/^\+?\d{3,15}$/),
    z
      .number()
      .int()
      .nonnegative()
      .max(999_999_999_999_999)
      .transform((value) => String(value)),
  ],
  { error: 'must be "*" or a phone number' },
);

const messageSearchType = intLike.pipe(
  z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)], {
    error: "must be 0, 1, 2 or 3",
  }),
);

export const webhookType = z.enum(["post", "get", "json"], { error: "must be post, get or json" });

const inboundRuleFields = {
  dedicated_number: dedicatedNumber,
  rule_name: ruleName,
  message_search_type: messageSearchType,
  message_search_term: z.string().max(100).nullish(),
  action: z.enum(INBOUND_RULE_ACTIONS),
  action_address: actionAddress,
  enabled,
  webhook_type: webhookType.nullish(),
  body: z.string().max(1600).nullish(),
};

const createInboundSchema = z.object(inboundRuleFields);
const updateInboundSchema = z.object(inboundRuleFields).partial();

const ownInboundRule = (ctx: SandboxContext, req: RouteRequest): InboundRule =>
  ownRule(ctx.state.inboundRules, req, "Inbound rule not found.");

export function listInboundRules(ctx: SandboxContext, req: RouteRequest): Reply {
  const rules = ctx.state.inboundRules.filter((rule) => rule.username === req.account.username);
  const page = paginate(rules, pageRequest(req.query), `${ctx.apiBase}/automations/sms/inbound`);
  return ok("Your list of inbound rules.", { ...page, data: page.data.map(inboundView) });
}

export function createInboundRule(ctx: SandboxContext, req: RouteRequest): Reply {
  const body = parseWith(createInboundSchema, req.body ?? {});
  const address = body.action_address ?? "";
  checkAddress(body.action, address);
  const rule: InboundRule = {
    id: ctx.state.nextRuleId++,
    username: req.account.username,
    dedicatedNumber: body.dedicated_number,
    ruleName: body.rule_name,
    messageSearchType: body.message_search_type,
    messageSearchTerm: body.message_search_term ?? null,
    action: body.action,
    actionAddress: address,
    enabled: body.enabled,
    webhookType: body.webhook_type ?? "post",
    body: body.body ?? null,
  };
  ctx.state.inboundRules.push(rule);
  return ok("Your record has been added.", inboundView(rule));
}

export function getInboundRule(ctx: SandboxContext, req: RouteRequest): Reply {
  return ok("Here is your result.", inboundView(ownInboundRule(ctx, req)));
}

export function updateInboundRule(ctx: SandboxContext, req: RouteRequest): Reply {
  const rule = ownInboundRule(ctx, req);
  const body = parseWith(updateInboundSchema, req.body ?? {});
  const action = body.action ?? rule.action;
  const address =
    body.action_address === undefined ? rule.actionAddress : (body.action_address ?? "");
  checkAddress(action, address);
  rule.dedicatedNumber = body.dedicated_number ?? rule.dedicatedNumber;
  rule.ruleName = body.rule_name ?? rule.ruleName;
  rule.messageSearchType = body.message_search_type ?? rule.messageSearchType;
  if (body.message_search_term !== undefined) rule.messageSearchTerm = body.message_search_term;
  rule.action = action;
  rule.actionAddress = address;
  rule.enabled = body.enabled ?? rule.enabled;
  rule.webhookType = body.webhook_type ?? rule.webhookType;
  if (body.body !== undefined) rule.body = body.body;
  return ok("Your record has been updated.", inboundView(rule));
}

export function deleteInboundRule(ctx: SandboxContext, req: RouteRequest): Reply {
  const rule = ownInboundRule(ctx, req);
  ctx.state.inboundRules.splice(ctx.state.inboundRules.indexOf(rule), 1);
  return ok("Your record has been deleted.", null);
}
