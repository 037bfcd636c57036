-- The rollback script: apply (done by the runner), roll back, nothing ClickSend remains, apply
-- again. All inside this test's transaction, which is rolled back at the end.
begin;
select plan(31);
-- The scripts' NOTICEs ("does not exist, skipping") are expected; keep the TAP output readable.
set local client_min_messages = warning;

-- A realistic state to roll back: a connection with a stored key, a grant, a message, a reply
-- and an agent webhook (whose secret is in Vault).
select tests.create_supabase_user('owner');
select tests.create_agent('owner') as agent \gset
select tests.create_clicksend_connection('owner', 'To roll back', 'inactive') as connection \gset
select tests.create_grant(:'agent', :'connection', '["sms"]') as grant_id \gset

-- Acting as service
select tests.authenticate_as_service_role();
select public.clicksend_store_api_key(:'connection', 'ROLLBACK-TEST-KEY-0001');
insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, status)
values (tests.get_supabase_uid('owner'), :'connection', '+61411111111', 'SUCCESS');
insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, status, message_id)
values (tests.get_supabase_uid('owner'), :'connection', '+61411111112', 'SUCCESS', 'RB-RECEIPT');
select public.clicksend_apply_receipt(:'connection', 'RB-RECEIPT', 'Sent', '201', now(), 'Delivered', null, null);
select public.clicksend_store_polled_replies(:'connection', '[{"message_id": "IN-RB", "from": "+61411111111", "body": "Reply"}]');
select public.agent_webhook_set(tests.get_supabase_uid('owner'), :'agent', 'https://owner.example.test/hook') is not null;
update public.agents set default_connection_id = :'connection' where id = :'agent';
-- Guardrails: an opt-out (with its history), a policy and a held send.
select tests.authenticate_as('owner');
select public.clicksend_opt_out_add(:'connection', '+61411111113') is not null;
insert into public.agent_policies (agent_id, approval_mode, daily_message_limit) values (:'agent', 'always', 10);
select tests.authenticate_as_service_role();
select public.clicksend_prepare_call(1, null, :'agent', null, 'sms',
  '{"channel": "sms", "recipients": ["+61411111114"], "idempotency_key": "rb-held"}') ->> 'outcome' = 'approval';
-- An agent token of the MCP endpoint.
select public.agent_token_create(tests.get_supabase_uid('owner'), :'agent', 'Rollback', 'csa_Rollback',
  encode(sha256('rollback token'::bytea), 'hex')) is not null;

-- Acting as the migration runner
select tests.clear_authentication();
select count(*) as secrets_before from vault.secrets \gset

\ir ../../rollback/clicksend_rollback.sql

select is(
  (select count(*)::integer from public.service_providers where name = 'clicksend_sms'),
  0, 'rollback removes the ClickSend provider row'
);
select is(
  (select count(*)::integer from public.integration_capabilities where capability_key like 'clicksend\_%'),
  0, 'rollback removes every ClickSend capability'
);
select is(
  (select count(*)::integer from public.user_oauth_connections where id = :'connection'),
  0, 'rollback removes ClickSend connections'
);
select is(
  (select count(*)::integer from public.agent_integration_permissions where id = :'grant_id'),
  0, 'rollback removes the grants on ClickSend connections'
);
select is(
  (select count(*)::integer from vault.secrets),
  :secrets_before - 2,
  'rollback deletes the Vault secrets the integration stored (the key and the webhook secret), and no other'
);
select is(
  (select count(*)::integer from vault.secrets where name like 'agent-webhook:%'),
  0, 'no agent webhook Vault secret remains'
);
select is(
  (select count(*)::integer from vault.secrets where name like 'clicksend:%'),
  0, 'no ClickSend Vault secret remains'
);
select is(
  (select count(*)::integer from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.proname ilike '%clicksend%'),
  0, 'no ClickSend function remains'
);
select is(
  (select count(*)::integer from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private') and c.relname ilike '%clicksend%'),
  0, 'no ClickSend table, view, index or sequence remains'
);
select is(
  (select count(*)::integer from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private') and c.relname ilike 'agent\_webhook%'),
  0, 'no agent webhook table or index remains'
);
select is(
  (select count(*)::integer from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.proname ilike 'agent\_webhook%'),
  0, 'no agent webhook function remains'
);
select is(
  (select count(*)::integer from pg_policies where policyname ilike '%clicksend%'),
  0, 'no ClickSend policy remains'
);
select hasnt_schema('private', 'the private schema, empty now, is dropped');
select has_table('public', 'user_oauth_connections', 'the platform base stays in place');
select hasnt_column('public', 'agents', 'default_connection_id',
  'rollback removes the agents'' default connection (with its foreign key and index)');
select is(
  (select count(*)::integer from pg_trigger where tgname ilike '%clicksend%'),
  0, 'no ClickSend trigger remains'
);
select is(
  (select coalesce(array_agg(c.oid::regclass::text order by 1), '{}') from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private') and (c.relname ilike 'agent\_polic%' or c.relname ilike 'agent\_approval%'
                                                   or c.relname ilike '%opt\_out%' or c.relname ilike '%consent%')),
  '{}'::text[], 'no guardrail table or index remains (opt-outs, consent history, policies, approvals)');
select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by 1), '{}') from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.proname ~ '^agent_(approval|polic|quiet|daily|month)'),
  '{}'::text[], 'no guardrail function remains (approvals, policy check, quiet hours, usage)');
select is(
  (select count(*)::integer from pg_trigger where tgname ilike 'agent\_policies%'),
  0, 'no agent policy trigger remains');
select ok(
  to_regclass('public.agent_tokens') is null
  and to_regprocedure('public.agent_token_create(uuid, uuid, text, text, text)') is null
  and to_regprocedure('public.agent_token_verify(text)') is null,
  'rollback removes agent_tokens and both agent token functions');

\ir ../../rollback/clicksend_rollback.sql
select pass('the rollback runs a second time without error (idempotent)');

-- Apply the ClickSend migrations again.
\ir ../../migrations/20250911000001_add_clicksend_sms_integration.sql
\ir ../../migrations/20250911000002_clicksend_credentials.sql
\ir ../../migrations/20250911000003_clicksend_messages.sql
\ir ../../migrations/20250911000004_clicksend_executor.sql

select is(
  (select count(*)::integer from public.integration_capabilities ic
     join public.service_providers sp on sp.id = ic.integration_id where sp.name = 'clicksend_sms'),
  6, 're-applying restores the provider and its six capabilities'
);
select is(
  (select count(*)::integer from pg_policies where tablename = 'user_oauth_connections'),
  4, 're-applying restores the four connection policies'
);
select ok(
  to_regprocedure('public.clicksend_read_api_key(uuid)') is not null
  and to_regprocedure('public.clicksend_acquire_call_slot(uuid)') is not null
  and to_regclass('private.clicksend_credentials') is not null
  and to_regclass('private.clicksend_webhook_tokens') is not null
  and to_regclass('public.clicksend_messages') is not null,
  're-applying restores the credential and executor functions, the private tables and the messages table'
);
select ok(
  (select 'security_invoker=true' = any (c.reloptions) from pg_class c
    where c.oid = 'public.clicksend_connections'::regclass),
  're-applying restores the view as security_invoker'
);

\ir ../../migrations/20250911000005_executor_round_trips.sql
\ir ../../migrations/20250911000006_account_abuse_limits.sql
\ir ../../migrations/20250911000007_two_way_sms.sql
select ok(
  to_regclass('public.clicksend_inbound_messages') is not null
  and to_regclass('public.agent_webhooks') is not null
  and to_regclass('private.agent_webhook_secrets') is not null
  and (select 'security_invoker=true' = any (c.reloptions) from pg_class c
        where c.oid = 'public.clicksend_conversations'::regclass)
  and (select count(*) from public.integration_capabilities ic
         join public.service_providers sp on sp.id = ic.integration_id where sp.name = 'clicksend_sms') = 7,
  're-applying the later migrations restores replies, webhooks, the conversations view and the seventh capability'
);
\ir ../../migrations/20250911000008_agent_default_account.sql
select has_column('public', 'agents', 'default_connection_id',
  're-applying migration 8 restores the agents'' default connection');

\ir ../../migrations/20250911000009_receipt_timeline.sql
select ok(
  to_regclass('public.clicksend_receipt_events') is not null
  and to_regprocedure('public.clicksend_receipt_push(text, text, text, text, timestamptz, text, text, text)') is not null
  and (select 'security_invoker=true' = any (c.reloptions) from pg_class c
        where c.oid = 'public.clicksend_message_receipts'::regclass),
  're-applying migration 9 restores the receipt events, the eight-argument push and the receipts view (security_invoker)'
);

\ir ../../migrations/20250911000010_guardrails.sql
select ok(
  to_regclass('public.clicksend_opt_outs') is not null
  and to_regclass('public.clicksend_consent_events') is not null
  and to_regclass('public.agent_policies') is not null
  and to_regclass('public.agent_approvals') is not null
  and to_regprocedure('public.clicksend_opt_out_add(uuid, text)') is not null
  and to_regprocedure('public.agent_approval_decide(uuid, uuid, text, text)') is not null
  and (select count(*) from pg_policies where tablename in ('clicksend_opt_outs', 'clicksend_consent_events',
                                                          'agent_policies', 'agent_approvals')) = 7,
  're-applying migration 10 restores opt-outs, consent history, policies (four policies), approvals and their functions'
);
select has_column('public', 'clicksend_inbound_messages', 'consent', 're-applying migration 10 restores the replies'' consent mark');

\ir ../../migrations/20250911000011_agent_tokens.sql
select ok(
  to_regclass('public.agent_tokens') is not null
  and to_regprocedure('public.agent_token_create(uuid, uuid, text, text, text)') is not null
  and to_regprocedure('public.agent_token_verify(text)') is not null
  and (select count(*) from pg_policies where tablename = 'agent_tokens') = 2,
  're-applying migration 11 restores agent_tokens (two policies) and both agent token functions'
);

select * from finish();
rollback;
