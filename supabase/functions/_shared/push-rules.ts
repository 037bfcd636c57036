// The ClickSend account rules that bring a connection its pushes: one delivery-receipt rule
// (URL), one inbound rule that pushes replies (URL) and one that keeps them for polling (POLL).
// One secret token per connection authenticates all of them; every ensure issues a new one, so
// rules of ours pointing at any other token are stale (an earlier connect, a rotated key, a
// merged duplicate, an earlier "Enable replies") and are reused or deleted, never duplicated.
// Rules of other users' live connections to the same account, and rules not ours, stay.
import type { ClickSendClient } from "./clicksend/client.ts";
import type { InboundRuleAction } from "./contracts/clicksend-types.ts";
import type { FunctionEnv } from "./env.ts";
import type { Db } from "./supabase.ts";

/** The push URL of a function for a connection's token. */
export function pushUrl(
  env: FunctionEnv,
  fn: "clicksend-webhook" | "clicksend-inbound",
  token: string,
): string {
  return `${env.SUPABASE_URL}/functions/v1/${fn}?token=${token}`;
}

const RECEIPT_RULE_NAME = "AI agents: delivery receipts";
const REPLY_PUSH_RULE_NAME = "AI agents: replies";
const REPLY_POLL_RULE_NAME = "AI agents: replies (poll)";

/** The rule ids a connection now has (null where a rule could not be made). */
export interface PushRules {
  receiptRuleId: number | null;
  inboundRuleId: number | null;
  inboundPollRuleId: number | null;
}

const NO_RULES: PushRules = { receiptRuleId: null, inboundRuleId: null, inboundPollRuleId: null };

interface OurRule {
  id: number;
  token: string;
}

/** One kind of rule: how to list, make, repoint and remove it on the account. */
interface RuleKind {
  existing: OurRule[];
  create: (url: string) => Promise<{ id: number }>;
  update: (id: number, url: string) => Promise<{ id: number }>;
  remove: (id: number) => Promise<void>;
}

function ours(
  rules: { id: number; action: string | null; address: string | null }[],
  action: string,
  prefix: string,
): OurRule[] {
  return rules.flatMap((rule) => {
    if (rule.action !== action || rule.address?.startsWith(prefix) !== true) return [];
    return [{ id: rule.id, token: new URL(rule.address).searchParams.get("token") ?? "" }];
  });
}

/** Repoints one stale rule of this kind at `url` (or makes one) and deletes the other stale ones. */
async function ensureOne(kind: RuleKind, live: Set<string>, url: string): Promise<number | null> {
  try {
    const [reuse, ...extra] = kind.existing.filter((rule) => !live.has(rule.token));
    for (const rule of extra) await kind.remove(rule.id).catch(() => undefined);
    if (reuse !== undefined) return (await kind.update(reuse.id, url)).id;
    return (await kind.create(url)).id;
  } catch {
    return null;
  }
}

/**
 * Ensures the connection's three rules with a new token. Best effort: a connection works without
 * pushes (receipts and replies can be polled), so a failure leaves that rule's id null.
 */
export async function ensurePushRules(
  env: FunctionEnv,
  service: Db,
  connectionId: string,
  client: ClickSendClient,
): Promise<PushRules> {
  const { data: token, error } = await service.rpc("clicksend_issue_webhook_token", {
    p_connection_id: connectionId,
  });
  if (error) return NO_RULES;
  const receiptPrefix = pushUrl(env, "clicksend-webhook", "");
  const inboundPrefix = pushUrl(env, "clicksend-inbound", "");
  const [receiptRules, inboundRules] = await Promise.all([
    client.listReceiptRules().catch(() => null),
    client.listInboundRules().catch(() => null),
  ]);
  const receipts: RuleKind | null = receiptRules && {
    existing: ours(receiptRules, "URL", receiptPrefix),
    create: (url) => client.createReceiptRule(RECEIPT_RULE_NAME, url),
    update: (id, url) => client.updateReceiptRule(id, RECEIPT_RULE_NAME, url),
    remove: (id) => client.deleteReceiptRule(id),
  };
  const inbound = (action: InboundRuleAction, name: string): RuleKind | null =>
    inboundRules && {
      existing: ours(inboundRules, action, inboundPrefix),
      create: (url) => client.createInboundRule(name, action, url),
      update: (id, url) => client.updateInboundRule(id, name, action, url),
      remove: (id) => client.deleteInboundRule(id),
    };
  const replyPush = inbound("URL", REPLY_PUSH_RULE_NAME);
  const replyPoll = inbound("POLL", REPLY_POLL_RULE_NAME);

  const tokens = [receipts, replyPush, replyPoll].flatMap((kind) =>
    (kind?.existing ?? []).map((rule) => rule.token),
  );
  const { data: liveTokens, error: liveError } = await service.rpc(
    "clicksend_live_webhook_tokens",
    { p_tokens: tokens },
  );
  if (liveError) return NO_RULES;
  const live = new Set(liveTokens);
  const receiptUrl = pushUrl(env, "clicksend-webhook", token);
  const inboundUrl = pushUrl(env, "clicksend-inbound", token);
  return {
    receiptRuleId: receipts ? await ensureOne(receipts, live, receiptUrl) : null,
    inboundRuleId: replyPush ? await ensureOne(replyPush, live, inboundUrl) : null,
    inboundPollRuleId: replyPoll ? await ensureOne(replyPoll, live, inboundUrl) : null,
  };
}

/** Deletes a connection's rules from the account (best effort, while its key still works). */
export async function removePushRules(
  client: ClickSendClient,
  rules: { receipt: number | null; inbound: number | null; poll: number | null },
): Promise<void> {
  if (rules.receipt !== null) await client.deleteReceiptRule(rules.receipt).catch(() => undefined);
  for (const id of [rules.inbound, rules.poll]) {
    if (id !== null) await client.deleteInboundRule(id).catch(() => undefined);
  }
}
