-- tool_execution_logs: users read their own audit trail; only the service role writes it.
begin;
select plan(19);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.get_supabase_uid('owner') as owner_uid \gset
select tests.get_supabase_uid('other_user') as other_uid \gset
select tests.create_agent('owner', 'Owner agent') as owner_agent \gset
select tests.create_agent('other_user', 'Other agent') as other_agent \gset
select tests.create_clicksend_connection('owner') as owner_connection \gset
insert into public.tool_execution_logs (user_id, agent_id, user_oauth_connection_id, tool_name, success, latency_ms)
values (:'owner_uid', :'owner_agent', :'owner_connection', 'clicksend_get_balance', true, 120)
returning id as owner_log \gset
insert into public.tool_execution_logs (user_id, agent_id, tool_name, success, error_code)
values (:'other_uid', :'other_agent', 'clicksend_send_sms', false, 'permission_denied')
returning id as other_log \gset

-- Acting as owner
select tests.authenticate_as('owner');

select results_eq(
  'select id from public.tool_execution_logs',
  format($$values (%L::uuid)$$, :'owner_log'),
  'owner sees exactly their own tool logs'
);
select throws_ok(
  format(
    $$insert into public.tool_execution_logs (user_id, agent_id, tool_name, success) values (%L, %L, 'clicksend_send_sms', true)$$,
    :'owner_uid', :'owner_agent'
  ),
  '42501', null,
  'owner cannot write a log entry'
);
select throws_ok(
  format($$update public.tool_execution_logs set success = false, error_code = 'x' where id = %L$$, :'owner_log'),
  '42501', null,
  'owner cannot rewrite their log'
);
select throws_ok(
  format($$delete from public.tool_execution_logs where id = %L$$, :'owner_log'),
  '42501', null,
  'owner cannot delete their log'
);

-- Acting as other_user
select tests.authenticate_as('other_user');

select results_eq(
  'select tool_name, error_code from public.tool_execution_logs',
  $$values ('clicksend_send_sms'::text, 'permission_denied'::text)$$,
  'other_user sees only their own log, none of owner''s'
);
select throws_ok(
  format($$delete from public.tool_execution_logs where id = %L$$, :'owner_log'),
  '42501', null,
  'other_user cannot delete owner''s log'
);

-- Acting as anon
select tests.authenticate_as_anon();

select throws_ok('select * from public.tool_execution_logs', '42501', null, 'anon cannot read tool logs');
select throws_ok(
  format($$insert into public.tool_execution_logs (user_id, tool_name, success) values (%L, 'clicksend_send_sms', true)$$, :'owner_uid'),
  '42501', null,
  'anon cannot write tool logs'
);
select throws_ok($$update public.tool_execution_logs set success = true$$, '42501', null, 'anon cannot update tool logs');
select throws_ok('delete from public.tool_execution_logs', '42501', null, 'anon cannot delete tool logs');

-- Acting as service
select tests.authenticate_as_service_role();

select is(
  (select count(*)::integer from public.tool_execution_logs where id in (:'owner_log', :'other_log')),
  2,
  'the service role sees every user''s tool logs'
);
select lives_ok(
  format(
    $$insert into public.tool_execution_logs (user_id, agent_id, tool_name, success, error_code, error_message, http_status)
      values (%L, %L, 'clicksend_send_mms', false, 'upstream_error', 'ClickSend returned 502', 502)$$,
    :'other_uid', :'other_agent'
  ),
  'the service role records a failure for any user'
);
select throws_ok(
  format(
    $$insert into public.tool_execution_logs (user_id, agent_id, tool_name, success) values (%L, %L, 'clicksend_send_sms', false)$$,
    :'owner_uid', :'owner_agent'
  ),
  '23514', null,
  'a failure without an error code is rejected'
);
select throws_ok(
  $$insert into public.tool_execution_logs (user_id, tool_name, success, error_code) values (null, 'clicksend_send_sms', false, 'upstream_error')$$,
  '23502', null,
  'a log entry without a user is rejected'
);
select throws_ok(
  format(
    $$insert into public.tool_execution_logs (user_id, tool_name, success, latency_ms) values (%L, 'clicksend_get_balance', true, -1)$$,
    :'owner_uid'
  ),
  '23514', null,
  'a negative latency is rejected'
);
select throws_ok(
  format(
    $$insert into public.tool_execution_logs (user_id, agent_id, tool_name, success) values (%L, %L, 'clicksend_get_balance', true)$$,
    :'owner_uid', :'other_agent'
  ),
  '23503', null,
  'a log entry cannot attribute other_user''s agent to owner'
);
select isnt_empty(
  format($$delete from public.tool_execution_logs where id = %L returning id$$, :'other_log'),
  'the service role can delete any log entry'
);

-- Acting as owner: deleting the agent and the connection
select tests.authenticate_as('owner');

select isnt_empty(
  format($$delete from public.agents where id = %L returning id$$, :'owner_agent'),
  'owner deletes the agent that made the logged call'
);
delete from public.user_oauth_connections where id = :'owner_connection';
select results_eq(
  format($$select agent_id, user_oauth_connection_id, tool_name from public.tool_execution_logs where id = %L$$, :'owner_log'),
  $$values (null::uuid, null::uuid, 'clicksend_get_balance'::text)$$,
  'the log outlives its agent and connection, with both references cleared'
);

select * from finish();
rollback;
