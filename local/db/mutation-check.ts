// npm run test:db:mutations — proves the pgTAP suite guards each security property: for every
// mutation below (one property broken on purpose), a fresh copy of the migrated database gets
// the mutation and the whole suite must FAIL. Prints which files caught it; exits 1 if any
// mutation survives.
import { startCluster } from "./pg-cluster.ts";
import { applyAllWithPsql, requirePgTap, runPgTap } from "./pgtap.ts";
import { seedPath } from "./sql-files.ts";

interface Mutation {
  property: string;
  sql: string;
}

const validateWithoutCallerCheck = `
create or replace function public.validate_agent_clicksend_permissions(p_agent_id uuid, p_user_id uuid, p_required_scopes text[])
returns boolean language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.agent_integration_permissions aip
    join public.user_oauth_connections uoc on uoc.id = aip.user_oauth_connection_id
    where aip.agent_id = p_agent_id and aip.user_id = p_user_id and aip.is_active
      and (aip.expires_at is null or aip.expires_at > now()) and uoc.connection_status = 'active'
      and (coalesce(cardinality(p_required_scopes), 0) = 0 or aip.allowed_scopes @> to_jsonb(p_required_scopes)))
$$;`;

const validateEmptyMeansDeny = `
create or replace function public.validate_agent_clicksend_permissions(p_agent_id uuid, p_user_id uuid, p_required_scopes text[])
returns boolean language sql stable security definer set search_path = '' as $$
  select (p_user_id = (select auth.uid()) or (select auth.role()) = 'service_role')
     and exists (select 1 from public.agent_integration_permissions aip
    join public.user_oauth_connections uoc on uoc.id = aip.user_oauth_connection_id
    where aip.agent_id = p_agent_id and aip.user_id = p_user_id and aip.is_active
      and (aip.expires_at is null or aip.expires_at > now()) and uoc.connection_status = 'active'
      and cardinality(p_required_scopes) > 0 and aip.allowed_scopes @> to_jsonb(p_required_scopes))
$$;`;

/**
 * Rewrites one piece of a function's body (the first match of a regular expression) and fails
 * loudly when the pattern is not found, so a mutation can never silently test nothing.
 */
function patchFunction(signature: string, pattern: string, replacement: string): string {
  const quote = (text: string): string => `$q$${text}$q$`;
  return `do $do$
declare
  v_before text := pg_get_functiondef(${quote(signature)}::regprocedure);
  v_after text := regexp_replace(v_before, ${quote(pattern)}, ${quote(replacement)});
begin
  if v_after = v_before then
    raise exception 'mutation did not apply: % not found in %', ${quote(pattern)}, ${quote(signature)};
  end if;
  execute v_after;
end
$do$;`;
}

const PREPARE = "public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb)";
const FINISH = "public.clicksend_finish_call(bigint[], jsonb, uuid[], jsonb)";
const LIMITS = "public.clicksend_verification_limits()";
const BEGIN_VERIFICATION = "public.clicksend_begin_verification(uuid, text, text)";
const INBOUND_PUSH = "public.clicksend_inbound_push(text, jsonb)";
const STORE_REPLIES = "private.clicksend_store_replies(uuid, jsonb, text)";
const WEBHOOK_SET = "public.agent_webhook_set(uuid, uuid, text, boolean)";
const WEBHOOK_TARGET = "public.agent_webhook_target(uuid)";
const APPLY_RECEIPT =
  "public.clicksend_apply_receipt(uuid, text, text, text, timestamptz, text, text, text)";
const REFUSAL = "private.clicksend_recipient_refusal(uuid, text, text[], text[], text, text)";
const CONSENT_KEYWORD = "private.clicksend_consent_keyword(text)";
const SET_CONSENT = "private.clicksend_set_consent(uuid, text, text, text, text, text, uuid)";
const OPT_OUT_ADD = "public.clicksend_opt_out_add(uuid, text)";
const QUIET_HOURS = "private.agent_quiet_hours_open_at(time, time, text, timestamptz)";
const DAILY_USAGE = "private.agent_daily_usage(uuid)";
const DECIDE = "public.agent_approval_decide(uuid, uuid, text, text)";
const TOKEN_CREATE = "public.agent_token_create(uuid, uuid, text, text, text)";
const TOKEN_VERIFY = "public.agent_token_verify(text)";
const ROLE_CHECK = "if current_setting\\('role', true\\) is distinct from 'service_role' then";

/** A table's SELECT policy replaced by one that lets every signed-in user read every row. */
function readableByAll(table: string, policy: string): string {
  return `drop policy "${policy}" on public.${table};
          create policy "${policy}" on public.${table} for select to authenticated using (true);`;
}

const mutations: Mutation[] = [
  {
    property: "RLS enabled on every table",
    sql: "alter table public.agents disable row level security;",
  },
  {
    property: "agents readable by their owner only",
    sql: `drop policy "Users can view own agents" on public.agents;
          create policy "Users can view own agents" on public.agents for select to authenticated using (true);`,
  },
  {
    property: "UPDATE policies keep rows with their owner (WITH CHECK)",
    sql: `drop policy "Users can update own agents" on public.agents;
          create policy "Users can update own agents" on public.agents for update to authenticated
            using (user_id = (select auth.uid())) with check (true);`,
  },
  {
    property: "connections readable by their owner only",
    sql: `drop policy "Users can view own ClickSend connections" on public.user_oauth_connections;
          create policy "Users can view own ClickSend connections" on public.user_oauth_connections
            for select to authenticated using (true);`,
  },
  {
    property: "connection status is not user-writable",
    sql: "grant update (connection_status) on public.user_oauth_connections to authenticated;",
  },
  {
    property: "grants readable by their owner only",
    sql: `drop policy "Users can view own agent grants" on public.agent_integration_permissions;
          create policy "Users can view own agent grants" on public.agent_integration_permissions
            for select to authenticated using (true);`,
  },
  {
    property: "messages readable by their owner only",
    sql: `drop policy "Users can view own ClickSend messages" on public.clicksend_messages;
          create policy "Users can view own ClickSend messages" on public.clicksend_messages
            for select to authenticated using (true);`,
  },
  {
    property: "tool logs readable by their owner only",
    sql: `drop policy "Users can view own tool logs" on public.tool_execution_logs;
          create policy "Users can view own tool logs" on public.tool_execution_logs
            for select to authenticated using (true);`,
  },
  {
    property: "the view runs with the caller's rights",
    sql: "alter view public.clicksend_connections set (security_invoker = false);",
  },
  {
    property: "anon cannot read the view",
    sql: "grant select on public.clicksend_connections to anon;",
  },
  {
    property: "SECURITY DEFINER functions have a fixed search_path",
    sql: "alter function public.get_user_clicksend_connection(uuid) reset search_path;",
  },
  {
    property: "anon cannot execute the permission check",
    sql: "grant execute on function public.validate_agent_clicksend_permissions(uuid, uuid, text[]) to anon;",
  },
  {
    property: "PUBLIC cannot execute the connection helper",
    sql: "grant execute on function public.get_user_clicksend_connection(uuid) to public;",
  },
  {
    property: "the permission check answers a user only about itself",
    sql: validateWithoutCallerCheck,
  },
  { property: "empty required scopes mean any active grant", sql: validateEmptyMeansDeny },
  {
    property: "a grant links an agent and a connection of the same user",
    sql: `alter table public.agent_integration_permissions drop constraint agent_integration_permissions_connection_fk;
          alter table public.agent_integration_permissions add foreign key (user_oauth_connection_id)
            references public.user_oauth_connections (id) on delete cascade;`,
  },
  {
    property: "allowed scopes are a subset of the provider's scopes",
    sql: "drop trigger agent_integration_permissions_scopes on public.agent_integration_permissions;",
  },
  {
    property: "allowed scopes are never empty",
    sql: `alter table public.agent_integration_permissions drop constraint agent_integration_permissions_allowed_scopes_check;
          alter table public.agent_integration_permissions add check (jsonb_typeof(allowed_scopes) = 'array');`,
  },
  {
    property: "authenticated cannot read a key through the credential functions",
    sql: "grant execute on function public.clicksend_read_api_key(uuid) to authenticated;",
  },
  {
    property: "authenticated cannot read Vault",
    sql: "grant usage on schema vault to authenticated; grant select on vault.decrypted_secrets to authenticated;",
  },
  {
    property: "authenticated cannot read secret ids",
    sql: "grant usage on schema private to authenticated; grant select on private.clicksend_credentials to authenticated;",
  },
  {
    property: "deleting a connection deletes its Vault secret",
    sql: "drop trigger clicksend_credentials_delete_secret on private.clicksend_credentials;",
  },
  {
    property: "a connection's concurrent-call limit comes from the provider metadata",
    sql: `update public.service_providers
            set configuration_metadata = jsonb_set(configuration_metadata, '{limits,concurrent_requests}', '100')
          where name = 'clicksend_sms';`,
  },
  {
    property: "a final delivery status is never replaced by a pending one",
    sql: `create or replace function public.clicksend_apply_receipt(p_connection_id uuid, p_message_id text, p_status text,
            p_status_code text, p_received_at timestamptz) returns boolean language sql security definer set search_path = '' as $$
            with updated as (
              update public.clicksend_messages m set status = p_status, status_code = p_status_code, status_updated_at = p_received_at
               where m.user_oauth_connection_id = p_connection_id and m.message_id = p_message_id returning 1)
            select exists (select 1 from updated) $$;`,
  },
  {
    property: "receipt events readable by their owner only",
    sql: `drop policy "Users can view own receipt events" on public.clicksend_receipt_events;
          create policy "Users can view own receipt events" on public.clicksend_receipt_events
            for select to authenticated using (true);`,
  },
  {
    property: "signed-in users cannot write receipt events",
    sql: `grant insert, update, delete on public.clicksend_receipt_events to authenticated;
          create policy "Users can write own receipt events" on public.clicksend_receipt_events
            for all to authenticated
            using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));`,
  },
  {
    property: "a repeated identical receipt is stored once",
    sql: "drop index public.clicksend_receipt_events_once;",
  },
  {
    property: "a final receipt is not replaced by a late pending one (with the receipt's error)",
    sql: patchFunction(
      APPLY_RECEIPT,
      "\\(coalesce\\(v_message\\.status_code, ''\\) not in \\('201', '301'\\) or p_status_code in \\('201', '301'\\)\\)",
      "true",
    ),
  },
  {
    property: "the first receipt replaces the send's own status, whatever its time",
    sql: patchFunction(APPLY_RECEIPT, "coalesce\\(v_message\\.status_code, ''\\) = ''\\s+or ", ""),
  },
  {
    property: "the receipts view runs with the caller's rights",
    sql: "alter view public.clicksend_message_receipts set (security_invoker = false);",
  },
  {
    property: "idempotency keys are unique per connection",
    sql: "alter table public.clicksend_messages drop constraint clicksend_messages_idempotency_key;",
  },
  {
    property: "a prepared call finds an agent only for its owner",
    sql: patchFunction(PREPARE, "and \\(p_user_id is null or a\\.user_id = p_user_id\\)", ""),
  },
  {
    property: "a prepared call needs the tool's scope",
    sql: patchFunction(PREPARE, "and aip\\.allowed_scopes \\? p_scope", ""),
  },
  {
    property: "a prepared call ignores expired grants",
    sql: patchFunction(
      PREPARE,
      "and \\(aip\\.expires_at is null or aip\\.expires_at > now\\(\\)\\)",
      "",
    ),
  },
  {
    property: "the dashboard path uses the caller's own connection only",
    sql: patchFunction(PREPARE, "and uoc\\.user_id = p_user_id", ""),
  },
  {
    // Both guards: the early replay check and the reservation that loses a concurrent race.
    property: "a repeated idempotency key never sends again",
    sql: [
      patchFunction(PREPARE, "m\\.idempotency_key = v_key_prefix \\|\\| v_first::text", "false"),
      patchFunction(PREPARE, "do nothing", "do update set status = 'pending'"),
    ].join("\n"),
  },
  {
    property: "signed-in users cannot prepare calls (the answer holds the key)",
    sql: `grant execute on function ${PREPARE} to authenticated;`,
  },
  {
    property: "a finished call changes pending messages only",
    sql: patchFunction(
      FINISH,
      "where m\\.id = r\\.id and m\\.status = 'pending'",
      "where m.id = r.id",
    ),
  },
  {
    property: "a call of n ClickSend requests takes n slots of the hour",
    sql: patchFunction(
      "private.clicksend_take_call_slots(uuid, integer)",
      "generate_series\\(1, p_count\\)",
      "generate_series(1, 1)",
    ),
  },
  {
    property: "a receipt push needs its connection's token",
    sql: patchFunction(
      // The five-argument push (20250911000005) calls this one since 20250911000009.
      "public.clicksend_receipt_push(text, text, text, text, timestamptz, text, text, text)",
      "v_connection_id := public\\.clicksend_webhook_connection\\(p_token\\);",
      "select t.connection_id into v_connection_id from private.clicksend_webhook_tokens t limit 1;",
    ),
  },
  {
    property: "discovery runs with the caller's rights",
    sql: "alter function public.agent_tool_scopes(uuid) security definer;",
  },
  {
    property: "credential verifications are limited per user",
    sql: patchFunction(LIMITS, "'user_per_minute', 5,", "'user_per_minute', 500,"),
  },
  {
    property: "credential verifications are limited per user per day",
    sql: patchFunction(LIMITS, "'user_per_day', 30,", "'user_per_day', 3000,"),
  },
  {
    property: "credential verifications are limited per client address",
    sql: patchFunction(LIMITS, "'ip_per_minute', 20,", "'ip_per_minute', 2000,"),
  },
  {
    property: "wrong keys for one ClickSend username are limited across users",
    sql: patchFunction(
      LIMITS,
      "'username_failures_per_15_minutes', 5,",
      "'username_failures_per_15_minutes', 500,",
    ),
  },
  {
    property: "refused verifications in a row back off",
    sql: patchFunction(
      BEGIN_VERIFICATION,
      "v_limit := 'user_backoff';",
      "v_limit := null; v_wait := null;",
    ),
  },
  {
    property: "unanswered verifications count as refused (parallel attempts cannot slip past)",
    sql: patchFunction(
      BEGIN_VERIFICATION,
      "and \\(a\\.outcome is null or a\\.outcome = 'rejected'\\)",
      "and a.outcome = 'rejected'",
    ),
  },
  {
    property: "signed-in users cannot call the verification counter",
    sql: "grant execute on function public.clicksend_begin_verification(uuid, text, text) to authenticated;",
  },
  {
    property: "one active connection per user and ClickSend account",
    sql: "drop index public.user_oauth_connections_one_active_account_idx;",
  },
  {
    property: "only tokens of active connections are live",
    sql: patchFunction(
      "public.clicksend_live_webhook_tokens(text[])",
      "and uoc\\.connection_status = 'active'",
      "",
    ),
  },
  {
    property: "replies readable by their owner only",
    sql: `drop policy "Users can view own replies" on public.clicksend_inbound_messages;
          create policy "Users can view own replies" on public.clicksend_inbound_messages
            for select to authenticated using (true);`,
  },
  {
    property: "a user may change only read_at of a reply",
    sql: "grant update on public.clicksend_inbound_messages to authenticated;",
  },
  {
    property: "a user may mark their own replies read",
    sql: `drop policy "Users can mark own replies read" on public.clicksend_inbound_messages;`,
  },
  {
    property: "anon cannot read replies",
    sql: "grant select on public.clicksend_inbound_messages to anon;",
  },
  {
    property: "the conversations view runs with the caller's rights",
    sql: "alter view public.clicksend_conversations set (security_invoker = false);",
  },
  {
    property: "marking a thread read runs with the caller's rights",
    sql: "alter function public.clicksend_mark_thread_read(uuid, text) security definer;",
  },
  {
    property: "only the service role stores pushed replies",
    sql: patchFunction(
      INBOUND_PUSH,
      "if current_setting\\('role', true\\) is distinct from 'service_role' then",
      "if false then",
    ),
  },
  {
    property: "signed-in users cannot execute the reply and webhook functions",
    sql: `grant execute on function ${INBOUND_PUSH} to authenticated;`,
  },
  {
    property: "a pushed reply needs its connection's token",
    sql: patchFunction(
      INBOUND_PUSH,
      "v_connection_id := public\\.clicksend_webhook_connection\\(p_token\\);",
      "select t.connection_id into v_connection_id from private.clicksend_webhook_tokens t limit 1;",
    ),
  },
  {
    property: "a reply is linked by custom_string only to a message sent without the caller's own",
    sql: patchFunction(STORE_REPLIES, " and m\\.custom_string is null", ""),
  },
  {
    property: "a reply is linked only to a message of its own connection",
    sql: patchFunction(
      STORE_REPLIES,
      "where m\\.user_oauth_connection_id = p_connection_id and m\\.message_id = i\\.original_message_id",
      "where m.message_id = i.original_message_id",
    ),
  },
  {
    property: "a reply names the agent whose message it answers",
    sql: patchFunction(STORE_REPLIES, "m\\.agent_id, p_source", "null, p_source"),
  },
  {
    property: "a reply is stored once per connection and ClickSend id",
    sql: [
      "alter table public.clicksend_inbound_messages drop constraint clicksend_inbound_messages_once;",
      patchFunction(
        STORE_REPLIES,
        "on conflict \\(user_oauth_connection_id, clicksend_message_id\\) do nothing",
        "on conflict do nothing",
      ),
    ].join("\n"),
  },
  {
    property: "a reserved send keeps its text",
    sql: patchFunction(PREPARE, "left\\(p_send ->> 'body', 5000\\)", "null"),
  },
  {
    property: "disconnecting a connection deletes its push token",
    sql: "drop trigger user_oauth_connections_push_token on public.user_oauth_connections;",
  },
  {
    property: "webhooks readable by their owner only",
    sql: `drop policy "Users can view own agent webhooks" on public.agent_webhooks;
          create policy "Users can view own agent webhooks" on public.agent_webhooks
            for select to authenticated using (true);`,
  },
  {
    property: "webhook deliveries readable by their owner only",
    sql: `drop policy "Users can view own webhook deliveries" on public.agent_webhook_deliveries;
          create policy "Users can view own webhook deliveries" on public.agent_webhook_deliveries
            for select to authenticated using (true);`,
  },
  {
    property: "a webhook is set only on the owner's agent",
    sql: patchFunction(WEBHOOK_SET, "and a\\.user_id = p_user_id", ""),
  },
  {
    property: "rotating a webhook secret deletes the old one from Vault",
    sql: patchFunction(WEBHOOK_SET, "delete from vault\\.secrets where id = v_old;", "null;"),
  },
  {
    property: "a webhook's signing secret is given to the service role only",
    sql: patchFunction(
      WEBHOOK_TARGET,
      "and current_setting\\('role', true\\) = 'service_role'",
      "",
    ),
  },
  {
    property: "deleting a webhook (or its agent) deletes its Vault secret",
    sql: "drop trigger agent_webhook_secrets_vault on private.agent_webhook_secrets;",
  },
  {
    property: "an agent's default connection is one of its owner's own",
    sql: `alter table public.agents drop constraint agents_default_connection_fk;
          alter table public.agents add constraint agents_default_connection_fk
            foreign key (default_connection_id) references public.user_oauth_connections (id)
            on delete set null;`,
  },
  {
    property: "deleting an agent's default connection clears the default and keeps the agent",
    sql: `alter table public.agents drop constraint agents_default_connection_fk;
          alter table public.agents add constraint agents_default_connection_fk
            foreign key (default_connection_id, user_id)
            references public.user_oauth_connections (id, user_id) on delete cascade;`,
  },
  {
    property: "only an agent's owner changes its default connection",
    sql: `drop policy "Users can update own agents" on public.agents;
          create policy "Users can update own agents" on public.agents for update to authenticated
            using (true) with check (true);
          drop policy "Users can view own agents" on public.agents;
          create policy "Users can view own agents" on public.agents for select to authenticated
            using (true);`,
  },
  {
    property: "an agent sends from its default connection when that grant allows the tool",
    sql: patchFunction(
      PREPARE,
      "\\(uoc\\.id is not distinct from a_default\\.default_connection_id\\) desc,",
      "",
    ),
  },
  {
    property: "an agent's default is used only when its grant allows the tool",
    sql: patchFunction(
      PREPARE,
      "and aip\\.allowed_scopes \\? p_scope\\s+order by",
      "and (aip.allowed_scopes ? p_scope or uoc.id = a_default.default_connection_id) order by",
    ),
  },
  {
    property: "a send stays on the account that holds it when the default changes",
    sql: patchFunction(
      PREPARE,
      "order by \\(p_send is not null and exists \\([^)]*\\)\\) desc,",
      "order by",
    ),
  },
  // Guardrails (issue 15, 20250911000010): opt-outs, agent policies and approvals.
  {
    property: "an opted-out recipient is never sent",
    sql: patchFunction(
      REFUSAL,
      "when exists \\(select 1 from public\\.clicksend_opt_outs o",
      "when false and exists (select 1 from public.clicksend_opt_outs o",
    ),
  },
  {
    property: "a refused recipient is stored with its refusal, not reserved to send",
    sql: patchFunction(
      PREPARE,
      "coalesce\\(v_refusals\\[r\\.ordinality\\], 'pending'\\)",
      "'pending'",
    ),
  },
  {
    property: "an opt-out applies to its own user and ClickSend account only",
    sql: patchFunction(REFUSAL, " and o\\.account_username = p_account", ""),
  },
  {
    property: "an agent's allowed recipients are enforced",
    sql: patchFunction(
      REFUSAL,
      "when p_allowed_recipients is not null and not exists",
      "when false and not exists",
    ),
  },
  {
    property: "a recipient prefix allows only numbers that start with it",
    sql: patchFunction(REFUSAL, "p_recipient like left\\(r, -1\\) \\|\\| '%'", "true"),
  },
  {
    property: "an agent's allowed countries are enforced",
    sql: patchFunction(REFUSAL, "when p_allowed_countries is not null and", "when false and"),
  },
  {
    property: "quiet hours refuse a send",
    sql: patchFunction(PREPARE, "if v_opens is not null then", "if false then"),
  },
  {
    property: "a scheduled send's quiet hours are judged at its scheduled time",
    sql: patchFunction(
      PREPARE,
      "v_at := coalesce\\(\\(p_send ->> 'scheduled_for'\\)::timestamptz, now\\(\\)\\);",
      "v_at := now();",
    ),
  },
  {
    property: "quiet hours may span midnight",
    sql: patchFunction(QUIET_HOURS, "elsif v_time >= p_start then", "elsif false then"),
  },
  {
    property: "the daily limit allows reaching it and refuses crossing it (not one short)",
    sql: patchFunction(
      PREPARE,
      "if v_used \\+ v_requested > v_policy\\.daily_message_limit then",
      "if v_used + v_requested >= v_policy.daily_message_limit then",
    ),
  },
  {
    property: "the daily limit counts every part of a message",
    sql: patchFunction(
      PREPARE,
      "v_parts := greatest\\(coalesce\\(\\(p_send ->> 'parts'\\)::integer, 1\\), 1\\);",
      "v_parts := 1;",
    ),
  },
  {
    property: "the daily limit counts a bulk send's later parts",
    sql: patchFunction(PREPARE, "v_later := greatest\\(", "v_later := 0 * greatest("),
  },
  {
    property: "the daily limit does not count refused recipients as used",
    sql: patchFunction(
      DAILY_USAGE,
      "and not \\(m\\.status = any \\(private\\.clicksend_policy_statuses\\(\\)\\)\\)",
      "",
    ),
  },
  {
    property: "the limits lock the agent's policy row (concurrent sends take turns)",
    sql: patchFunction(
      PREPARE,
      "perform 1 from public\\.agent_policies ap where ap\\.agent_id = p_agent_id for update;",
      "null;",
    ),
  },
  {
    property: "a send with a monthly spend limit is priced before anything is reserved",
    sql: patchFunction(
      PREPARE,
      "if jsonb_typeof\\(p_send -> 'prices'\\) is distinct from 'object' then",
      "if false then",
    ),
  },
  {
    property: "the monthly spend limit refuses a send that would cross it",
    sql: patchFunction(
      PREPARE,
      "if v_spent \\+ v_price > v_policy\\.monthly_spend_limit then",
      "if false then",
    ),
  },
  {
    property: "a bulk send's later parts count toward the monthly spend limit",
    sql: patchFunction(PREPARE, "\\+ coalesce\\(\\(p_send ->> 'later_price'\\)::numeric, 0\\)", ""),
  },
  {
    property: "approval mode holds a send for a person's decision",
    sql: patchFunction(PREPARE, "if v_hold then", "if false then"),
  },
  {
    property: "an approval id passes the hold only as this agent's approved approval for this key",
    sql: patchFunction(
      PREPARE,
      "and ap\\.idempotency_key = p_send ->> 'idempotency_key'\\s+and ap\\.status = 'approved'\\);",
      ") or true;",
    ),
  },
  {
    property: "the policy's time zone is an IANA name, not any POSIX rule",
    sql: patchFunction(
      "private.agent_policy_check()",
      "and not exists \\(select 1 from pg_catalog\\.pg_timezone_names z where z\\.name = new\\.quiet_hours_timezone\\)",
      "and false",
    ),
  },
  {
    property: "first_contact counts a number only refused before as never texted",
    sql: patchFunction(
      PREPARE,
      "and m\\.recipient = r\\s+and not \\(m\\.status = any \\(private\\.clicksend_policy_statuses\\(\\)\\)\\)",
      "and m.recipient = r",
    ),
  },
  {
    property: "a key already held answers with its approval (a rejected send stays unsent)",
    sql: patchFunction(PREPARE, "if v_approval\\.id is not null and not", "if false and not"),
  },
  {
    property: "only the service role decides approvals",
    sql: patchFunction(
      DECIDE,
      "if current_setting\\('role', true\\) is distinct from 'service_role' then",
      "if false then",
    ),
  },
  {
    property: "an approval is decided only for its owner",
    sql: patchFunction(DECIDE, "and a\\.user_id = p_user_id for update", "for update"),
  },
  {
    property: "an expired or rejected approval cannot be approved",
    sql: patchFunction(
      DECIDE,
      "if v_row\\.status = 'rejected' or \\(v_row\\.status = 'pending' and v_row\\.expires_at <= now\\(\\)\\) then",
      "if false then",
    ),
  },
  {
    property: "a second approve is answered as not the first (the send goes out once)",
    sql: patchFunction(DECIDE, "'first', false", "'first', true"),
  },
  {
    property: "opt-outs readable by their owner only",
    sql: readableByAll("clicksend_opt_outs", "Users can view own opt-outs"),
  },
  {
    property: "consent history readable by its owner only",
    sql: readableByAll("clicksend_consent_events", "Users can view own consent history"),
  },
  {
    property: "agent policies readable by their owner only",
    sql: readableByAll("agent_policies", "Users can view own agent policies"),
  },
  {
    property: "approvals readable by their owner only",
    sql: readableByAll("agent_approvals", "Users can view own approvals"),
  },
  {
    property: "anon cannot read opt-outs",
    sql: "grant select on public.clicksend_opt_outs to anon;",
  },
  {
    property: "signed-in users cannot write the opt-out list directly (no history)",
    sql: `grant insert, update, delete on public.clicksend_opt_outs to authenticated;
          create policy "Users can write own opt-outs" on public.clicksend_opt_outs for all to authenticated
            using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));`,
  },
  {
    property: "signed-in users cannot approve by writing the approvals table",
    sql: `grant insert, update, delete on public.agent_approvals to authenticated;
          create policy "Users can write own approvals" on public.agent_approvals for all to authenticated
            using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));`,
  },
  {
    property: "a user creates agent policies for themselves only",
    sql: `drop policy "Users can create own agent policies" on public.agent_policies;
          create policy "Users can create own agent policies" on public.agent_policies
            for insert to authenticated with check (true);`,
  },
  {
    // WITH CHECK alone is not the only guard: an UPDATE with a WHERE clause must also leave the
    // row visible under the SELECT policy, so both are opened to prove the tests see the move.
    property: "an agent policy stays with its owner (WITH CHECK and the SELECT policy)",
    sql: `drop policy "Users can update own agent policies" on public.agent_policies;
          create policy "Users can update own agent policies" on public.agent_policies
            for update to authenticated using (user_id = (select auth.uid())) with check (true);
          ${readableByAll("agent_policies", "Users can view own agent policies")}`,
  },
  {
    property: "an agent policy belongs to an agent of the same user",
    sql: `alter table public.agent_policies drop constraint agent_policies_agent_fk;
          alter table public.agent_policies add constraint agent_policies_agent_fk
            foreign key (agent_id) references public.agents (id) on delete cascade;`,
  },
  {
    property: "agent policy rules are validated (recipients, countries, time zone)",
    sql: "drop trigger agent_policies_check on public.agent_policies;",
  },
  {
    property: "a STOP reply opts its sender out",
    sql: patchFunction(CONSENT_KEYWORD, "\\('STOP', 'STOPALL'", "('STOPALL'"),
  },
  {
    property: "consent words count trimmed and in any case",
    sql: patchFunction(CONSENT_KEYWORD, "upper\\(btrim\\(p_body, E'[^']*'\\)\\)", "p_body"),
  },
  {
    property: "START takes the sender off the list",
    sql: patchFunction(
      SET_CONSENT,
      "delete from public\\.clicksend_opt_outs o\\s+where",
      "delete from public.clicksend_opt_outs o where false and",
    ),
  },
  {
    property: "an opt-out cancels the number's scheduled messages on that account only",
    sql: patchFunction(SET_CONSENT, " and lower\\(uoc\\.external_username\\) = p_account", ""),
  },
  {
    property: "a user adds opt-outs to their own connections' accounts only",
    sql: patchFunction(OPT_OUT_ADD, " and uoc\\.user_id = v_user_id", ""),
  },
  // Agent tokens of the MCP endpoint (issue 16, 20250911000011).
  {
    property: "RLS enabled on agent_tokens",
    sql: "alter table public.agent_tokens disable row level security;",
  },
  {
    property: "agent tokens readable by their owner only",
    sql: readableByAll("agent_tokens", "Users can view own agent tokens"),
  },
  {
    property: "agent tokens revoked by their owner only",
    sql: `drop policy "Users can delete own agent tokens" on public.agent_tokens;
          create policy "Users can delete own agent tokens" on public.agent_tokens
            for delete to authenticated using (true);`,
  },
  {
    property: "token_hash is not readable by signed-in users",
    sql: "grant select (token_hash) on public.agent_tokens to authenticated;",
  },
  {
    property: "anon cannot read agent tokens",
    sql: "grant select on public.agent_tokens to anon;",
  },
  {
    property: "signed-in users cannot make tokens by writing the table",
    sql: `grant insert, update on public.agent_tokens to authenticated;
          create policy "Users can create own agent tokens" on public.agent_tokens for insert to authenticated
            with check (user_id = (select auth.uid()));`,
  },
  {
    property: "agent_token_create makes tokens for the user's own agent only",
    sql: patchFunction(TOKEN_CREATE, " and a\\.user_id = p_user_id", ""),
  },
  {
    property: "an agent has at most 20 tokens (limit removed)",
    sql: patchFunction(
      TOKEN_CREATE,
      "if \\(select count\\(\\*\\) from public\\.agent_tokens t where t\\.agent_id = p_agent_id\\) >= 20 then",
      "if false then",
    ),
  },
  {
    property: "an agent has at most 20 tokens (off by one: > 20)",
    sql: patchFunction(TOKEN_CREATE, "\\) >= 20 then", ") > 20 then"),
  },
  {
    property: "agent_token_create checks the role itself (service role only)",
    sql: patchFunction(TOKEN_CREATE, ROLE_CHECK, "if false then"),
  },
  {
    property: "agent_token_verify checks the role itself (service role only)",
    sql: patchFunction(TOKEN_VERIFY, ROLE_CHECK, "if false then"),
  },
  {
    property: "agent_token_create is not executable by signed-in users",
    sql: "grant execute on function public.agent_token_create(uuid, uuid, text, text, text) to authenticated;",
  },
  {
    property: "agent_token_create answers without the hash",
    sql: patchFunction(TOKEN_CREATE, "to_jsonb\\(v_row\\) - 'token_hash'", "to_jsonb(v_row)"),
  },
  {
    property: "agent_token_create trims the name",
    sql: patchFunction(TOKEN_CREATE, "btrim\\(p_name\\)", "p_name"),
  },
  {
    property: "agent_token_verify notes a token's use at most once a minute",
    sql: patchFunction(
      TOKEN_VERIFY,
      "if v_row\\.last_used_at is null or v_row\\.last_used_at < now\\(\\) - interval '1 minute' then",
      "if true then",
    ),
  },
  {
    property: "agent_token_verify notes a token's first use",
    sql: patchFunction(
      TOKEN_VERIFY,
      "if v_row\\.last_used_at is null or v_row\\.last_used_at < now\\(\\) - interval '1 minute' then",
      "if false then",
    ),
  },
  {
    property: "a token dies with its agent",
    sql: `alter table public.agent_tokens drop constraint agent_tokens_agent_fk;
          alter table public.agent_tokens add constraint agent_tokens_agent_fk
            foreign key (agent_id, user_id) references public.agents (id, user_id);`,
  },
  {
    property: "a token belongs to an agent of the same user",
    sql: `alter table public.agent_tokens drop constraint agent_tokens_agent_fk;
          alter table public.agent_tokens add constraint agent_tokens_agent_fk
            foreign key (agent_id) references public.agents (id) on delete cascade;`,
  },
  {
    property: "a token prefix is csa_ and eight base64url characters",
    sql: "alter table public.agent_tokens drop constraint agent_tokens_token_prefix_check;",
  },
  {
    property: "a token hash is 64 lowercase hex digits",
    sql: "alter table public.agent_tokens drop constraint agent_tokens_token_hash_check;",
  },
  {
    property: "a token name is 1 to 100 characters without control characters",
    sql: "alter table public.agent_tokens drop constraint agent_tokens_name_check;",
  },
];

async function main(): Promise<void> {
  requirePgTap();
  const cluster = await startCluster();
  let survived = 0;
  try {
    applyAllWithPsql(cluster);
    cluster.psql(["--single-transaction", "-f", seedPath]);
    const baseline = runPgTap(cluster);
    if (!baseline.ok) throw new Error(`the unmutated suite must pass first:\n${baseline.output}`);
    cluster.psql(["-c", "create database pristine template postgres"]);

    for (const [index, mutation] of mutations.entries()) {
      const database = `mutant_${String(index)}`;
      cluster.psql(["-c", `create database ${database} template pristine`]);
      cluster.psql(["-d", database, "--single-transaction", "-c", mutation.sql]);
      const result = runPgTap(cluster, database);
      const failedFiles = [
        ...result.output.matchAll(/^\S*\/(\d\d-[\w-]+)\.test\.sql\s+\(Wstat/gm),
      ].map((m) => m[1]);
      console.log(
        `${result.ok ? "SURVIVED" : "caught  "}  ${mutation.property}${result.ok ? "" : `  (by ${failedFiles.join(", ")})`}`,
      );
      if (result.ok) survived += 1;
      cluster.psql(["-c", `drop database ${database}`]);
    }
  } finally {
    cluster.stop();
  }
  console.log(
    `mutation check: ${String(mutations.length - survived)} of ${String(mutations.length)} broken properties caught by pgTAP`,
  );
  console.log(
    `mutations: ${String(mutations.length - survived)} passed, ${String(survived)} failed`,
  );
  if (survived > 0) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
