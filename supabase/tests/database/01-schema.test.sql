-- Schema: tables, RLS, policies, comments, indexes, the ClickSend catalogue rows and the view.
begin;
select plan(49);

select tests.clicksend_provider_id() as clicksend_provider \gset

-- Acting as the test runner (catalogue queries only)

select tables_are(
  'public',
  array[
    'service_providers', 'integration_capabilities', 'user_oauth_connections', 'agents',
    'agent_integration_permissions', 'tool_execution_logs', 'clicksend_messages',
    'clicksend_inbound_messages', 'agent_webhooks', 'agent_webhook_deliveries',
    'clicksend_receipt_events', 'clicksend_opt_outs', 'clicksend_consent_events', 'agent_policies',
    'agent_approvals', 'agent_tokens'
  ],
  'public holds exactly the platform and ClickSend tables'
);
select views_are('public', array['clicksend_connections', 'clicksend_conversations', 'clicksend_message_receipts'],
  'public holds exactly three views, clicksend_connections, clicksend_conversations and clicksend_message_receipts');
select has_table('private', 'clicksend_credentials', 'the Vault reference table lives in the private schema');
select has_table('private', 'agent_webhook_secrets', 'the webhook secrets'' Vault references live in the private schema');
select tests.rls_enabled('public');
select tests.rls_enabled('private');

select policies_are(
  'public', 'service_providers',
  array['Signed-in users can read enabled providers'],
  'service_providers has only its SELECT policy'
);
select policies_are(
  'public', 'integration_capabilities',
  array['Signed-in users can read capabilities of enabled providers'],
  'integration_capabilities has only its SELECT policy'
);
select policies_are(
  'public', 'user_oauth_connections',
  array[
    'Users can view own ClickSend connections', 'Users can create own ClickSend connections',
    'Users can update own ClickSend connections', 'Users can delete own ClickSend connections'
  ],
  'user_oauth_connections has exactly the four ClickSend policies'
);
select policies_are(
  'public', 'agents',
  array['Users can view own agents', 'Users can create own agents', 'Users can update own agents', 'Users can delete own agents'],
  'agents has exactly one policy per operation'
);
select policies_are(
  'public', 'agent_integration_permissions',
  array[
    'Users can view own agent grants', 'Users can create own agent grants',
    'Users can update own agent grants', 'Users can delete own agent grants'
  ],
  'agent_integration_permissions has exactly one policy per operation'
);
select policies_are(
  'public', 'tool_execution_logs',
  array['Users can view own tool logs'],
  'tool_execution_logs has only its SELECT policy'
);
select policies_are(
  'public', 'clicksend_messages',
  array['Users can view own ClickSend messages'],
  'clicksend_messages has only its SELECT policy'
);
select policies_are(
  'public', 'clicksend_inbound_messages',
  array['Users can view own replies', 'Users can mark own replies read'],
  'clicksend_inbound_messages has only its SELECT and UPDATE policies'
);
select policies_are(
  'public', 'agent_webhooks',
  array['Users can view own agent webhooks'],
  'agent_webhooks has only its SELECT policy'
);
select policies_are(
  'public', 'agent_webhook_deliveries',
  array['Users can view own webhook deliveries'],
  'agent_webhook_deliveries has only its SELECT policy'
);
select policies_are(
  'public', 'clicksend_opt_outs',
  array['Users can view own opt-outs'],
  'clicksend_opt_outs has only its SELECT policy (changes go through the functions)'
);
select policies_are(
  'public', 'clicksend_consent_events',
  array['Users can view own consent history'],
  'clicksend_consent_events has only its SELECT policy'
);
select policies_are(
  'public', 'agent_policies',
  array['Users can view own agent policies', 'Users can create own agent policies',
        'Users can update own agent policies', 'Users can delete own agent policies'],
  'agent_policies has exactly one policy per operation'
);
select policies_are(
  'public', 'agent_approvals',
  array['Users can view own approvals'],
  'agent_approvals has only its SELECT policy'
);
select policies_are(
  'public', 'agent_tokens',
  array['Users can view own agent tokens', 'Users can delete own agent tokens'],
  'agent_tokens has only its SELECT and DELETE policies (tokens are made by the service role)'
);
select is(
  (select coalesce(array_agg(format('%s: %s', table_name, privilege_type) order by table_name, privilege_type), '{}')
     from information_schema.table_privileges
    where table_schema = 'public' and grantee = 'anon'
      and table_name in ('clicksend_opt_outs', 'clicksend_consent_events', 'agent_policies', 'agent_approvals',
                         'agent_tokens')),
  '{}'::text[],
  'anon has no privilege on opt-outs, consent history, agent policies, approvals or agent tokens'
);
select is(
  (select coalesce(array_agg(format('%s: %s', table_name, privilege_type) order by table_name, privilege_type), '{}')
     from information_schema.table_privileges
    where table_schema = 'public' and grantee = 'authenticated'
      and table_name in ('clicksend_opt_outs', 'clicksend_consent_events', 'agent_approvals')
      and privilege_type in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
  '{}'::text[],
  'authenticated may not write opt-outs, consent history or approvals directly'
);

select is(
  (select coalesce(array_agg(format('%s: %s', tablename, policyname) order by tablename, policyname), '{}')
     from pg_policies where schemaname = 'public' and roles <> array['authenticated']::name[]),
  '{}'::text[],
  'every policy in public applies to authenticated only'
);
select is(
  (select coalesce(array_agg(format('%s: %s', tablename, cmd) order by tablename, cmd), '{}')
     from (select tablename, cmd from pg_policies where schemaname = 'public'
            group by tablename, cmd having count(*) > 1 or cmd = 'ALL') dup),
  '{}'::text[],
  'no policy is FOR ALL and no table has two policies for the same command'
);
select is(
  (select coalesce(array_agg(format('%s: %s', tablename, policyname) order by tablename, policyname), '{}')
     from pg_policies where schemaname = 'public' and cmd = 'UPDATE' and (qual is null or with_check is null)),
  '{}'::text[],
  'every UPDATE policy has both USING and WITH CHECK'
);
select is(
  (select coalesce(array_agg(format('%s: %s', p.tablename, p.policyname) order by p.tablename, p.policyname), '{}')
     from pg_policies p
    where p.schemaname = 'public'
      and exists (select 1 from information_schema.columns col
                   where col.table_schema = 'public' and col.table_name = p.tablename and col.column_name = 'user_id')
      and concat_ws(' ', p.qual, p.with_check) !~ 'user_id = \( SELECT auth\.uid\(\) AS uid\)'),
  '{}'::text[],
  'every policy on a user-owned table checks user_id against (select auth.uid())'
);

select is(
  (select coalesce(array_agg(c.oid::regclass::text order by c.oid::regclass::text), '{}')
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private') and c.relkind in ('r', 'p', 'v', 'm')
      and obj_description(c.oid, 'pg_class') is null),
  '{}'::text[],
  'every table and view in public and private has a comment'
);
select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by p.oid::regprocedure::text), '{}')
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and obj_description(p.oid, 'pg_proc') is null),
  '{}'::text[],
  'every function in public and private has a comment'
);

select is(
  (select coalesce(array_agg(format('%s.%s', c.conrelid::regclass, c.conname) order by c.conname), '{}')
     from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and n.nspname in ('public', 'private')
      and not exists (
        select 1 from pg_index i
         where i.indrelid = c.conrelid and i.indpred is null
           and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
           and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey
      )),
  '{}'::text[],
  'every foreign key is covered by a full index whose leading columns are exactly its columns'
);
-- Boolean flags (service_providers.is_enabled) are not selective enough to index; every other
-- column a policy filters on must lead some full index.
select is(
  (select coalesce(array_agg(distinct format('%s.%s', c.oid::regclass, a.attname)), '{}')
     from pg_policies p
     join pg_namespace n on n.nspname = p.schemaname
     join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename
     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where p.schemaname = 'public'
      and concat_ws(' ', p.qual, p.with_check) ~ ('\m' || a.attname || '\M')
      and a.atttypid <> 'boolean'::regtype
      and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indpred is null and i.indkey[0] = a.attnum)),
  '{}'::text[],
  'every non-boolean column a policy filters on leads a full index'
);

select col_is_null('public', 'service_providers', 'authorization_endpoint', 'service_providers.authorization_endpoint is nullable');
select col_is_null('public', 'service_providers', 'token_endpoint', 'service_providers.token_endpoint is nullable');
select col_is_null('public', 'service_providers', 'revoke_endpoint', 'service_providers.revoke_endpoint is nullable');
select col_is_null('public', 'service_providers', 'discovery_endpoint', 'service_providers.discovery_endpoint is nullable');
select results_eq(
  format(
    $$select authentication_type, authorization_endpoint, token_endpoint, revoke_endpoint, discovery_endpoint
        from public.service_providers where id = %L$$,
    :'clicksend_provider'
  ),
  $$values ('api_key'::text, null::text, null::text, null::text, null::text)$$,
  'the ClickSend provider is api_key based and has no OAuth endpoints'
);
select is(
  (select scopes_supported from public.service_providers where id = :'clicksend_provider'),
  '["sms", "mms", "balance", "history", "delivery_receipts", "inbound"]'::jsonb,
  'the ClickSend provider supports exactly the six scopes of the one vocabulary'
);
select is(
  (select configuration_metadata #>> '{limits,mms_max_size_kb}' from public.service_providers where id = :'clicksend_provider'),
  '250',
  'the ClickSend MMS size limit is 250 kB'
);
select is(
  (select strpos(configuration_metadata::text, 'mms_max_size_mb') from public.service_providers where id = :'clicksend_provider'),
  0,
  'the ClickSend configuration has no leftover mms_max_size_mb'
);
select results_eq(
  format(
    $$select capability_key, required_scope from public.integration_capabilities
       where integration_id = %L order by capability_key$$,
    :'clicksend_provider'
  ),
  $$values
    ('clicksend_get_balance'::text, 'balance'::text),
    ('clicksend_get_delivery_receipts', 'delivery_receipts'),
    ('clicksend_get_mms_history', 'history'),
    ('clicksend_get_replies', 'inbound'),
    ('clicksend_get_sms_history', 'history'),
    ('clicksend_send_mms', 'mms'),
    ('clicksend_send_sms', 'sms')$$,
  'ClickSend offers exactly the seven tools, each with its required scope'
);
select ok(
  (select 'security_invoker=true' = any (reloptions) from pg_class where oid = 'public.clicksend_connections'::regclass),
  'clicksend_connections is a security_invoker view'
);
select ok(
  (select 'security_invoker=true' = any (reloptions) from pg_class where oid = 'public.clicksend_conversations'::regclass),
  'clicksend_conversations is a security_invoker view'
);
select is(
  (select coalesce(array_agg(column_name::text order by column_name), '{}')
     from information_schema.columns
    where table_schema = 'public' and table_name in ('agent_webhooks', 'agent_webhook_deliveries')
      and column_name ~ '(token|secret|password|api_key|vault)' and column_name not in ('secret_hint', 'secret_rotated_at')),
  '{}'::text[],
  'the webhook tables hold no secret, only its hint and when it was rotated'
);
select table_privs_are('public', 'clicksend_inbound_messages', 'anon', array[]::text[],
  'anon has no privilege on the replies');
select is(
  (select coalesce(array_agg(column_name::text order by column_name), '{}')
     from information_schema.columns
    where table_schema = 'public' and table_name in ('user_oauth_connections', 'clicksend_connections')
      and column_name ~ '(token|secret|password|api_key|vault)'),
  '{}'::text[],
  'neither the connection table nor its view has a column for tokens, secrets or keys'
);

select throws_ok(
  format(
    $$insert into public.integration_capabilities (integration_id, capability_key, display_label, required_scope)
      values (%L, 'clicksend_send_voice', 'Send voice', 'voice')$$,
    :'clicksend_provider'
  ),
  '23514', null,
  'a capability whose required_scope is not a provider scope is rejected'
);
select throws_ok(
  format(
    $$update public.integration_capabilities set required_scope = 'voice'
       where integration_id = %L and capability_key = 'clicksend_send_sms'$$,
    :'clicksend_provider'
  ),
  '23514', null,
  'changing a capability''s required_scope to a non-provider scope is rejected'
);
select throws_ok(
  $$insert into public.service_providers (name, display_name, authentication_type, token_endpoint)
    values ('key_with_endpoint', 'Key with endpoint', 'api_key', 'https://example.test/token')$$,
  '23514', null,
  'an api_key provider with an OAuth endpoint is rejected'
);
select throws_ok(
  $$insert into public.service_providers (name, display_name, authentication_type)
    values ('oauth_without_endpoints', 'OAuth without endpoints', 'oauth2')$$,
  '23514', null,
  'an oauth2 provider without endpoints is rejected'
);

select * from finish();
rollback;
