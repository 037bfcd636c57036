-- =====================================================================================
-- ROLLBACK: remove the ClickSend integration (migrations 20250911000001..11)
-- =====================================================================================
-- Removes every object those migrations add and every Vault secret they stored, leaving the
-- platform base (20250910000000) in place. Run it in one transaction:
--   psql "$DATABASE_URL" --single-transaction -v ON_ERROR_STOP=1 -f supabase/rollback/clicksend_rollback.sql
-- It has no BEGIN/COMMIT of its own so the pgTAP suite can run it inside a test transaction.
-- Idempotent: running it on a database without ClickSend does nothing.
-- Deleting ClickSend connections also deletes, by cascade, the agent grants on them and the
-- messages sent through them; tool logs keep their rows with the connection id cleared.
-- =====================================================================================

-- 1. Vault secrets: every secret a ClickSend connection references, and any left by name.
do $$
begin
  if to_regclass('private.clicksend_credentials') is not null then
    delete from vault.secrets s using private.clicksend_credentials cc where s.id = cc.vault_secret_id;
  end if;
end
$$;
delete from vault.secrets where name like 'clicksend:%';
do $$
begin
  if to_regclass('private.agent_webhook_secrets') is not null then
    delete from vault.secrets s using private.agent_webhook_secrets w where s.id = w.vault_secret_id;
  end if;
end
$$;
delete from vault.secrets where name like 'agent-webhook:%';

-- 2d. Agent tokens of the MCP endpoint (20250911000011).
drop function if exists public.agent_token_verify(text);
drop function if exists public.agent_token_create(uuid, uuid, text, text, text);
drop table if exists public.agent_tokens;

-- 2c. Guardrails (20250911000010): approvals, policies, opt-outs and their helpers. The
-- functions redefined there (prepare_call, store_replies, inbound_push) go with section 2.
drop function if exists public.agent_approval_record(uuid, jsonb);
drop function if exists public.agent_approval_decide(uuid, uuid, text, text);
drop table if exists public.agent_approvals;
drop function if exists private.agent_month_spend(uuid, text);
drop function if exists private.agent_daily_usage(uuid);
drop function if exists private.clicksend_recipient_refusal(uuid, text, text[], text[], text, text);
drop function if exists private.agent_quiet_hours_open_at(time, time, text, timestamptz);
drop table if exists public.agent_policies;
drop function if exists private.agent_policy_check();
drop function if exists public.clicksend_opt_out_remove(text, text);
drop function if exists public.clicksend_opt_out_add(uuid, text);
drop function if exists private.clicksend_set_consent(uuid, text, text, text, text, text, uuid);
drop function if exists private.clicksend_e164(text);
drop function if exists private.clicksend_consent_keyword(text);
drop table if exists public.clicksend_consent_events;
drop table if exists public.clicksend_opt_outs;
drop function if exists private.clicksend_policy_statuses();

-- 2. Executor bookkeeping, credentials, messages and their functions.
-- The receipt timeline (20250911000009) first: its view reads the messages.
drop view if exists public.clicksend_message_receipts;
drop function if exists public.clicksend_receipt_push(text, text, text, text, timestamptz, text, text, text);
drop function if exists public.clicksend_apply_receipt(uuid, text, text, text, timestamptz, text, text, text);
drop table if exists public.clicksend_receipt_events;
drop trigger if exists user_oauth_connections_push_token on public.user_oauth_connections;
drop function if exists private.clicksend_connection_inactive();
drop function if exists public.clicksend_store_polled_replies(uuid, jsonb);
drop function if exists public.clicksend_inbound_push(text, jsonb);
drop function if exists private.clicksend_store_replies(uuid, jsonb, text);
drop function if exists public.agent_webhook_target(uuid);
drop function if exists public.agent_webhook_set(uuid, uuid, text, boolean);
drop table if exists public.agent_webhook_deliveries;
drop table if exists private.agent_webhook_secrets;
drop function if exists private.agent_webhook_secret_deleted();
drop table if exists public.agent_webhooks;
drop function if exists public.clicksend_mark_thread_read(uuid, text);
drop view if exists public.clicksend_conversations;
drop table if exists public.clicksend_inbound_messages;
drop index if exists public.user_oauth_connections_one_active_account_idx;
drop function if exists private.clicksend_merge_duplicate_connections();
drop function if exists public.clicksend_begin_verification(uuid, text, text);
drop function if exists public.clicksend_finish_verification(bigint, text);
drop function if exists public.clicksend_verification_limits();
drop function if exists public.clicksend_live_webhook_tokens(text[]);
drop function if exists private.clicksend_window_wait(timestamptz[], integer, interval, timestamptz);
drop function if exists private.clicksend_seconds_until(timestamptz, timestamptz);
drop table if exists private.clicksend_verification_attempts;
drop function if exists public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb);
drop function if exists public.clicksend_finish_call(bigint[], jsonb, uuid[], jsonb);
drop function if exists public.clicksend_receipt_push(text, text, text, text, timestamptz);
drop function if exists public.agent_tool_scopes(uuid);
drop function if exists private.clicksend_take_call_slots(uuid, integer);
drop function if exists private.clicksend_message_rows(uuid, text, integer);
drop function if exists public.clicksend_acquire_call_slot(uuid);
drop function if exists public.clicksend_release_call_slot(bigint);
drop function if exists public.clicksend_issue_webhook_token(uuid);
drop function if exists public.clicksend_webhook_connection(text);
drop function if exists public.clicksend_apply_receipt(uuid, text, text, text, timestamptz);
drop table if exists private.clicksend_executor_calls;
drop table if exists private.clicksend_webhook_tokens;
drop function if exists public.clicksend_store_api_key(uuid, text);
drop function if exists public.clicksend_rotate_api_key(uuid, text);
drop function if exists public.clicksend_read_api_key(uuid);
drop function if exists public.clicksend_delete_api_key(uuid);
drop table if exists private.clicksend_credentials;
drop function if exists private.delete_clicksend_vault_secret();
drop function if exists private.assert_clicksend_service_call(uuid);
drop function if exists private.assert_clicksend_api_key(text);
drop table if exists public.clicksend_messages;

-- 2b. An agent's default ClickSend connection (20250911000008): the column, with its foreign key
-- and index.
alter table if exists public.agents drop column if exists default_connection_id;

-- 3. The view, the helper and validation functions, the connection policies.
drop view if exists public.clicksend_connections;
drop function if exists public.get_user_clicksend_connection(uuid);
drop function if exists public.validate_agent_clicksend_permissions(uuid, uuid, text[]);
drop policy if exists "Users can view own ClickSend connections" on public.user_oauth_connections;
drop policy if exists "Users can create own ClickSend connections" on public.user_oauth_connections;
drop policy if exists "Users can update own ClickSend connections" on public.user_oauth_connections;
drop policy if exists "Users can delete own ClickSend connections" on public.user_oauth_connections;

-- 4. Data: connections (grants cascade), capabilities (cascade from the provider), the provider.
delete from public.user_oauth_connections uoc
 using public.service_providers sp
 where sp.id = uoc.oauth_provider_id and sp.name = 'clicksend_sms';
delete from public.service_providers where name = 'clicksend_sms';

-- 5. The private schema, if nothing else lives there now.
do $$
begin
  if not exists (
    select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'private'
    union all
    select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'private'
  ) then
    drop schema if exists private;
  end if;
end
$$;

-- 6. The Supabase CLI's record of the migrations, so `supabase db push` applies them again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations
     where version in ('20250911000001', '20250911000002', '20250911000003', '20250911000004',
                       '20250911000005', '20250911000006', '20250911000007',
                       '20250911000008', '20250911000009', '20250911000010', '20250911000011');
  end if;
end
$$;
