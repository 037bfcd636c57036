-- Two-way SMS: replies (clicksend_inbound_messages, the clicksend_conversations view and
-- clicksend_mark_thread_read), storing them from a push or a poll (clicksend_inbound_push,
-- clicksend_store_polled_replies) and linking them to the message they answer, the push token a
-- disconnected connection loses, the text kept with each sent message, and agent reply webhooks
-- (agent_webhooks, their Vault secrets and deliveries; agent_webhook_set, agent_webhook_target).
begin;
select plan(118);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.get_supabase_uid('owner') as owner_uid \gset
select tests.get_supabase_uid('other_user') as other_uid \gset
select tests.create_agent('owner', 'Texter') as agent \gset
select tests.create_agent('owner', 'Second texter') as second_agent \gset
select tests.create_agent('other_user', 'Other texter') as other_agent \gset
select tests.create_clicksend_connection('owner', 'Owner ClickSend', 'inactive') as connection \gset
select tests.create_clicksend_connection('other_user', 'Other ClickSend', 'inactive') as other_connection \gset
select tests.create_grant(:'agent', :'connection', '["sms", "inbound"]');

-- What the private tables and Vault hold (no API role may read them).
create function tests.t15_push_tokens(p_connection uuid) returns integer
language sql security definer set search_path = '' as $$
  select count(*)::integer from private.clicksend_webhook_tokens t where t.connection_id = p_connection
$$;
create function tests.t15_webhook_secret_id(p_agent uuid) returns uuid
language sql security definer set search_path = '' as $$
  select s.vault_secret_id from private.agent_webhook_secrets s where s.agent_id = p_agent
$$;
create function tests.t15_webhook_secret(p_agent uuid) returns text
language sql security definer set search_path = '' as $$
  select d.decrypted_secret from private.agent_webhook_secrets s
    join vault.decrypted_secrets d on d.id = s.vault_secret_id
   where s.agent_id = p_agent
$$;
create function tests.t15_in_vault(p_secret_id uuid) returns boolean
language sql security definer set search_path = '' as $$
  select exists (select 1 from vault.secrets v where v.id = p_secret_id)
$$;

-- Acting as service: keys, push tokens, and a send through the executor (with its text)
select tests.authenticate_as_service_role();
select public.clicksend_store_api_key(:'connection', 'OWNER-KEY-1234-ABCD');
select public.clicksend_store_api_key(:'other_connection', 'OTHER-KEY-0000-ZZZZ');
select public.clicksend_issue_webhook_token(:'connection') as token \gset
select public.clicksend_issue_webhook_token(:'other_connection') as other_token \gset
select public.clicksend_prepare_call(1, :'owner_uid', :'agent', null, 'sms',
  '{"channel": "sms", "recipients": ["+61400000001"], "idempotency_key": "two-way-1", "body": "Can you come on Friday?"}'
) -> 'rows' -> 0 ->> 'id' as sent_row \gset
select public.clicksend_prepare_call(1, :'owner_uid', :'agent', null, 'sms',
  jsonb_build_object('channel', 'sms', 'recipients', jsonb_build_array('+61400000008'),
    'idempotency_key', 'two-way-long', 'body', repeat('x', 6000))
) -> 'rows' -> 0 ->> 'id' as long_row \gset

-- Acting as the test runner: the send was accepted (ClickSend's id), and more sent messages:
-- one without a caller custom_string (ClickSend carried our row id), one with the caller's own.
select tests.clear_authentication();
update public.clicksend_messages set message_id = 'OUT-1', status = 'SUCCESS' where id = :'sent_row';
insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, recipient, status, message_id, body)
values (:'owner_uid', :'connection', :'second_agent', '+61400000002', 'SUCCESS', 'OUT-2', 'Reply YES to confirm')
returning id as fallback_row \gset
insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, recipient, status, message_id, custom_string, body)
values (:'owner_uid', :'connection', :'agent', '+61400000003', 'SUCCESS', 'OUT-3', 'order-42', 'Your order shipped')
returning id as caller_row \gset
insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, recipient, status, message_id, body)
values (:'other_uid', :'other_connection', :'other_agent', '+61400000009', 'SUCCESS', 'OUT-B', 'Other user''s text')
returning id as other_row \gset

-- Who may execute what
select is(
  (select coalesce(array_agg(f order by f), '{}') from unnest(array[
     'public.clicksend_inbound_push(text,jsonb)', 'public.clicksend_store_polled_replies(uuid,jsonb)',
     'public.agent_webhook_set(uuid,uuid,text,boolean)', 'public.agent_webhook_target(uuid)'
   ]) f where has_function_privilege('anon', f, 'execute') or has_function_privilege('authenticated', f, 'execute')),
  '{}'::text[],
  'anon and authenticated may execute none of the service-role reply and webhook functions'
);
select is(
  (select array_agg(f order by f) from unnest(array[
     'public.clicksend_inbound_push(text,jsonb)', 'public.clicksend_store_polled_replies(uuid,jsonb)',
     'public.agent_webhook_set(uuid,uuid,text,boolean)', 'public.agent_webhook_target(uuid)'
   ]) f where has_function_privilege('service_role', f, 'execute')),
  array['public.agent_webhook_set(uuid,uuid,text,boolean)', 'public.agent_webhook_target(uuid)',
        'public.clicksend_inbound_push(text,jsonb)', 'public.clicksend_store_polled_replies(uuid,jsonb)'],
  'the service role may execute all four'
);
select function_privs_are('public', 'clicksend_mark_thread_read', array['uuid', 'text'], 'authenticated', array['EXECUTE'],
  'authenticated may execute clicksend_mark_thread_read (RLS decides what it marks)');
select function_privs_are('public', 'clicksend_mark_thread_read', array['uuid', 'text'], 'anon', array[]::text[],
  'anon may not execute clicksend_mark_thread_read');
select ok(
  not (select prosecdef from pg_proc where oid = 'public.clicksend_mark_thread_read(uuid,text)'::regprocedure),
  'clicksend_mark_thread_read runs with the caller''s rights');
select is(
  (select coalesce(array_agg(column_name::text order by column_name), '{}') from information_schema.column_privileges
    where table_schema = 'public' and table_name = 'clicksend_inbound_messages'
      and grantee = 'authenticated' and privilege_type = 'UPDATE'),
  array['read_at'],
  'authenticated may update read_at and no other column of a reply'
);
select is(
  (select coalesce(array_agg(format('%s: %s', table_name, privilege_type) order by table_name, privilege_type), '{}')
     from information_schema.table_privileges
    where table_schema = 'public' and grantee in ('anon', 'authenticated')
      and table_name in ('clicksend_inbound_messages', 'agent_webhooks', 'agent_webhook_deliveries', 'clicksend_conversations')
      and privilege_type in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
  '{}'::text[],
  'anon and authenticated may not insert, update (but for read_at), delete or truncate replies, webhooks or deliveries'
);
select is(
  (select coalesce(array_agg(table_name::text order by table_name), '{}')
     from information_schema.table_privileges
    where table_schema = 'public' and grantee = 'anon'
      and table_name in ('clicksend_inbound_messages', 'agent_webhooks', 'agent_webhook_deliveries', 'clicksend_conversations')),
  '{}'::text[],
  'anon has no privilege on replies, conversations, webhooks or deliveries'
);

-- The runner (a role that may execute everything but is not the service role) is refused too.
select throws_ok(
  format($$select public.clicksend_inbound_push(%L, '{"message_id": "IN-R", "from": "+61400000001", "body": "x"}')$$, :'token'),
  '42501', null, 'a role other than service_role cannot store a pushed reply, even with a valid token');
select throws_ok(
  format($$select public.agent_webhook_set(%L, %L, 'https://owner.example.test/hook')$$, :'owner_uid', :'agent'),
  '42501', null, 'a role other than service_role cannot set a webhook');

-- Acting as owner: the service-role functions are refused
select tests.authenticate_as('owner');
select throws_ok(
  format($$select public.clicksend_inbound_push(%L, '{"message_id": "IN-O", "from": "+61400000001", "body": "x"}')$$, :'token'),
  '42501', null, 'a signed-in user cannot push a reply, even with the connection''s token');
select throws_ok(
  format($$select public.clicksend_store_polled_replies(%L, '[]')$$, :'connection'),
  '42501', null, 'a signed-in user cannot store polled replies');
select throws_ok(
  format($$select public.agent_webhook_set(%L, %L, 'https://owner.example.test/hook')$$, :'owner_uid', :'agent'),
  '42501', null, 'a signed-in user cannot set a webhook through the function (the secret is issued by the service)');
select throws_ok(
  format('select * from public.agent_webhook_target(%L)', :'agent'),
  '42501', null, 'a signed-in user cannot read a webhook''s signing secret');

-- Acting as owner with a forged service_role claim (the database role stays authenticated)
select set_config('request.jwt.claims', '{"role": "service_role"}', true);
select throws_ok(
  format($$select public.clicksend_inbound_push(%L, '{"message_id": "IN-F", "from": "+61400000001", "body": "x"}')$$, :'token'),
  '42501', null, 'a service_role claim without the service_role database role cannot push a reply');

-- Acting as anon
select tests.authenticate_as_anon();
select throws_ok(
  format($$select public.clicksend_inbound_push(%L, '{"message_id": "IN-A", "from": "+61400000001", "body": "x"}')$$, :'token'),
  '42501', null, 'anon cannot push a reply');
select throws_ok(
  format($$select public.clicksend_store_polled_replies(%L, '[]')$$, :'connection'),
  '42501', null, 'anon cannot store polled replies');
select throws_ok(
  format('select * from public.agent_webhook_target(%L)', :'agent'),
  '42501', null, 'anon cannot read a webhook''s signing secret');

-- Acting as service: pushes
select tests.authenticate_as_service_role();
select is(
  public.clicksend_inbound_push(repeat('0', 48), '{"message_id": "IN-X", "from": "+61400000001", "body": "Spoofed"}') ->> 'outcome',
  'invalid_token', 'a push with an unknown token is refused');
select is(
  public.clicksend_inbound_push('x'' or 1=1 --', '{"message_id": "IN-X", "from": "+61400000001", "body": "Spoofed"}') ->> 'outcome',
  'invalid_token', 'a push with a malformed token is refused');
select is((select count(*)::integer from public.clicksend_inbound_messages), 0, 'a refused push stores nothing');

select public.clicksend_inbound_push(:'token',
  '{"message_id": "IN-1", "from": "+61400000001", "to": "+61499999999", "body": "Yes, Friday works",
    "original_message_id": "OUT-1", "received_at": "2025-09-12T10:00:00Z"}') as push \gset
select is(:'push'::jsonb ->> 'outcome', 'stored', 'a push with the connection''s token stores the reply');
select is((:'push'::jsonb ->> 'connection_id')::uuid, :'connection'::uuid, 'on the token''s connection');
select is((:'push'::jsonb -> 'stored' -> 0 ->> 'agent_id')::uuid, :'agent'::uuid,
  'the answer names the agent to wake');
select results_eq(
  $$select user_id, message_row_id, agent_id, source, to_number, body from public.clicksend_inbound_messages where clicksend_message_id = 'IN-1'$$,
  format($$values (%L::uuid, %L::uuid, %L::uuid, 'push'::text, '+61499999999'::text, 'Yes, Friday works'::text)$$,
    :'owner_uid', :'sent_row', :'agent'),
  'a reply naming our ClickSend message id is the connection owner''s, linked to that message and its agent');
select is(
  public.clicksend_inbound_push(:'token',
    '{"message_id": "IN-1", "from": "+61400000001", "body": "Yes, Friday works", "original_message_id": "OUT-1"}') ->> 'outcome',
  'duplicate', 'the same reply pushed again is a duplicate');
select is((select count(*)::integer from public.clicksend_inbound_messages where clicksend_message_id = 'IN-1'), 1,
  'and is stored once');

select public.clicksend_inbound_push(:'token', jsonb_build_object('message_id', 'IN-2', 'from', '+61400000002',
  'body', 'YES', 'custom_string', :'fallback_row', 'received_at', '2025-09-12T10:05:00Z')) as fallback_push \gset
select is(:'fallback_push'::jsonb ->> 'outcome', 'stored', 'a reply carrying our row id as custom_string is stored');
select results_eq(
  $$select message_row_id, agent_id from public.clicksend_inbound_messages where clicksend_message_id = 'IN-2'$$,
  format($$values (%L::uuid, %L::uuid)$$, :'fallback_row', :'second_agent'),
  'without original_message_id it is linked by custom_string to the message (sent without one) and its agent');
select public.clicksend_inbound_push(:'token', jsonb_build_object('message_id', 'IN-3', 'from', '+61400000003',
  'body', 'Thanks', 'custom_string', :'caller_row', 'received_at', '2025-09-12T10:10:00Z'));
select results_eq(
  $$select message_row_id, agent_id from public.clicksend_inbound_messages where clicksend_message_id = 'IN-3'$$,
  $$values (null::uuid, null::uuid)$$,
  'a custom_string naming a message sent with the caller''s own custom_string links nothing');
select public.clicksend_inbound_push(:'token',
  '{"message_id": "IN-4", "from": "+61400000004", "body": "Who is this?", "original_message_id": "OUT-404",
    "received_at": "2025-09-12T10:15:00Z"}');
select results_eq(
  $$select message_row_id, agent_id, source from public.clicksend_inbound_messages where clicksend_message_id = 'IN-4'$$,
  $$values (null::uuid, null::uuid, 'push'::text)$$,
  'a reply to a message we do not know is stored unlinked');
select is(
  public.clicksend_inbound_push(:'token',
    '{"message_id": "IN-5", "from": "+61400000005", "body": "Re order", "custom_string": "order-42",
      "received_at": "2025-09-12T10:20:00Z"}') ->> 'outcome',
  'stored', 'a custom_string that is not one of our row ids is stored (unlinked) without error');
select is((select message_row_id from public.clicksend_inbound_messages where clicksend_message_id = 'IN-5'), null,
  'and links nothing');

-- Another user's connection: linking never crosses connections
select public.clicksend_inbound_push(:'other_token',
  '{"message_id": "IN-B1", "from": "+61400000001", "body": "Other user''s reply", "original_message_id": "OUT-1",
    "received_at": "2025-09-12T11:00:00Z"}') as other_push \gset
select results_eq(
  $$select user_oauth_connection_id, user_id, message_row_id, agent_id from public.clicksend_inbound_messages where clicksend_message_id = 'IN-B1'$$,
  format($$values (%L::uuid, %L::uuid, null::uuid, null::uuid)$$, :'other_connection', :'other_uid'),
  'a reply on another connection naming the owner''s ClickSend message id is that user''s, and not linked to it');
select public.clicksend_inbound_push(:'other_token', jsonb_build_object('message_id', 'IN-B2', 'from', '+61400000002',
  'body', 'Guessing', 'custom_string', :'fallback_row', 'received_at', '2025-09-12T11:05:00Z'));
select is((select message_row_id from public.clicksend_inbound_messages where clicksend_message_id = 'IN-B2'), null,
  'a reply on another connection carrying the owner''s row id is not linked to it');
select public.clicksend_inbound_push(:'other_token',
  '{"message_id": "IN-B3", "from": "+61400000009", "body": "Other user''s answer", "original_message_id": "OUT-B",
    "received_at": "2025-09-12T11:10:00Z"}');
select results_eq(
  $$select message_row_id, agent_id from public.clicksend_inbound_messages where clicksend_message_id = 'IN-B3'$$,
  format($$values (%L::uuid, %L::uuid)$$, :'other_row', :'other_agent'),
  'the other user''s reply to their own message is linked to it');

-- Polls
select public.clicksend_store_polled_replies(:'connection',
  '[{"message_id": "IN-1", "from": "+61400000001", "body": "Yes, Friday works", "original_message_id": "OUT-1"},
    {"message_id": "IN-6", "from": "+61400000001", "body": "Also Saturday?", "original_message_id": "OUT-1",
     "received_at": "2025-09-12T10:30:00Z"}]') as poll \gset
select is(
  (select array_agg(s ->> 'clicksend_message_id') from jsonb_array_elements(:'poll'::jsonb -> 'stored') s),
  array['IN-6'], 'a poll stores only the replies not stored yet');
select is(
  (select array_agg(k order by k) from jsonb_array_elements_text(:'poll'::jsonb -> 'known') k),
  array['IN-1', 'IN-6'], 'and answers every given id that is stored (now or before) as known, to mark read');
select results_eq(
  $$select source, message_row_id, agent_id from public.clicksend_inbound_messages where clicksend_message_id = 'IN-6'$$,
  format($$values ('poll'::text, %L::uuid, %L::uuid)$$, :'sent_row', :'agent'),
  'a polled reply is linked like a pushed one');
select is(
  (select count(*)::integer from public.clicksend_inbound_messages where clicksend_message_id = 'IN-1'), 1,
  'a reply both pushed and polled is stored once');
select throws_ok(
  format($$select public.clicksend_store_polled_replies(%L, '{"message_id": "IN-7"}')$$, :'connection'),
  '22023', null, 'polled replies must be an array');
select throws_ok(
  format($$select public.clicksend_store_polled_replies(%L, '[]')$$, gen_random_uuid()),
  'P0002', null, 'polled replies need a ClickSend connection');
select is((select count(*)::integer from public.clicksend_inbound_messages), 9,
  'the service role sees every user''s replies');

-- The text kept with each reserved send
select is((select body from public.clicksend_messages where id = :'sent_row'), 'Can you come on Friday?',
  'a send reserved by clicksend_prepare_call keeps its text');
select is((select length(body) from public.clicksend_messages where id = :'long_row'), 5000,
  'a longer text is kept to its first 5000 characters');

-- Acting as owner: replies and conversations
select tests.authenticate_as('owner');
select results_eq(
  'select clicksend_message_id from public.clicksend_inbound_messages order by clicksend_message_id',
  $$values ('IN-1'::text), ('IN-2'), ('IN-3'), ('IN-4'), ('IN-5'), ('IN-6')$$,
  'owner sees exactly their own replies');
select results_eq(
  'select user_oauth_connection_id, contact, replies, unread from public.clicksend_conversations order by contact',
  format($$values (%1$L::uuid, '+61400000001'::text, 2, 2), (%1$L, '+61400000002', 1, 1), (%1$L, '+61400000003', 1, 1),
                  (%1$L, '+61400000004', 1, 1), (%1$L, '+61400000005', 1, 1)$$, :'connection'),
  'owner sees one conversation per contact of their own, with its reply and unread counts');
select results_eq(
  $$select last_reply, last_reply_at, agent_ids from public.clicksend_conversations where contact = '+61400000001'$$,
  format($$values ('Also Saturday?'::text, '2025-09-12T10:30:00Z'::timestamptz, array[%L::uuid])$$, :'agent'),
  'a conversation shows the latest reply and the agents that texted the contact');
select results_eq(
  $$update public.clicksend_inbound_messages set read_at = '2025-09-12T12:00:00Z' where clicksend_message_id = 'IN-2'
    returning clicksend_message_id$$,
  $$values ('IN-2'::text)$$,
  'owner can mark their own reply read');
select throws_ok(
  $$update public.clicksend_inbound_messages set body = 'Edited' where clicksend_message_id = 'IN-2'$$,
  '42501', null, 'owner cannot change a reply''s text');
select throws_ok(
  format($$update public.clicksend_inbound_messages set user_id = %L where clicksend_message_id = 'IN-2'$$, :'other_uid'),
  '42501', null, 'owner cannot give a reply to another user');
select throws_ok(
  format($$update public.clicksend_inbound_messages set message_row_id = %L, agent_id = %L where clicksend_message_id = 'IN-4'$$,
    :'sent_row', :'agent'),
  '42501', null, 'owner cannot link a reply to a message or an agent');
select throws_ok(
  $$update public.clicksend_inbound_messages set read_at = now(), from_number = '+61400000099' where clicksend_message_id = 'IN-3'$$,
  '42501', null, 'owner cannot change another column alongside read_at');
select throws_ok(
  format($$insert into public.clicksend_inbound_messages (user_id, user_oauth_connection_id, clicksend_message_id, from_number,
           body, source, received_at) values (%L, %L, 'IN-FAKE', '+61400000001', 'Planted', 'push', now())$$,
    :'owner_uid', :'connection'),
  '42501', null, 'owner cannot insert a reply');
select throws_ok(
  $$delete from public.clicksend_inbound_messages where clicksend_message_id = 'IN-4'$$,
  '42501', null, 'owner cannot delete a reply');
select is_empty(
  format($$update public.clicksend_inbound_messages set read_at = now() where user_oauth_connection_id = %L returning id$$,
    :'other_connection'),
  'owner cannot mark another user''s replies read');
select is(public.clicksend_mark_thread_read(:'other_connection', '+61400000001'), 0,
  'owner marks nothing in another user''s thread');
select is(public.clicksend_mark_thread_read(:'connection', '+61400000001'), 2,
  'owner marks their thread read: both of its unread replies');
select is(public.clicksend_mark_thread_read(:'connection', '+61400000001'), 0,
  'a thread already read has nothing left to mark');
select is(
  (select unread from public.clicksend_conversations where contact = '+61400000001'), 0,
  'the conversation shows the thread read');
select results_eq(
  $$select clicksend_message_id, read_at is not null from public.clicksend_inbound_messages
     where clicksend_message_id in ('IN-1', 'IN-2', 'IN-3', 'IN-6') order by 1$$,
  $$values ('IN-1'::text, true), ('IN-2', true), ('IN-3', false), ('IN-6', true)$$,
  'marking a thread read changes that thread''s replies only');
select results_eq(
  $$select body, user_id, from_number, message_row_id from public.clicksend_inbound_messages where clicksend_message_id in ('IN-2', 'IN-3')
     order by clicksend_message_id$$,
  format($$values ('YES'::text, %1$L::uuid, '+61400000002'::text, %2$L::uuid), ('Thanks', %1$L, '+61400000003', null)$$,
    :'owner_uid', :'fallback_row'),
  'the refused updates changed no reply');

-- Acting as other_user: none of the owner's replies, through the table, the view or the function
select tests.authenticate_as('other_user');
select results_eq(
  'select clicksend_message_id from public.clicksend_inbound_messages order by clicksend_message_id',
  $$values ('IN-B1'::text), ('IN-B2'), ('IN-B3')$$,
  'other_user sees their own replies only');
select is(
  (select count(*)::integer from public.clicksend_conversations where user_oauth_connection_id = :'connection'), 0,
  'other_user sees none of the owner''s conversations');
select results_eq(
  'select contact, agent_ids from public.clicksend_conversations order by contact',
  format($$values ('+61400000001'::text, '{}'::uuid[]), ('+61400000002', '{}'), ('+61400000009', array[%L::uuid])$$, :'other_agent'),
  'other_user''s conversations count only their own messages and agents');
select is(public.clicksend_mark_thread_read(:'connection', '+61400000004'), 0,
  'other_user cannot mark the owner''s thread read');
select is_empty(
  format($$update public.clicksend_inbound_messages set read_at = now() where user_oauth_connection_id = %L returning id$$,
    :'connection'),
  'other_user cannot mark the owner''s replies read directly');
select is_empty(
  $$select * from tests.relations_containing('Yes, Friday works')$$,
  'no relation other_user can read holds the owner''s reply text');
select is_empty(
  $$select * from tests.relations_containing('Can you come on Friday?')$$,
  'no relation other_user can read holds the text the owner sent');

-- Acting as anon
select tests.authenticate_as_anon();
select throws_ok('select * from public.clicksend_inbound_messages', '42501', null, 'anon cannot read replies');
select throws_ok('select * from public.clicksend_conversations', '42501', null, 'anon cannot read conversations');
select throws_ok(
  format($$select public.clicksend_mark_thread_read(%L, '+61400000004')$$, :'connection'),
  '42501', null, 'anon cannot mark a thread read');

-- Acting as service: the owner's reads changed nothing of other_user's
select tests.authenticate_as_service_role();
select is(
  (select count(*)::integer from public.clicksend_inbound_messages where user_id = :'other_uid' and read_at is null), 3,
  'other_user''s replies are all still unread');
select is(
  (select read_at from public.clicksend_inbound_messages where clicksend_message_id = 'IN-4'), null,
  'other_user''s attempt left the owner''s reply unread');

-- Agent webhooks: set, change, rotate
select is(
  public.agent_webhook_set(:'other_uid', :'agent', 'https://other.example.test/hook') ->> 'outcome',
  'agent_not_found', 'a webhook cannot be set on another user''s agent');
select is(
  public.agent_webhook_set(:'owner_uid', gen_random_uuid(), 'https://owner.example.test/hook') ->> 'outcome',
  'agent_not_found', 'nor on an unknown agent');
select is(
  public.agent_webhook_set(:'owner_uid', :'agent') ->> 'outcome',
  'webhook_not_found', 'without a URL an agent without a webhook gets none');
select is((select count(*)::integer from public.agent_webhooks), 0, 'the refused calls created no webhook');
select throws_ok(
  format($$select public.agent_webhook_set(%L, %L, 'javascript:alert(1)')$$, :'owner_uid', :'second_agent'),
  '23514', null, 'a webhook URL must be http(s)');

select public.agent_webhook_set(:'owner_uid', :'agent', 'https://owner.example.test/hook') as hook \gset
select is(:'hook'::jsonb ->> 'outcome', 'ok', 'the owner''s agent gets a webhook');
select ok((:'hook'::jsonb ->> 'secret') ~ '^whsec_[0-9a-f]{64}$', 'a new webhook gets a signing secret, returned once');
select is(:'hook'::jsonb #>> '{webhook,secret_hint}', right(:'hook'::jsonb ->> 'secret', 4),
  'the webhook keeps only the secret''s last characters as a hint');
select is(tests.t15_webhook_secret(:'agent'), :'hook'::jsonb ->> 'secret', 'the secret is kept in Vault');
select results_eq(
  format('select user_id, url, secret from public.agent_webhook_target(%L)', :'agent'),
  format($$values (%L::uuid, 'https://owner.example.test/hook'::text, %L::text)$$, :'owner_uid', :'hook'::jsonb ->> 'secret'),
  'agent_webhook_target gives the service role the owner, URL and secret');
select public.agent_webhook_set(:'other_uid', :'other_agent', 'https://other.example.test/hook') ->> 'secret' as other_secret \gset
select tests.t15_webhook_secret_id(:'agent') as first_secret_id \gset

select public.agent_webhook_set(:'owner_uid', :'agent', 'https://owner.example.test/moved') as moved \gset
select is(:'moved'::jsonb ->> 'secret', null, 'changing only the URL issues no secret');
select results_eq(
  format('select url, secret from public.agent_webhook_target(%L)', :'agent'),
  format($$values ('https://owner.example.test/moved'::text, %L::text)$$, :'hook'::jsonb ->> 'secret'),
  'the new URL is used with the same secret');

select public.agent_webhook_set(:'owner_uid', :'agent', null, true) as rotated \gset
select ok(
  (:'rotated'::jsonb ->> 'secret') ~ '^whsec_[0-9a-f]{64}$' and (:'rotated'::jsonb ->> 'secret') <> (:'hook'::jsonb ->> 'secret'),
  'rotating issues a new secret');
select results_eq(
  format('select url, secret from public.agent_webhook_target(%L)', :'agent'),
  format($$values ('https://owner.example.test/moved'::text, %L::text)$$, :'rotated'::jsonb ->> 'secret'),
  'events are signed with the new secret, to the same URL');
select ok(not tests.t15_in_vault(:'first_secret_id'), 'rotating deletes the old secret from Vault');
select is(
  (select count(*)::integer from vault.secrets where name like 'agent-webhook:' || :'agent' || ':%'), 1,
  'one Vault secret per webhook');

-- Acting as the test runner: deliveries (recorded by the service), and the role check of the target
select tests.clear_authentication();
insert into public.agent_webhook_deliveries (user_id, agent_id, event_id, event_type, attempt, url, status_code, succeeded)
values (:'owner_uid', :'agent', gen_random_uuid(), 'reply', 1, 'https://owner.example.test/moved', 200, true),
       (:'other_uid', :'other_agent', gen_random_uuid(), 'reply', 1, 'https://other.example.test/hook', 500, false);
select is_empty(
  format('select * from public.agent_webhook_target(%L)', :'agent'),
  'agent_webhook_target answers nothing to a role other than service_role');

-- Acting as owner: own webhooks and deliveries, read-only
select tests.authenticate_as('owner');
select results_eq(
  'select agent_id, url from public.agent_webhooks',
  format($$values (%L::uuid, 'https://owner.example.test/moved'::text)$$, :'agent'),
  'owner sees their own agent''s webhook only');
select results_eq(
  'select agent_id, status_code, succeeded from public.agent_webhook_deliveries',
  format($$values (%L::uuid, 200, true)$$, :'agent'),
  'owner sees their own deliveries only');
select throws_ok(
  format($$insert into public.agent_webhooks (agent_id, user_id, url, secret_hint)
           values (%L, %L, 'https://owner.example.test/other', 'abcd')$$, :'second_agent', :'owner_uid'),
  '42501', null, 'owner cannot create a webhook directly');
select throws_ok(
  $$update public.agent_webhooks set url = 'https://attacker.example.test/'$$,
  '42501', null, 'owner cannot change a webhook directly');
select throws_ok('delete from public.agent_webhooks', '42501', null, 'owner cannot delete a webhook directly');
select throws_ok(
  format($$insert into public.agent_webhook_deliveries (user_id, agent_id, event_id, event_type, attempt, url, succeeded)
           values (%L, %L, gen_random_uuid(), 'reply', 1, 'https://owner.example.test/moved', true)$$, :'owner_uid', :'agent'),
  '42501', null, 'owner cannot record a delivery');
select throws_ok('delete from public.agent_webhook_deliveries', '42501', null, 'owner cannot delete deliveries');
select throws_ok('select * from private.agent_webhook_secrets', '42501', null, 'owner cannot read the webhook secrets'' Vault ids');

-- Acting as other_user
select tests.authenticate_as('other_user');
select results_eq(
  'select agent_id from public.agent_webhooks', format('values (%L::uuid)', :'other_agent'),
  'other_user sees their own webhook and not the owner''s');
select results_eq(
  'select agent_id from public.agent_webhook_deliveries', format('values (%L::uuid)', :'other_agent'),
  'other_user sees their own deliveries and not the owner''s');
select is_empty(
  $$select * from tests.relations_containing('owner.example.test')$$,
  'no relation other_user can read holds the owner''s webhook URL');

-- Acting as anon
select tests.authenticate_as_anon();
select throws_ok('select * from public.agent_webhooks', '42501', null, 'anon cannot read webhooks');
select throws_ok('select * from public.agent_webhook_deliveries', '42501', null, 'anon cannot read deliveries');

-- Deleting: a webhook removed by the service, and an agent deleted by its owner
select tests.authenticate_as_service_role();
select tests.t15_webhook_secret_id(:'other_agent') as other_secret_id \gset
select tests.t15_webhook_secret_id(:'agent') as live_secret_id \gset
delete from public.agent_webhooks where agent_id = :'other_agent';
select ok(not tests.t15_in_vault(:'other_secret_id'), 'removing a webhook deletes its Vault secret');

select tests.authenticate_as('owner');
select lives_ok(format('delete from public.agents where id = %L', :'agent'), 'owner deletes their agent');
select tests.authenticate_as_service_role();
select is((select count(*)::integer from public.agent_webhooks where agent_id = :'agent'), 0,
  'deleting the agent deletes its webhook');
select is(tests.t15_webhook_secret_id(:'agent'), null, 'and the webhook''s secret row');
select ok(not tests.t15_in_vault(:'live_secret_id'), 'and the secret in Vault');
select is((select count(*)::integer from public.agent_webhook_deliveries where agent_id = :'agent'), 0,
  'and its deliveries');
select results_eq(
  $$select message_row_id, agent_id from public.clicksend_inbound_messages where clicksend_message_id = 'IN-1'$$,
  format($$values (%L::uuid, null::uuid)$$, :'sent_row'),
  'a reply to the deleted agent''s message stays, without the agent');

-- A disconnected connection's push token goes with it
select is(tests.t15_push_tokens(:'connection'), 1, 'the connection has its push token');
update public.user_oauth_connections set connection_status = 'inactive' where id = :'connection';
select is(tests.t15_push_tokens(:'connection'), 1, 'pausing a connection keeps its token');
update public.user_oauth_connections set connection_status = 'revoked' where id = :'connection';
select is(tests.t15_push_tokens(:'connection'), 0, 'disconnecting (revoked) deletes the push token');
select is(
  public.clicksend_inbound_push(:'token', '{"message_id": "IN-7", "from": "+61400000001", "body": "Late"}') ->> 'outcome',
  'invalid_token', 'a push with the disconnected connection''s token is refused');
update public.user_oauth_connections set connection_status = 'active' where id = :'connection';
select is(
  public.clicksend_inbound_push(:'token', '{"message_id": "IN-7", "from": "+61400000001", "body": "Late"}') ->> 'outcome',
  'invalid_token', 'the old token stays refused when the connection is active again');
select is((select count(*)::integer from public.clicksend_inbound_messages where clicksend_message_id = 'IN-7'), 0,
  'the refused pushes stored nothing');
select is(tests.t15_push_tokens(:'other_connection'), 1, 'other connections keep their tokens');

select * from finish();
rollback;
