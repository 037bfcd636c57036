-- Executor bookkeeping: per-connection call slots from the provider's limits, receipt-webhook
-- tokens, and receipts that never move a message backwards.
begin;
select plan(24);

select tests.create_supabase_user('owner');
select tests.create_clicksend_connection('owner', 'Limited') as connection \gset
select tests.create_clicksend_connection('owner', 'Other connection') as other_connection \gset
select tests.create_clicksend_connection('owner', 'Paused', 'inactive') as paused_connection \gset
insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, message_id, status)
values (tests.get_supabase_uid('owner'), :'connection', '+61411111112', 'MSG-RECEIPT-1', 'SUCCESS');

-- Acting as owner
select tests.authenticate_as('owner');
select throws_ok(format('select * from public.clicksend_acquire_call_slot(%L)', :'connection'), '42501', null,
  'a signed-in user cannot take call slots');
select throws_ok(format('select public.clicksend_issue_webhook_token(%L)', :'connection'), '42501', null,
  'a signed-in user cannot issue webhook tokens');
select throws_ok(format($$select public.clicksend_apply_receipt(%L, 'MSG-RECEIPT-1', 'Delivered', '201', now())$$, :'connection'),
  '42501', null, 'a signed-in user cannot record receipts');

-- Acting as anon
select tests.authenticate_as_anon();
select throws_ok(format('select public.clicksend_webhook_connection(%L)', repeat('a', 48)), '42501', null,
  'anon cannot resolve webhook tokens');

-- Acting as service: concurrent limit (from the provider metadata: 10)
select tests.authenticate_as_service_role();
create temporary table slots (call_id bigint, retry_after_seconds integer) on commit drop;
select format('insert into slots select * from public.clicksend_acquire_call_slot(%L)', :'connection')
  from generate_series(1, 10) \gexec
select is((select count(distinct call_id)::integer from slots), 10, 'ten concurrent calls get a slot each');
select results_eq(
  format('select call_id is null, retry_after_seconds from public.clicksend_acquire_call_slot(%L)', :'connection'),
  $$values (true, 1)$$,
  'the eleventh concurrent call is refused with a one-second retry hint'
);
select isnt(
  (select call_id from public.clicksend_acquire_call_slot(:'other_connection')),
  null,
  'limits are per connection: another connection still gets a slot'
);
select public.clicksend_release_call_slot(min(call_id)) from slots;
select isnt(
  (select call_id from public.clicksend_acquire_call_slot(:'connection')),
  null,
  'releasing a call frees its concurrent slot'
);
select throws_ok(format('select * from public.clicksend_acquire_call_slot(%L)', gen_random_uuid()), 'P0002', null,
  'an unknown connection gets no slot');

-- Acting as the test runner: the hourly limit and limits read from the provider metadata
select tests.clear_authentication();
update private.clicksend_executor_calls set finished_at = now() where connection_id = :'connection';
insert into private.clicksend_executor_calls (connection_id, started_at, finished_at)
select :'connection', now() - interval '30 minutes', now() - interval '30 minutes' from generate_series(1, 1000);
select tests.authenticate_as_service_role();
select results_eq(
  format('select call_id is null, retry_after_seconds between 1790 and 1805 from public.clicksend_acquire_call_slot(%L)', :'connection'),
  $$values (true, true)$$,
  'the 1001st call within the hour is refused until the oldest call is an hour old (about 30 minutes here)'
);
select tests.clear_authentication();
update public.service_providers
   set configuration_metadata = jsonb_set(configuration_metadata, '{limits,concurrent_requests}', '1')
 where name = 'clicksend_sms';
select tests.authenticate_as_service_role();
select isnt((select call_id from public.clicksend_acquire_call_slot(:'paused_connection')), null,
  'with concurrent_requests set to 1 in the metadata, the first call gets a slot');
select is((select call_id from public.clicksend_acquire_call_slot(:'paused_connection')), null,
  'and the second concurrent call is refused: the metadata is the source of the limits');

-- Webhook tokens
select public.clicksend_issue_webhook_token(:'connection') as token \gset
select ok(:'token' ~ '^[0-9a-f]{48}$', 'a webhook token is 48 hex characters');
select is(public.clicksend_webhook_connection(:'token'), :'connection'::uuid, 'the token resolves to its connection');
select is(public.clicksend_webhook_connection(repeat('0', 48)), null, 'an unknown token resolves to nothing');
select is(public.clicksend_webhook_connection('x'' or 1=1 --'), null, 'a malformed token resolves to nothing');
select tests.clear_authentication();
select is(
  (select count(*)::integer from private.clicksend_webhook_tokens where token_hash = :'token'),
  0, 'the token itself is not stored, only its hash'
);
select tests.authenticate_as_service_role();
select public.clicksend_issue_webhook_token(:'connection') as new_token \gset
select is(public.clicksend_webhook_connection(:'token'), null, 'issuing a new token invalidates the old one');
select public.clicksend_issue_webhook_token(:'paused_connection') as paused_token \gset
select is(public.clicksend_webhook_connection(:'paused_token'), null, 'an inactive connection''s token resolves to nothing');

-- Receipts
select ok(public.clicksend_apply_receipt(:'connection', 'MSG-RECEIPT-1', 'Sent', '200', now() - interval '2 minutes'),
  'a pending receipt updates the message');
select ok(public.clicksend_apply_receipt(:'connection', 'MSG-RECEIPT-1', 'Delivered', '201', now() - interval '1 minute'),
  'the delivered receipt updates it');
select ok(not public.clicksend_apply_receipt(:'connection', 'MSG-RECEIPT-1', 'Sent', '200', now()),
  'a pending receipt arriving after the final one changes nothing');
select results_eq(
  $$select status, status_code from public.clicksend_messages where message_id = 'MSG-RECEIPT-1'$$,
  $$values ('Delivered'::text, '201'::text)$$,
  'the message keeps its final status'
);
select ok(not public.clicksend_apply_receipt(:'other_connection', 'MSG-RECEIPT-1', 'Failed', '301', now()),
  'a receipt for the same message id on another connection changes nothing');

select * from finish();
rollback;
