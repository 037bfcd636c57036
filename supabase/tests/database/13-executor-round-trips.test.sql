-- A tool call in one database call before ClickSend and one after: clicksend_prepare_call,
-- clicksend_finish_call, clicksend_receipt_push and agent_tool_scopes.
begin;
select plan(53);

\set owner_key 'OWNER-KEY-1234-ABCD'

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.create_agent('owner') as agent \gset
select tests.create_agent('owner', 'Reader') as reader_agent \gset
select tests.create_agent('owner', 'Expired') as expired_agent \gset
select tests.create_agent('other_user') as other_agent \gset
select tests.create_clicksend_connection('owner', 'Owner ClickSend', 'inactive') as connection \gset
select tests.create_clicksend_connection('other_user', 'Other ClickSend', 'inactive') as other_connection \gset
select tests.create_grant(:'agent', :'connection', '["sms", "balance"]') as sms_grant \gset
select tests.create_grant(:'reader_agent', :'connection', '["history"]');
select tests.create_grant(:'expired_agent', :'connection', '["sms"]') as expired_grant \gset
update public.agent_integration_permissions set expires_at = now() - interval '1 minute' where id = :'expired_grant';
select tests.create_grant(:'other_agent', :'other_connection', '["sms"]');

select tests.authenticate_as_service_role();
select public.clicksend_store_api_key(:'connection', :'owner_key');
select public.clicksend_store_api_key(:'other_connection', 'OTHER-KEY-0000-ZZZZ');
select public.clicksend_issue_webhook_token(:'connection') as token \gset

-- Acting as the test runner: who may execute what
select function_privs_are('public', 'clicksend_prepare_call', array['integer', 'uuid', 'uuid', 'uuid', 'text', 'jsonb'],
  'authenticated', array[]::text[], 'authenticated may not execute clicksend_prepare_call');
select function_privs_are('public', 'clicksend_prepare_call', array['integer', 'uuid', 'uuid', 'uuid', 'text', 'jsonb'],
  'service_role', array['EXECUTE'], 'the service role may execute clicksend_prepare_call');
select function_privs_are('public', 'clicksend_finish_call', array['bigint[]', 'jsonb', 'uuid[]', 'jsonb'],
  'authenticated', array[]::text[], 'authenticated may not execute clicksend_finish_call');
select function_privs_are('public', 'clicksend_receipt_push', array['text', 'text', 'text', 'text', 'timestamp with time zone'],
  'authenticated', array[]::text[], 'authenticated may not execute clicksend_receipt_push');
select function_privs_are('public', 'agent_tool_scopes', array['uuid'],
  'authenticated', array['EXECUTE'], 'authenticated may execute agent_tool_scopes (RLS decides what it sees)');

-- Acting as owner
select tests.authenticate_as('owner');
select throws_ok(
  format($$select public.clicksend_prepare_call(1, null, %L, null, 'sms', null)$$, :'agent'),
  '42501', null, 'a signed-in user cannot prepare a call (it returns the key)');
select throws_ok(
  $$select public.clicksend_finish_call('{}')$$,
  '42501', null, 'a signed-in user cannot record a call''s outcome');
select throws_ok(
  format($$select public.clicksend_receipt_push(%L, 'X', 'Sent', '200', now())$$, :'token'),
  '42501', null, 'a signed-in user cannot apply a receipt push');
select is(public.agent_tool_scopes(:'agent'), '["balance", "sms"]'::jsonb,
  'the owner sees the scopes of their agent''s usable grants');
select is(public.agent_tool_scopes(:'expired_agent'), '[]'::jsonb,
  'an expired grant gives no scope');
select is(public.agent_tool_scopes(:'other_agent'), null,
  'another user''s agent is invisible: no scopes, not even an empty list');

-- Acting as owner with a forged service_role claim (the database role stays authenticated)
select set_config('request.jwt.claims', '{"role": "service_role"}', true);
select throws_ok(
  format($$select public.clicksend_prepare_call(1, null, %L, null, 'sms', null)$$, :'agent'),
  '42501', null, 'a service_role claim without the service_role database role cannot prepare a call');

-- Acting as anon
select tests.authenticate_as_anon();
select throws_ok(format('select public.agent_tool_scopes(%L)', :'agent'), '42501', null,
  'anon cannot ask for an agent''s scopes');
select throws_ok(
  format($$select public.clicksend_prepare_call(1, null, %L, null, 'sms', null)$$, :'agent'),
  '42501', null, 'anon cannot prepare a call');

-- Acting as service: authorisation
select tests.authenticate_as_service_role();
select is(public.agent_tool_scopes(:'other_agent'), '["sms"]'::jsonb, 'the service role sees any agent''s scopes');
select is(public.agent_tool_scopes(gen_random_uuid()), null, 'an unknown agent has no scopes');

select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('other_user'), :'agent', null, 'sms', null) ->> 'outcome',
  'agent_not_found', 'another user''s agent is not found for that user');
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), gen_random_uuid(), null, 'sms', null) ->> 'outcome',
  'agent_not_found', 'an unknown agent is not found');
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'mms', null) ->> 'outcome',
  'permission_denied', 'a scope the agent was not granted is denied');
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'expired_agent', null, 'sms', null) ->> 'outcome',
  'permission_denied', 'an expired grant is denied');
select is(
  public.clicksend_prepare_call(0, tests.get_supabase_uid('owner'), :'agent', null, null, null) ->> 'outcome',
  'agent_only', 'without a scope only the agent is checked (for logging refused calls)');

select public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'balance', null) as ready \gset
select is(:'ready'::jsonb ->> 'outcome', 'ready', 'a granted scope is ready to call ClickSend');
select is(:'ready'::jsonb ->> 'api_key', :'owner_key', 'it carries the connection''s key from Vault');
select is((:'ready'::jsonb ->> 'connection_id')::uuid, :'connection'::uuid, 'on the granted connection');
select is(jsonb_array_length(:'ready'::jsonb -> 'call_ids'), 1, 'with one call slot taken');
select is(
  public.clicksend_prepare_call(1, null, :'agent', null, 'balance', null) ->> 'outcome',
  'ready', 'the platform (no user) may call for any agent');

select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('other_user'), null, :'connection', null, null) ->> 'outcome',
  'connection_not_found', 'the dashboard path refuses another user''s connection');
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), null, :'connection', null, null) ->> 'outcome',
  'ready', 'the dashboard path allows the owner''s connection');
select throws_ok(
  format($$select public.clicksend_prepare_call(1, null, null, %L, null, null)$$, :'connection'),
  '22023', null, 'the dashboard path needs a user');

-- Acting as service: idempotent reservations
select public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms', '{"channel": "sms", "recipients": ["+61411111111", "+61411111112"], "idempotency_key": "order-7", "custom_string": "c7"}') as send \gset
select is(:'send'::jsonb ->> 'outcome', 'ready', 'a send is ready');
select is(
  (select array_agg(x ->> 'recipient' order by ord) from jsonb_array_elements(:'send'::jsonb -> 'rows') with ordinality t (x, ord)),
  array['+61411111111', '+61411111112'], 'one pending row per recipient, in order');
select is(
  (select count(*)::integer from public.clicksend_messages where idempotency_key like 'order-7:%' and status = 'pending'
     and agent_id = :'agent' and custom_string = 'c7'),
  2, 'the reservations are stored as pending with the agent and custom string');
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms', '{"channel": "sms", "recipients": ["+61411111111", "+61411111112"], "idempotency_key": "order-7"}') ->> 'outcome',
  'replay', 'the same idempotency key replays instead of sending again');
select is(
  (select count(*)::integer from public.clicksend_messages where idempotency_key like 'order-7:%'),
  2, 'a replay reserves nothing new');

select is(
  (public.clicksend_prepare_call(0, tests.get_supabase_uid('owner'), :'agent', null, 'sms',
    '{"channel": "sms", "recipients": ["+61411111115"], "idempotency_key": "order-7", "first_index": 2}') -> 'rows' -> 0 ->> 'idempotency_key'),
  'order-7:2', 'a bulk send reserves a later part under the same key, numbered from first_index');
select is(
  public.clicksend_prepare_call(0, tests.get_supabase_uid('owner'), :'agent', null, 'sms',
    '{"channel": "sms", "recipients": ["+61411111115"], "idempotency_key": "order-7", "first_index": 2}') ->> 'outcome',
  'replay', 'and a repeated part replays like a repeated send');
delete from public.clicksend_messages where idempotency_key = 'order-7:2';

-- Acting as service: finish
select public.clicksend_finish_call(
  (select array_agg(value::bigint) from jsonb_array_elements_text(:'send'::jsonb -> 'call_ids')),
  jsonb_build_array(
    jsonb_build_object('id', :'send'::jsonb -> 'rows' -> 0 ->> 'id', 'message_id', 'MSG-7-A',
      'status', 'SUCCESS', 'message_parts', 1, 'price', 0.077, 'currency', 'AUD'),
    jsonb_build_object('id', :'send'::jsonb -> 'rows' -> 1 ->> 'id', 'status', 'UNKNOWN')),
  '{}',
  jsonb_build_object('user_id', tests.get_supabase_uid('owner'), 'agent_id', :'agent', 'connection_id', :'connection',
    'tool_name', 'clicksend_send_sms', 'arguments_redacted', '{"to": ["+614*****111"]}', 'success', true, 'http_status', 200,
    'latency_ms', 12));
select results_eq(
  $$select message_id, status, message_parts, currency from public.clicksend_messages where idempotency_key like 'order-7:%' order by idempotency_key$$,
  $$values ('MSG-7-A'::text, 'SUCCESS'::text, 1, 'AUD'::text), (null, 'UNKNOWN', null, null)$$,
  'finish stores ClickSend''s answer and marks an unconfirmed message UNKNOWN');
select is(
  (select count(*)::integer from public.tool_execution_logs where agent_id = :'agent' and tool_name = 'clicksend_send_sms' and success),
  1, 'finish writes the audit row');
select tests.clear_authentication();
select is(
  (select finished_at is not null from private.clicksend_executor_calls
    where id = (:'send'::jsonb -> 'call_ids' ->> 0)::bigint),
  true, 'finish frees the call slot');
select tests.authenticate_as_service_role();
select public.clicksend_finish_call('{}',
  jsonb_build_array(jsonb_build_object('id', :'send'::jsonb -> 'rows' -> 0 ->> 'id', 'message_id', 'MSG-OTHER',
    'status', 'FAILED')));
select is(
  (select message_id from public.clicksend_messages where idempotency_key = 'order-7:0'),
  'MSG-7-A', 'a recorded message is never overwritten by a later finish');

select public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms', '{"channel": "sms", "recipients": ["+61411111113"], "idempotency_key": "order-8"}') as unsent \gset
select public.clicksend_finish_call('{}', null, array[(:'unsent'::jsonb -> 'rows' -> 0 ->> 'id')::uuid]);
select is(
  (select count(*)::integer from public.clicksend_messages where idempotency_key like 'order-8:%'),
  0, 'a reservation that was never sent is freed');
select is(
  public.clicksend_prepare_call(1, tests.get_supabase_uid('owner'), :'agent', null, 'sms', '{"channel": "sms", "recipients": ["+61411111113"], "idempotency_key": "order-8"}') ->> 'outcome',
  'ready', 'so the same request may be repeated');

-- Acting as service: call slots (the provider allows 10 at once and 1000 an hour)
select tests.clear_authentication();
update private.clicksend_executor_calls set finished_at = now() where connection_id = :'connection';
select tests.authenticate_as_service_role();
select is(
  jsonb_array_length(public.clicksend_prepare_call(5, null, :'agent', null, 'balance', null) -> 'call_ids'),
  5, 'a call of five ClickSend requests takes five slots');
select tests.clear_authentication();
select is(
  (select count(*)::integer from private.clicksend_executor_calls where connection_id = :'connection' and finished_at is null),
  1, 'of which only one runs at a time');
select tests.authenticate_as_service_role();
select format('select public.clicksend_prepare_call(1, null, %L, null, %L, null)', :'agent', 'balance')
  from generate_series(1, 9) \gexec
select results_eq(
  format($$select r ->> 'outcome', (r ->> 'retry_after_seconds')::integer
             from public.clicksend_prepare_call(1, null, %L, null, 'balance', null) r$$, :'agent'),
  $$values ('rate_limited'::text, 1)$$,
  'the eleventh concurrent call is refused with a one-second wait');
select is(
  (select count(*)::integer from public.clicksend_messages where idempotency_key like 'order-9:%'),
  0, 'nothing was reserved before the refusal');
select is(
  public.clicksend_prepare_call(1, null, :'agent', null, 'sms', '{"channel": "sms", "recipients": ["+61411111114"], "idempotency_key": "order-9"}') ->> 'outcome',
  'rate_limited', 'a send refused for its rate limit');
select is(
  (select count(*)::integer from public.clicksend_messages where idempotency_key like 'order-9:%'),
  0, 'reserves nothing');
select is(
  public.clicksend_prepare_call(1, null, :'agent', null, 'sms', '{"channel": "sms", "recipients": ["+61411111111"], "idempotency_key": "order-7"}') ->> 'outcome',
  'replay', 'a replay is answered even at the rate limit (it calls no one)');
select results_eq(
  format($$select r ->> 'outcome' from public.clicksend_prepare_call(1001, null, %L, null, 'balance', null) r$$, :'agent'),
  $$values ('rate_limited'::text)$$,
  'a call needing more requests than the hour allows is refused');

-- Acting as service: receipts in one call
select is(public.clicksend_receipt_push(repeat('0', 48), 'MSG-7-A', 'Delivered', '201', now()), 'invalid_token',
  'an unknown token is refused');
select is(public.clicksend_receipt_push(:'token', 'MSG-7-A', 'Delivered', '201', now()), 'applied',
  'the connection''s token applies a receipt');
select is(public.clicksend_receipt_push(:'token', 'MSG-7-A', 'Sent', '200', now()), 'ignored',
  'a pending receipt after the final one is ignored');

select * from finish();
rollback;
