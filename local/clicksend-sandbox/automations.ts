// Delivery-receipt rules (/automations/sms/receipts): which receipts are polled (POLL) or pushed
// (URL). match_type 0 takes every receipt, 1 failures (300, 301, 302), 2 successes (200, 201).
import { z } from "zod";
import type { SandboxContext } from "./context.ts";
import { isFailure, type ReceiptStatusCode } from "./delivery.ts";
import { badRequest, notFound, ok, type Reply } from "./envelope.ts";
import { parseWith } from "./http.ts";
import { paginate, pageRequest } from "./pagination.ts";
import type { RouteRequest } from "./router.ts";
import type { ReceiptRule, ReceiptRuleAction } from "./state.ts";

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

const ruleFields = {
  rule_name: z.string().trim().min(1, "is required").max(100),
  match_type: matchType,
  action: z.enum(RULE_ACTIONS),
  action_address: z.string().trim().max(500).nullish(),
  enabled,
};

const createSchema = z.object(ruleFields);
const updateSchema = z.object(ruleFields).partial();

/** URL rules need an http(s) address to push to; EMAIL_FIXED and SMS need some address. */
function checkAddress(action: ReceiptRuleAction, address: string): void {
  if (action === "URL") {
    const parsed = URL.canParse(address) ? new URL(address) : undefined;
    if (parsed?.protocol !== "http:" && parsed?.protocol !== "https:") {
      throw badRequest("action_address: a URL rule needs an http(s) URL.");
    }
  } else if ((action === "EMAIL_FIXED" || action === "SMS") && address === "") {
    throw badRequest(`action_address: required for action ${action}.`);
  }
}

function ownRule(ctx: SandboxContext, req: RouteRequest): ReceiptRule {
  const id = Number(req.params.id);
  const rule = ctx.state.receiptRules.find(
    (candidate) => candidate.id === id && candidate.username === req.account.username,
  );
  if (!rule) throw notFound("Receipt rule not found.");
  return rule;
}

export function listRules(ctx: SandboxContext, req: RouteRequest): Reply {
  const rules = ctx.state.receiptRules.filter((rule) => rule.username === req.account.username);
  const page = paginate(rules, pageRequest(req.query), `${ctx.apiBase}/automations/sms/receipts`);
  return ok("Here are your automation rules.", { ...page, data: page.data.map(view) });
}

export function createRule(ctx: SandboxContext, req: RouteRequest): Reply {
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

export function getRule(ctx: SandboxContext, req: RouteRequest): Reply {
  return ok("Here is your automation rule.", view(ownRule(ctx, req)));
}

export function updateRule(ctx: SandboxContext, req: RouteRequest): Reply {
  const rule = ownRule(ctx, req);
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

export function deleteRule(ctx: SandboxContext, req: RouteRequest): Reply {
  const rule = ownRule(ctx, req);
  ctx.state.receiptRules.splice(ctx.state.receiptRules.indexOf(rule), 1);
  return ok("Automation rule has been deleted.", null);
}
