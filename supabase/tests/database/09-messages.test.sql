-- clicksend_messages: users read their own, only the service role writes; idempotency and value rules.
begin;
select plan(24);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.get_supabase_uid('owner') as owner_uid \gset
select tests.get_supabase_uid('other_user') as other_uid \gset
select tests.create_agent('owner') as owner_agent \gset
select tests.create_agent('other_user') as other_agent \gset
select tests.create_clicksend_connection('owner', 'Owner main') as owner_connection \gset
select tests.create_clicksend_connection('owner', 'Owner spare') as owner_spare \gset
select tests.create_clicksend_connection('other_user') as other_connection \gset
insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, recipient, idempotency_key)
values (:'owner_uid', :'owner_connection', :'owner_agent', '+61411111111', 'owner-first')
returning id as owner_message \gset
insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, recipient, idempotency_key)
values (:'other_uid', :'other_connection', :'other_agent', '+61422222222', 'other-first')
returning id as other_message \gset

-- Acting as owner
select tests.authenticate_as('owner');

select results_eq(
  'select id from public.clicksend_messages',
  format($$values (%L::uuid)$$, :'owner_message'),
  'owner sees exactly their own messages'
);
select throws_ok(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient) values (%L, %L, '+61433333333')$$,
    :'owner_uid', :'owner_connection'
  ),
  '42501', null,
  'owner cannot record a message themself'
);
select throws_ok(
  format($$update public.clicksend_messages set status = 'Delivered' where id = %L$$, :'owner_message'),
  '42501', null,
  'owner cannot change their message''s status'
);
select throws_ok(
  format($$delete from public.clicksend_messages where id = %L$$, :'owner_message'),
  '42501', null,
  'owner cannot delete their message history'
);

-- Acting as other_user
select tests.authenticate_as('other_user');

select results_eq(
  'select recipient from public.clicksend_messages',
  $$values ('+61422222222'::text)$$,
  'other_user sees only their own message, none of owner''s'
);
select throws_ok(
  format($$update public.clicksend_messages set recipient = '+61400000000' where id = %L$$, :'owner_message'),
  '42501', null,
  'other_user cannot change owner''s message'
);

-- Acting as anon
select tests.authenticate_as_anon();

select throws_ok('select * from public.clicksend_messages', '42501', null, 'anon cannot read messages');
select throws_ok(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient) values (%L, %L, '+61433333333')$$,
    :'owner_uid', :'owner_connection'
  ),
  '42501', null,
  'anon cannot record messages'
);
select throws_ok($$update public.clicksend_messages set status = 'x'$$, '42501', null, 'anon cannot update messages');
select throws_ok('delete from public.clicksend_messages', '42501', null, 'anon cannot delete messages');

-- Acting as service
select tests.authenticate_as_service_role();

select is(
  (select count(*)::integer from public.clicksend_messages where id in (:'owner_message', :'other_message')),
  2,
  'the service role sees every user''s messages'
);
select results_eq(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, idempotency_key)
      values (%L, %L, '+61412345678', 'owner-second') returning status, channel$$,
    :'owner_uid', :'owner_connection'
  ),
  $$values ('pending'::text, 'sms'::text)$$,
  'the service role records an E.164 SMS, which starts pending'
);
select throws_ok(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, idempotency_key)
      values (%L, %L, '+61412345678', 'owner-first')$$,
    :'owner_uid', :'owner_connection'
  ),
  '23505', null,
  'an idempotency key is used at most once per connection'
);
select lives_ok(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, idempotency_key)
      values (%L, %L, '+61412345678', 'owner-first')$$,
    :'owner_uid', :'owner_spare'
  ),
  'the same idempotency key may be used on another connection'
);
select throws_ok(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient) values (%L, %L, '0412345678')$$,
    :'owner_uid', :'owner_connection'
  ),
  '23514', null,
  'a national number (0412345678) is rejected: recipients must be E.164'
);
select throws_ok(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient) values (%L, %L, '+0412345678')$$,
    :'owner_uid', :'owner_connection'
  ),
  '23514', null,
  'a recipient whose country code starts with 0 is rejected'
);
select throws_ok(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, currency) values (%L, %L, '+61412345678', 'aud')$$,
    :'owner_uid', :'owner_connection'
  ),
  '23514', null,
  'a lower-case currency is rejected'
);
select throws_ok(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, currency) values (%L, %L, '+61412345678', 'AUDX')$$,
    :'owner_uid', :'owner_connection'
  ),
  '23514', null,
  'a currency that is not three letters is rejected'
);
select results_eq(
  format(
    $$update public.clicksend_messages set price = 0.077, currency = 'AUD', status = 'Delivered', status_code = '201'
       where id = %L returning currency, status$$,
    :'owner_message'
  ),
  $$values ('AUD'::text, 'Delivered'::text)$$,
  'the service role records a message''s cost and delivery status'
);
select throws_ok(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient) values (%L, %L, '+61412345678')$$,
    :'other_uid', :'owner_connection'
  ),
  '23503', null,
  'a message cannot pair owner''s connection with other_user'
);
select throws_ok(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, recipient) values (%L, %L, %L, '+61412345678')$$,
    :'owner_uid', :'owner_connection', :'other_agent'
  ),
  '23503', null,
  'a message on owner''s connection cannot name other_user''s agent'
);
select throws_ok(
  format(
    $$insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, message_id)
      values (%L, %L, '+61412345678', 'msg-1'), (%L, %L, '+61412345678', 'msg-1')$$,
    :'owner_uid', :'owner_connection', :'owner_uid', :'owner_connection'
  ),
  '23505', null,
  'a ClickSend message id is recorded at most once per connection'
);
select isnt_empty(
  format($$delete from public.clicksend_messages where id = %L returning id$$, :'other_message'),
  'the service role can delete any message'
);

-- Acting as the test runner
select tests.clear_authentication();

delete from public.agents where id = :'owner_agent';
select results_eq(
  format($$select agent_id, user_id from public.clicksend_messages where id = %L$$, :'owner_message'),
  format($$values (null::uuid, %L::uuid)$$, :'owner_uid'),
  'deleting the agent keeps its messages, with agent_id cleared and the owner kept'
);

select * from finish();
rollback;
