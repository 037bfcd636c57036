-- An agent granted on several ClickSend connections sends from its owner's chosen default
-- (agents.default_connection_id) when that grant allows the tool, else from its newest grant that
-- does; a send stays on the account that already holds it; every prepared call names the account.
-- The default can only ever be one of the agent owner's own connections (issue 13, point 11).
begin;
select plan(34);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.create_agent('owner', 'Two accounts') as agent \gset
select tests.create_agent('other_user', 'Other agent') as other_agent \gset
select tests.create_clicksend_connection('owner', 'Alpha', 'inactive') as alpha \gset
select tests.create_clicksend_connection('owner', 'Beta', 'inactive') as beta \gset
select tests.create_clicksend_connection('owner', 'No key', 'active') as keyless \gset
select tests.create_clicksend_connection('other_user', 'Other account', 'inactive') as other_connection \gset
-- Alpha was granted first (sms and balance), Beta later (sms only): without a default, Beta is the
-- newest grant with sms, as before this change.
select tests.create_grant(:'agent', :'alpha', '["sms", "balance"]') as alpha_grant \gset
select tests.create_grant(:'agent', :'beta', '["sms"]') as beta_grant \gset
update public.agent_integration_permissions set granted_at = now() - interval '2 hours' where id = :'alpha_grant';
update public.agent_integration_permissions set granted_at = now() - interval '1 hour' where id = :'beta_grant';
select tests.create_grant(:'other_agent', :'other_connection', '["sms"]');

select tests.authenticate_as_service_role();
select public.clicksend_store_api_key(:'alpha', 'ALPHA-KEY-0000-0001');
select public.clicksend_store_api_key(:'beta', 'BETA-KEY-0000-0002');
select public.clicksend_store_api_key(:'other_connection', 'OTHER-KEY-0000-0003');

-- Acting as the test runner: the schema
select tests.clear_authentication();
select has_column('public', 'agents', 'default_connection_id', 'agents have a default connection');
select col_is_null('public', 'agents', 'default_connection_id', 'the default is optional');
select fk_ok('public', 'agents', array['default_connection_id', 'user_id'],
  'public', 'user_oauth_connections', array['id', 'user_id'],
  'the default references a connection of the agent''s own owner (id and user_id together)');

-- Acting as owner: setting the default
select tests.authenticate_as('owner');
select is(
  (select default_connection_id from public.agents where id = :'agent'), null::uuid,
  'an agent starts without a default');
select lives_ok(
  format('update public.agents set default_connection_id = %L where id = %L', :'alpha', :'agent'),
  'the owner may choose one of their connections as the agent''s default');
select is(
  (select default_connection_id from public.agents where id = :'agent'), :'alpha'::uuid,
  'the default is stored');
select throws_ok(
  format('update public.agents set default_connection_id = %L where id = %L', :'other_connection', :'agent'),
  '23503', null, 'the owner cannot make another user''s connection their agent''s default');
select throws_ok(
  format('update public.agents set default_connection_id = %L where id = %L', gen_random_uuid(), :'agent'),
  '23503', null, 'nor a connection that does not exist');
select is(
  (select default_connection_id from public.agents where id = :'agent'), :'alpha'::uuid,
  'a refused default leaves the chosen one in place');
select is(
  (select count(*)::integer from public.agents where id = :'other_agent'), 0,
  'another user''s agent is invisible to the owner');
update public.agents set default_connection_id = :'alpha' where id = :'other_agent';

-- Acting as other_user
select tests.authenticate_as('other_user');
select is_empty(
  format('update public.agents set default_connection_id = %L where id = %L returning id', :'beta', :'agent'),
  'another user cannot change the owner''s agent''s default, even to one of the owner''s connections');
select is_empty(
  format('update public.agents set default_connection_id = null where id = %L returning id', :'agent'),
  'nor clear it');
select throws_ok(
  format('update public.agents set default_connection_id = %L where id = %L', :'alpha', :'other_agent'),
  '23503', null, 'another user cannot point their own agent at the owner''s connection');

-- Acting as the test runner: what the attempts left
select tests.clear_authentication();
select is(
  (select default_connection_id from public.agents where id = :'agent'), :'alpha'::uuid,
  'the owner''s agent keeps the owner''s choice');
select is(
  (select default_connection_id from public.agents where id = :'other_agent'), null::uuid,
  'the other user''s agent has no default (the owner''s update reached nothing)');

-- Acting as service: the executor's choice
select tests.authenticate_as_service_role();
select public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms', null) as via_default \gset
select is((:'via_default'::jsonb ->> 'connection_id')::uuid, :'alpha'::uuid,
  'the agent sends from its default (Alpha), not from its newest grant (Beta)');
select is(:'via_default'::jsonb -> 'account',
  jsonb_build_object('connection_id', :'alpha'::text, 'name', 'Alpha'::text, 'username', 'owner_cs_alpha'::text),
  'the prepared call names the account it uses');

update public.agents set default_connection_id = :'beta' where id = :'agent';
select is(
  (public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms', null) ->> 'connection_id')::uuid,
  :'beta'::uuid, 'switching the default to Beta sends from Beta');
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'balance', null) -> 'account' ->> 'name',
  'Alpha', 'a tool the default''s grant does not allow falls back to a grant that does (Alpha, balance)');

update public.agents set default_connection_id = :'alpha' where id = :'agent';
update public.agent_integration_permissions set is_active = false, revoked_at = now() where id = :'alpha_grant';
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms', null) -> 'account' ->> 'name',
  'Beta', 'a default whose grant is revoked is passed over');
update public.agent_integration_permissions set is_active = true, revoked_at = null where id = :'alpha_grant';
update public.user_oauth_connections set connection_status = 'revoked' where id = :'alpha';
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms', null) -> 'account' ->> 'name',
  'Beta', 'so is a disconnected default');
update public.user_oauth_connections set connection_status = 'active' where id = :'alpha';

update public.agents set default_connection_id = null where id = :'agent';
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms', null) -> 'account' ->> 'name',
  'Beta', 'without a default, the newest grant with the scope is used, as before');
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'other_agent', null, 'sms', null) ->> 'outcome',
  'agent_not_found', 'a default changes nothing about whose agent it is');

-- A send stays on the account that holds it: a repeat after the default changed replays it there.
update public.agents set default_connection_id = :'beta' where id = :'agent';
select public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms',
  '{"channel": "sms", "recipients": ["+61411111111"], "idempotency_key": "move-1"}') as first_send \gset
select is((:'first_send'::jsonb ->> 'connection_id')::uuid, :'beta'::uuid, 'a send goes out from the default (Beta)');
select is(
  (select user_oauth_connection_id from public.clicksend_messages where idempotency_key = 'move-1:0'),
  :'beta'::uuid, 'and its message is on record under Beta');
update public.agents set default_connection_id = :'alpha' where id = :'agent';
select public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms',
  '{"channel": "sms", "recipients": ["+61411111111"], "idempotency_key": "move-1"}') as repeated \gset
select is(:'repeated'::jsonb ->> 'outcome', 'replay',
  'repeating the send after the default moved to Alpha replays it instead of sending again from Alpha');
select is(:'repeated'::jsonb -> 'account' ->> 'name', 'Beta', 'and names the account that sent it');
select is(
  (public.clicksend_prepare_call(0, tests.get_supabase_uid('owner'), :'agent', null, 'sms',
    '{"channel": "sms", "recipients": ["+61411111112"], "idempotency_key": "move-1", "first_index": 1}') ->> 'connection_id')::uuid,
  :'beta'::uuid, 'a later part of the same bulk send is reserved on the same account');
select is(
  (public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms',
    '{"channel": "sms", "recipients": ["+61411111111"], "idempotency_key": "new-1"}') ->> 'connection_id')::uuid,
  :'alpha'::uuid, 'a new send goes out from the new default');

-- Failures after the choice name the account too.
select tests.create_grant(:'agent', :'keyless', '["history"]');
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'history', null) -> 'account',
  jsonb_build_object('connection_id', :'keyless'::text, 'name', 'No key'::text, 'username', 'owner_cs_no_key'::text),
  'a connection without a key is refused (connection_unusable) naming the account');
select is(
  public.clicksend_prepare_call(0, tests.get_supabase_uid('owner'), null, :'beta', null, null) -> 'account' ->> 'name',
  'Beta', 'the dashboard path names the account as well');

-- Acting as the test runner: deleting the default connection clears it and keeps the agent
select tests.clear_authentication();
delete from public.user_oauth_connections where id = :'alpha';
select is(
  (select count(*)::integer from public.agents where id = :'agent'), 1,
  'deleting the default connection keeps the agent');
select is(
  (select default_connection_id from public.agents where id = :'agent'), null::uuid,
  'and clears its default');
select is(
  (select user_id from public.agents where id = :'agent'), tests.get_supabase_uid('owner'),
  'and only the default: the agent keeps its owner');

select * from finish();
rollback;
