-- Receipt timeline: every delivery receipt of a stored message is an event (clicksend_receipt_events)
-- its owner alone may read, written only by clicksend_apply_receipt through the receipt webhook's
-- clicksend_receipt_push; a repeated receipt is stored once; a late pending receipt is recorded
-- but leaves the final status alone; clicksend_message_receipts sums each message up.
begin;
select plan(40);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.get_supabase_uid('owner') as owner_uid \gset
select tests.get_supabase_uid('other_user') as other_uid \gset
select tests.create_agent('owner', 'Reminder bot') as agent \gset
select tests.create_clicksend_connection('owner', 'Owner ClickSend', 'inactive') as connection \gset
select tests.create_clicksend_connection('other_user', 'Other ClickSend', 'inactive') as other_connection \gset

-- Acting as service: keys (which activate the connections) and push tokens
select tests.authenticate_as_service_role();
select public.clicksend_store_api_key(:'connection', 'OWNER-KEY-1234-ABCD');
select public.clicksend_store_api_key(:'other_connection', 'OTHER-KEY-0000-ZZZZ');
select public.clicksend_issue_webhook_token(:'connection') as token \gset
select public.clicksend_issue_webhook_token(:'other_connection') as other_token \gset

-- Acting as the test runner: messages ClickSend accepted
select tests.clear_authentication();
insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, recipient, status, message_id, body)
values (:'owner_uid', :'connection', :'agent', '+61400000001', 'SUCCESS', 'RT-DELIVERED', 'Your appointment is at 10:30 tomorrow')
returning id as delivered_row \gset
insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, status, message_id, body)
values (:'owner_uid', :'connection', '+61400001012', 'SUCCESS', 'RT-FAILED', 'Nobody will read this')
returning id as failed_row \gset
insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, status, message_id, body)
values (:'owner_uid', :'connection', '+61400000003', 'SUCCESS', 'RT-OLD-PUSH', 'Sent before the upgrade')
returning id as old_push_row \gset
insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, status, message_id, body, status_updated_at)
values (:'owner_uid', :'connection', '+61400000004', 'SUCCESS', 'RT-JUST-SENT', 'Sent a moment ago', '2026-01-05 14:00:00.600+00')
returning id as just_sent_row \gset
insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, status, message_id, body)
values (:'other_uid', :'other_connection', '+61400000009', 'SUCCESS', 'RT-OTHER', 'The other user''s text')
returning id as other_row \gset

-- Who may do what
select table_privs_are('public', 'clicksend_receipt_events', 'authenticated', array['SELECT'],
  'authenticated may only SELECT receipt events (RLS decides which)');
select table_privs_are('public', 'clicksend_receipt_events', 'anon', array[]::text[],
  'anon has no privilege on receipt events');
select policies_are('public', 'clicksend_receipt_events', array['Users can view own receipt events'],
  'receipt events have only their SELECT policy');
select table_privs_are('public', 'clicksend_message_receipts', 'anon', array[]::text[],
  'anon has no privilege on the receipts view');
select ok(
  (select 'security_invoker=true' = any (c.reloptions) from pg_class c
    where c.oid = 'public.clicksend_message_receipts'::regclass),
  'clicksend_message_receipts is a security_invoker view');
select is(
  (select coalesce(array_agg(f order by f), '{}') from unnest(array[
     'public.clicksend_apply_receipt(uuid,text,text,text,timestamp with time zone,text,text,text)',
     'public.clicksend_receipt_push(text,text,text,text,timestamp with time zone,text,text,text)'
   ]) f where has_function_privilege('anon', f, 'execute') or has_function_privilege('authenticated', f, 'execute')),
  '{}'::text[],
  'anon and authenticated may execute neither receipt function with status text and error');

-- Acting as owner: applying a receipt directly is refused
select tests.authenticate_as('owner');
select throws_ok(
  format($$select public.clicksend_receipt_push(%L, 'RT-DELIVERED', 'Delivered', '201', now(), 'Success', '', '')$$, :'token'),
  '42501', null, 'a signed-in user cannot push a receipt, even with the connection''s token');

-- Acting as service: the webhook's pushes
select tests.authenticate_as_service_role();
select is(public.clicksend_receipt_push(:'token', 'RT-DELIVERED', 'Sent', '200', '2026-01-05 10:00:00+00',
  'Sent: Message sent to the network.', '', ''), 'applied', 'the 200 receipt is applied');
select is(public.clicksend_receipt_push(:'token', 'RT-DELIVERED', 'Sent', '201', '2026-01-05 10:00:04+00',
  'Success: Message received on handset.', '', ''), 'applied', 'the 201 receipt is applied');
select is(public.clicksend_receipt_push(:'token', 'RT-DELIVERED', 'Sent', '201', '2026-01-05 10:00:04+00',
  'Success: Message received on handset.', '', ''), 'applied',
  'ClickSend sending the 201 again is answered as before (applied: the message already says so)');
select is(public.clicksend_receipt_push(:'token', 'RT-DELIVERED', 'Sent', '200', '2026-01-05 10:00:09+00',
  'Sent: Message sent to the network.', '', ''), 'ignored',
  'a pending receipt arriving after the final one is ignored, though it is newer');
select is(public.clicksend_receipt_push(:'token', 'RT-FAILED', 'Sent', '200', '2026-01-05 11:00:00+00',
  'Sent: Message sent to the network.', null, null), 'applied', 'the failing message''s 200 is applied');
select is(public.clicksend_receipt_push(:'token', 'RT-FAILED', 'Failed', '301', '2026-01-05 11:00:03+00',
  'Failed: Absent subscriber.', '12', 'Absent subscriber: the handset was off or out of range.'), 'applied',
  'the 301 with error 12 is applied');
select is(public.clicksend_receipt_push(:'token', 'RT-OLD-PUSH', 'Sent', '201', '2026-01-05 12:00:00+00'),
  'applied', 'the five-argument push (a webhook deployed before the migration) still applies a receipt');
select is(public.clicksend_receipt_push(:'token', 'RT-JUST-SENT', 'Sent', '200', '2026-01-05 14:00:00+00',
  'Sent: Message sent to the network.', '', ''), 'applied',
  'the first receipt replaces the send''s own status though ClickSend dates it (in whole seconds) before it was stored');
select is(
  (select (status_code, status_updated_at) from public.clicksend_messages where id = :'just_sent_row'),
  row('200'::text, '2026-01-05 14:00:00+00'::timestamptz),
  'the message now says sent to network, as of the receipt');
select is(public.clicksend_receipt_push(:'token', 'RT-NOT-OURS', 'Sent', '201', now(), 'Success', '', ''),
  'ignored', 'a receipt for a message this app did not send is ignored');
select is(public.clicksend_receipt_push(:'other_token', 'RT-DELIVERED', 'Failed', '301', now(), 'Failed', '8', 'Unknown'),
  'ignored', 'another connection''s token cannot add a receipt to this connection''s message');
select is(public.clicksend_receipt_push(repeat('0', 48), 'RT-DELIVERED', 'Failed', '301', now(), 'Failed', '8', 'Unknown'),
  'invalid_token', 'an unknown token adds nothing');
select is(public.clicksend_receipt_push(:'other_token', 'RT-OTHER', 'Sent', '201', '2026-01-05 13:00:00+00',
  'Success: Message received on handset.', '', ''), 'applied', 'the other user''s message gets its receipt');

-- What was stored (the service role sees every row)
select is(
  (select array_agg(e.status_code || ':' || e.applied::text order by e.receipt_at, e.id)
     from public.clicksend_receipt_events e where e.message_row_id = :'delivered_row'),
  array['200:true', '201:true', '200:false'],
  'the delivered message has three events in time order: the repeated 201 added none, the late 200 is kept as not applied');
select is(
  (select (status, status_code) from public.clicksend_messages where id = :'delivered_row'),
  row('Sent'::text, '201'::text),
  'the message still says delivered (201) after the late pending receipt');
select is(
  (select (e.user_id, e.user_oauth_connection_id) from public.clicksend_receipt_events e
    where e.message_row_id = :'delivered_row' limit 1),
  row(:'owner_uid'::uuid, :'connection'::uuid),
  'an event belongs to its message''s user and connection');
select is(
  (select (e.status, e.status_text, e.error_code, e.error_text) from public.clicksend_receipt_events e
    where e.message_row_id = :'failed_row' and e.status_code = '301'),
  row('Failed'::text, 'Failed: Absent subscriber.'::text, '12'::text,
      'Absent subscriber: the handset was off or out of range.'::text),
  'the failure keeps its status word, status text, error code and error text');
select is(
  (select (e.status_text, e.error_code, e.error_text) from public.clicksend_receipt_events e
    where e.message_row_id = :'delivered_row' and e.status_code = '201'),
  row('Success: Message received on handset.'::text, null::text, null::text),
  'empty error fields are stored as none');
select is(
  (select count(*)::integer from public.clicksend_receipt_events e where e.message_row_id = :'old_push_row'),
  1, 'the five-argument push records its event too');

-- Acting as owner: their own events and messages, no one else's
select tests.authenticate_as('owner');
select is(
  (select count(*)::integer from public.clicksend_receipt_events),
  7, 'the owner reads their seven events (three, two, one and one)');
select is(
  (select count(*)::integer from public.clicksend_receipt_events where message_row_id = :'other_row'),
  0, 'the owner reads none of the other user''s events');
select is(
  (select (r.recipient, r.body_excerpt, r.agent_name, r.status_code, r.receipts)
     from public.clicksend_message_receipts r where r.id = :'delivered_row'),
  row('+61400000001'::text, 'Your appointment is at 10:30 tomorrow'::text, 'Reminder bot'::text, '201'::text, 3),
  'the receipts view gives one row per message: recipient, text, agent name, final code and receipt count');
select is(
  (select (r.status_code, r.error_code, r.error_text) from public.clicksend_message_receipts r where r.id = :'failed_row'),
  row('301'::text, '12'::text, 'Absent subscriber: the handset was off or out of range.'::text),
  'the receipts view gives the error of the receipt that set the status');
select is(
  (select count(*)::integer from public.clicksend_message_receipts where user_oauth_connection_id = :'other_connection'),
  0, 'the receipts view shows none of the other user''s messages');
select is(
  tests.sqlstate_of(format(
    $$insert into public.clicksend_receipt_events (message_row_id, user_id, user_oauth_connection_id, status_code, receipt_at, applied)
      values (%L, %L, %L, '201', now(), true)$$, :'failed_row', :'owner_uid', :'connection')),
  '42501', 'the owner cannot add an event to their own message');
select is(
  tests.sqlstate_of($$update public.clicksend_receipt_events set status_code = '201', applied = true where status_code = '301'$$),
  '42501', 'the owner cannot change an event');
select is(
  tests.sqlstate_of($$delete from public.clicksend_receipt_events$$),
  '42501', 'the owner cannot delete events');

-- Acting as other_user
select tests.authenticate_as('other_user');
select is(
  (select count(*)::integer from public.clicksend_receipt_events where user_id = :'owner_uid'),
  0, 'another user reads none of the owner''s events');
select is(
  (select array_agg(message_row_id) from public.clicksend_receipt_events),
  array[:'other_row'::uuid], 'another user reads exactly their own event');
select is(
  (select count(*)::integer from public.clicksend_message_receipts where user_id = :'owner_uid'),
  0, 'another user sees none of the owner''s messages through the receipts view');

-- Acting as anon
select tests.authenticate_as_anon();
select is(tests.sqlstate_of($$select count(*) from public.clicksend_receipt_events$$), '42501',
  'anon cannot read receipt events');
select is(tests.sqlstate_of($$select count(*) from public.clicksend_message_receipts$$), '42501',
  'anon cannot read the receipts view');

-- Acting as the test runner: events go with their message
select tests.clear_authentication();
delete from public.clicksend_messages where id = :'delivered_row';
select is(
  (select count(*)::integer from public.clicksend_receipt_events where message_row_id = :'delivered_row'),
  0, 'deleting a message deletes its events');

select * from finish();
rollback;
