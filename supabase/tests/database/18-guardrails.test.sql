-- Guardrails (issue 15, migration 20250911000010): the opt-out list and consent history of a
-- user's ClickSend account (clicksend_opt_outs, clicksend_consent_events, clicksend_opt_out_add /
-- _remove, STOP and START replies), per-agent policies (agent_policies) and approvals
-- (agent_approvals, agent_approval_decide), the decision rules where they live in SQL, and
-- clicksend_prepare_call enforcing them: per recipient (OPTED_OUT, RECIPIENT_NOT_ALLOWED,
-- COUNTRY_NOT_ALLOWED), then quiet hours, the daily and monthly limits, and approval.
begin;
select plan(214);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.get_supabase_uid('owner') as owner_uid \gset
select tests.get_supabase_uid('other_user') as other_uid \gset
select tests.create_agent('owner', 'Guarded') as agent \gset
select tests.create_agent('owner', 'Night owl') as night_agent \gset
select tests.create_agent('owner', 'Limited') as limited_agent \gset
select tests.create_agent('owner', 'Spender') as spender_agent \gset
select tests.create_agent('owner', 'Careful') as careful_agent \gset
select tests.create_agent('owner', 'Polite') as polite_agent \gset
select tests.create_agent('owner', 'Unruled') as plain_agent \gset
select tests.create_agent('other_user', 'Other agent') as other_agent \gset
-- Connections start inactive; storing a key makes them active.
select tests.create_clicksend_connection('owner', 'Main', 'inactive') as main \gset
select tests.create_clicksend_connection('owner', 'Second', 'inactive') as second \gset
select tests.create_clicksend_connection('owner', 'Shared', 'inactive') as shared \gset
select tests.create_clicksend_connection('other_user', 'Other main', 'inactive') as other_connection \gset
select tests.create_grant(a, :'main', '["sms", "mms"]')
  from unnest(array[:'agent', :'night_agent', :'limited_agent', :'spender_agent', :'careful_agent',
                    :'polite_agent', :'plain_agent']::uuid[]) a;
select tests.create_grant(:'other_agent', :'other_connection', '["sms"]');

-- A send prepared for an agent, as the executor asks for it (p_send), taking no call slot unless
-- p_requests says so. Runs with the caller's rights: call it as the service role.
create function tests.t18_send(p_agent uuid, p_key text, p_recipients jsonb, p_extra jsonb default '{}',
  p_requests integer default 0)
returns jsonb language sql as $$
  select public.clicksend_prepare_call(p_requests, null, p_agent, null, 'sms',
    jsonb_build_object('channel', 'sms', 'recipients', p_recipients, 'idempotency_key', p_key,
      'body', 'Hello from the test') || p_extra)
$$;
-- What a send stored: 'recipient status' per row, in recipient order.
create function tests.t18_rows(p_key text) returns text[]
language sql security definer set search_path = '' as $$
  select coalesce(array_agg(m.recipient || ' ' || m.status
                            order by split_part(m.idempotency_key, ':', -1)::integer), '{}')
    from public.clicksend_messages m where m.idempotency_key like p_key || ':%'
$$;
-- Call slots taken on a connection (the executor's private bookkeeping).
create function tests.t18_calls(p_connection uuid) returns integer
language sql security definer set search_path = '' as $$
  select count(*)::integer from private.clicksend_executor_calls c where c.connection_id = p_connection
$$;

select tests.authenticate_as_service_role();
select public.clicksend_store_api_key(:'main', 'MAIN-KEY-0000-0001');
select public.clicksend_store_api_key(:'second', 'SECOND-KEY-0000-0002');
select public.clicksend_store_api_key(:'shared', 'SHARED-KEY-0000-0003');
select public.clicksend_store_api_key(:'other_connection', 'OTHER-KEY-0000-0004');

-- =============================================================================================
-- Decision rules (private helpers; acting as the test runner, the only role that may call them)
-- =============================================================================================
select tests.clear_authentication();

select results_eq(
  $$select private.clicksend_consent_keyword(w) from (values
      ('STOP'), ('stop'), ('  Stop  '), (E'\tSTOPALL\r\n'), ('unsubscribe'), ('Cancel'), ('END'), ('quit'),
      ('START'), ('unstop'), (E' Yes\n')) v (w)$$,
  $$values ('opt_out'::text), ('opt_out'), ('opt_out'), ('opt_out'), ('opt_out'), ('opt_out'), ('opt_out'),
      ('opt_out'), ('opt_in'), ('opt_in'), ('opt_in')$$,
  'every STOP and START word counts, trimmed and in any case'
);
select results_eq(
  $$select private.clicksend_consent_keyword(w) from (values
      ('stop please'), ('STOP!'), ('Yes please'), ('S T O P'), ('STOPSTOP'), (''), (null)) v (w)$$,
  $$values (null::text), (null), (null), (null), (null), (null), (null)$$,
  'a reply that is more (or less) than one consent word changes nothing: "stop please" is a reply'
);
select results_eq(
  $$select private.clicksend_e164(n) from (values
      ('+61411111111'), ('61411111111'), ('+61 411 111 111'), ('+1 (405) 555-5555'),
      ('0411111111'), ('ALPHATAG'), ('+123'), (''), (null)) v (n)$$,
  $$values ('+61411111111'::text), ('+61411111111'), ('+61411111111'), ('+14055555555'),
      (null), (null), (null), (null), (null)$$,
  'a sender becomes E.164 (a missing +, spaces and brackets are fine) or null (local numbers, names, too short)'
);

-- Quiet hours: 09:00-17:00 the same day, and 21:00-07:00 across midnight in Sydney (UTC+10 in July).
select is(
  private.agent_quiet_hours_open_at('09:00', '17:00', 'UTC', '2030-07-01T10:00:00Z'),
  '2030-07-01T17:00:00Z'::timestamptz, 'inside a same-day window, sending opens at its end that day');
select is(
  private.agent_quiet_hours_open_at('09:00', '17:00', 'UTC', '2030-07-01T09:00:00Z'),
  '2030-07-01T17:00:00Z'::timestamptz, 'the window starts exactly at its start');
select is(
  private.agent_quiet_hours_open_at('09:00', '17:00', 'UTC', '2030-07-01T17:00:00Z'),
  null, 'and is open again exactly at its end');
select is(
  private.agent_quiet_hours_open_at('09:00', '17:00', 'UTC', '2030-07-01T08:59:59Z'),
  null, 'before a same-day window, sending is allowed');
select is(
  private.agent_quiet_hours_open_at('21:00', '07:00', 'Australia/Sydney', '2030-07-01T12:00:00Z'),
  '2030-07-01T21:00:00Z'::timestamptz,
  'at 22:00 in Sydney, a window spanning midnight opens at 07:00 Sydney time the next morning');
select is(
  private.agent_quiet_hours_open_at('21:00', '07:00', 'Australia/Sydney', '2030-07-01T16:00:00Z'),
  '2030-07-01T21:00:00Z'::timestamptz,
  'at 02:00 in Sydney (after midnight), it opens at 07:00 that same morning');
select is(
  private.agent_quiet_hours_open_at('21:00', '07:00', 'Australia/Sydney', '2030-07-01T02:00:00Z'),
  null, 'at 12:00 in Sydney, outside the window, sending is allowed');
select is(
  private.agent_quiet_hours_open_at('21:00', '07:00', 'UTC', '2030-07-01T12:00:00Z'),
  null, 'the time zone is honoured: 12:00 UTC is outside the same window read in UTC');
select is(
  private.agent_quiet_hours_open_at('21:00', '07:00', null, '2030-07-01T22:00:00Z'),
  '2030-07-02T07:00:00Z'::timestamptz, 'without a time zone the window is read in UTC');
select is(
  private.agent_quiet_hours_open_at(null, null, 'Australia/Sydney', '2030-07-01T12:00:00Z'),
  null, 'without quiet hours there is no window');

-- Recipient refusals: one number on owner's Main list (and, for contrast, other_user's list).
insert into public.clicksend_opt_outs (user_id, account_username, phone, source)
values (:'owner_uid', 'owner_cs_main', '+61400000091', 'manual'),
       (:'other_uid', 'owner_cs_main', '+61400000092', 'manual');
select results_eq(
  format($$select private.clicksend_recipient_refusal(%L, a, r, c, n, k) from (values
      ('owner_cs_main', null::text[], null::text[], '+61400000091', null::text),
      ('owner_cs_main', array['+61400000091'], array['AU'], '+61400000091', 'AU'),
      ('owner_cs_second', null, null, '+61400000091', null),
      ('owner_cs_main', null, null, '+61400000092', null),
      ('owner_cs_main', array['+61400000002'], null, '+61400000002', 'AU'),
      ('owner_cs_main', array['+61400000002'], null, '+61400000003', 'AU'),
      ('owner_cs_main', array['+614000001*'], null, '+61400000123', 'AU'),
      ('owner_cs_main', array['+614000001*'], null, '+61400000223', 'AU'),
      ('owner_cs_main', array['+614000001*'], null, '+614000001', 'AU'),
      ('owner_cs_main', null, array['AU', 'NZ'], '+64210000000', 'NZ'),
      ('owner_cs_main', null, array['AU'], '+64210000000', 'NZ'),
      ('owner_cs_main', null, array['AU'], '+61400000002', null),
      ('owner_cs_main', array['+6421*'], array['AU'], '+61400000002', 'NZ'),
      ('owner_cs_main', array[]::text[], null, '+61400000002', 'AU')) v (a, r, c, n, k)$$, :'owner_uid'),
  $$values ('OPTED_OUT'::text), ('OPTED_OUT'), (null), (null), (null), ('RECIPIENT_NOT_ALLOWED'), (null),
      ('RECIPIENT_NOT_ALLOWED'), (null), (null), ('COUNTRY_NOT_ALLOWED'), ('COUNTRY_NOT_ALLOWED'),
      ('RECIPIENT_NOT_ALLOWED'), ('RECIPIENT_NOT_ALLOWED')$$,
  'refusals: opt-out first (even for an allowed number), per account and user; exact numbers; prefix*; countries (unknown = refused); rules before countries; an empty list allows nobody'
);
delete from public.clicksend_opt_outs where phone in ('+61400000091', '+61400000092');

-- =============================================================================================
-- agent_policies under RLS
-- =============================================================================================
select tests.authenticate_as('owner');
select lives_ok(
  format($$insert into public.agent_policies (agent_id, daily_message_limit, allowed_countries)
           values (%L, 100, array['AU'])$$, :'agent'),
  'owner creates a policy for their own agent (user_id defaults to the caller)');
select results_eq(
  'select agent_id, user_id, daily_message_limit, approval_mode from public.agent_policies',
  format($$values (%L::uuid, %L::uuid, 100, 'never'::text)$$, :'agent', :'owner_uid'),
  'owner sees the policy, owned by them, with approval_mode never by default');
select results_eq(
  format($$update public.agent_policies set daily_message_limit = 50 where agent_id = %L returning daily_message_limit$$, :'agent'),
  $$values (50)$$, 'owner updates their policy');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, daily_message_limit) values (%L, 5)$$, :'other_agent'),
  '23503', null, 'owner cannot create a policy for another user''s agent (the (agent_id, user_id) foreign key)');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, user_id, daily_message_limit) values (%L, %L, 5)$$,
    :'other_agent', :'other_uid'),
  '42501', null, 'nor by naming that user as the owner (RLS)');
select throws_ok(
  format($$update public.agent_policies set user_id = %L where agent_id = %L$$, :'other_uid', :'agent'),
  '42501', null, 'owner cannot give their policy to another user');
select throws_ok(
  format($$update public.agent_policies set user_id = %L, agent_id = %L where agent_id = %L$$,
    :'other_uid', :'other_agent', :'agent'),
  '42501', null, 'nor move it onto another user''s agent');
select throws_ok(
  format($$update public.agent_policies set agent_id = %L where agent_id = %L$$, :'other_agent', :'agent'),
  '23503', null, 'nor point it at another user''s agent');
select lives_ok(
  format($$insert into public.agent_policies (agent_id, approval_mode) values (%L, 'always')$$, :'plain_agent'),
  'owner creates a second policy, for another of their agents');
select results_eq(
  format($$delete from public.agent_policies where agent_id = %L returning agent_id$$, :'plain_agent'),
  format($$values (%L::uuid)$$, :'plain_agent'), 'owner deletes their own policy');

-- Validation: clear errors that name the field, and nothing stored.
select throws_ok(
  format($$insert into public.agent_policies (agent_id, allowed_recipients) values (%L, array['+61400000002', '0411111111'])$$, :'plain_agent'),
  '22023', 'allowed_recipients: 0411111111 is neither an E.164 number (+61411111111) nor a prefix ending in * (+6141*)',
  'a recipient rule that is neither E.164 nor a prefix* is refused, naming the field and the value');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, allowed_recipients) values (%L, array['+61*4'])$$, :'plain_agent'),
  '22023', 'allowed_recipients: +61*4 is neither an E.164 number (+61411111111) nor a prefix ending in * (+6141*)',
  'a * anywhere but at the end is refused');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, allowed_recipients) values (%L, array[null]::text[])$$, :'plain_agent'),
  '22023', 'allowed_recipients: null is neither an E.164 number (+61411111111) nor a prefix ending in * (+6141*)',
  'a null recipient rule is refused');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, allowed_countries) values (%L, array['AU', 'au'])$$, :'plain_agent'),
  '22023', 'allowed_countries: au is not a two-letter ISO country code such as AU',
  'a country that is not two capital letters is refused, naming the field');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, quiet_hours_start, quiet_hours_end, quiet_hours_timezone)
           values (%L, '21:00', '07:00', 'Mars/Olympus_Mons')$$, :'plain_agent'),
  '22023', 'quiet_hours_timezone: Mars/Olympus_Mons is not a known time zone (use an IANA name such as Australia/Sydney)',
  'an unknown time zone is refused, naming the field');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, quiet_hours_start, quiet_hours_end, quiet_hours_timezone)
           values (%L, '21:00', '07:00', 'ABC+5')$$, :'plain_agent'),
  '22023', 'quiet_hours_timezone: ABC+5 is not a known time zone (use an IANA name such as Australia/Sydney)',
  'a POSIX zone rule Postgres would also read is refused: only IANA names');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, quiet_hours_start) values (%L, '21:00')$$, :'plain_agent'),
  '23514', null, 'quiet hours need an end as well as a start');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, quiet_hours_end) values (%L, '07:00')$$, :'plain_agent'),
  '23514', null, 'and a start as well as an end');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, quiet_hours_start, quiet_hours_end) values (%L, '07:00', '07:00')$$, :'plain_agent'),
  '23514', null, 'quiet hours cannot start when they end');
select is(
  (select array_agg(tests.sqlstate_of(format('insert into public.agent_policies (agent_id, %s) values (%L, %s)', col, :'plain_agent', val))
                    order by col, val)
     from (values ('daily_message_limit', '0'), ('daily_message_limit', '1000001'), ('daily_message_limit', '-5'),
                  ('monthly_spend_limit', '0'), ('monthly_spend_limit', '-1'),
                  ('approval_mode', $$'sometimes'$$), ('approval_mode', 'null')) v (col, val)),
  array['23514', '23502', '23514', '23514', '23514', '23514', '23514'],
  'limits out of range (daily 1..1000000, monthly above 0) and unknown approval modes are refused');
select lives_ok(
  format($$insert into public.agent_policies (agent_id, daily_message_limit, monthly_spend_limit, allowed_recipients,
             allowed_countries, quiet_hours_start, quiet_hours_end, quiet_hours_timezone, approval_mode)
           values (%L, 1000000, 0.01, array['+61400000002', '+614000001*'], array['AU', 'NZ'], '21:00', '07:00',
             'Australia/Sydney', 'first_contact')$$, :'plain_agent'),
  'a policy with every rule set at the edges of its ranges is accepted');
select throws_ok(
  format($$update public.agent_policies set quiet_hours_timezone = 'Nowhere/Town' where agent_id = %L$$, :'plain_agent'),
  '22023', 'quiet_hours_timezone: Nowhere/Town is not a known time zone (use an IANA name such as Australia/Sydney)',
  'an update is validated too');
select results_eq(
  format('select quiet_hours_timezone, daily_message_limit from public.agent_policies where agent_id = %L', :'plain_agent'),
  $$values ('Australia/Sydney'::text, 1000000)$$,
  'the refused update changed nothing');
select is(
  (select count(*)::integer from public.agent_policies), 2,
  'the refused inserts stored nothing (owner has two policies)');
delete from public.agent_policies where agent_id = :'plain_agent';

-- Acting as other_user
select tests.authenticate_as('other_user');
select is_empty('select * from public.agent_policies', 'other_user sees none of the owner''s policies');
select is_empty(
  format($$update public.agent_policies set daily_message_limit = 1000000 where agent_id = %L returning 1$$, :'agent'),
  'other_user cannot change the owner''s policy');
select is_empty(
  format($$delete from public.agent_policies where agent_id = %L returning 1$$, :'agent'),
  'nor delete it');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, approval_mode) values (%L, 'never')$$, :'plain_agent'),
  '23503', null, 'other_user cannot create a policy for the owner''s agent');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, user_id) values (%L, %L)$$, :'plain_agent', :'owner_uid'),
  '42501', null, 'not even by naming the owner');
select lives_ok(
  format($$insert into public.agent_policies (agent_id, daily_message_limit) values (%L, 7)$$, :'other_agent'),
  'other_user creates a policy for their own agent');

-- Acting as anon
select tests.authenticate_as_anon();
select throws_ok('select * from public.agent_policies', '42501', null, 'anon cannot read policies');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, user_id) values (%L, %L)$$, :'plain_agent', :'owner_uid'),
  '42501', null, 'anon cannot create a policy');
select throws_ok('delete from public.agent_policies', '42501', null, 'anon cannot delete policies');

-- Acting as service
select tests.authenticate_as_service_role();
select results_eq(
  'select agent_id, user_id, daily_message_limit from public.agent_policies order by daily_message_limit',
  format($$values (%L::uuid, %L::uuid, 7), (%L, %L, 50)$$, :'other_agent', :'other_uid', :'agent', :'owner_uid'),
  'the service role sees every user''s policy, and the attempts above changed none');
select results_eq(
  format($$update public.agent_policies set allowed_countries = array['AU', 'NZ'] where agent_id = %L returning allowed_countries$$, :'agent'),
  $$values (array['AU', 'NZ'])$$, 'the service role may change a policy (the platform API)');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, user_id) values (%L, %L)$$, :'plain_agent', :'other_uid'),
  '23503', null, 'even the service role cannot attach a policy to an agent under another owner');
select throws_ok(
  format($$insert into public.agent_policies (agent_id, user_id, allowed_countries) values (%L, %L, array['Australia'])$$,
    :'plain_agent', :'owner_uid'),
  '22023', 'allowed_countries: Australia is not a two-letter ISO country code such as AU',
  'and its writes are validated the same way');

-- =============================================================================================
-- Opt-outs by hand: clicksend_opt_out_add / _remove, and the tables under RLS
-- =============================================================================================
-- Scheduled messages held at ClickSend (their ids are what an opt-out cancels) and others.
select tests.clear_authentication();
insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, recipient, status, message_id, scheduled_for)
values (:'owner_uid', :'main', :'agent', '+61400000001', 'Scheduled', 'SCHED-1A', now() + interval '1 day'),
       (:'owner_uid', :'main', null, '+61400000001', 'Scheduled', 'SCHED-1B', null),
       (:'owner_uid', :'main', :'agent', '+61400000001', 'SUCCESS', 'SENT-1C', null),
       (:'owner_uid', :'main', :'agent', '+61400000001', 'Scheduled', 'SCHED-1D', now() - interval '1 minute'),
       (:'owner_uid', :'second', null, '+61400000001', 'Scheduled', 'SCHED-1E', now() + interval '1 day'),
       (:'owner_uid', :'main', null, '+61400000009', 'Scheduled', 'SCHED-9', now() + interval '1 day'),
       (:'other_uid', :'other_connection', null, '+61400000001', 'Scheduled', 'SCHED-1F', now() + interval '1 day');

select tests.authenticate_as('owner');
select public.clicksend_opt_out_add(:'main', '+61400000001') as added \gset
select is(
  :'added'::jsonb - 'cancel',
  '{"added": true, "account_username": "owner_cs_main", "phone": "+61400000001"}'::jsonb,
  'owner adds a number to their Main account''s list');
select is(
  (select array_agg(c order by c) from jsonb_array_elements_text(:'added'::jsonb -> 'cancel') c),
  array['SCHED-1A', 'SCHED-1B'],
  'the answer names the number''s messages still scheduled on that account (not sent, past, other-account or other-user ones)');
select results_eq(
  'select user_id, account_username, phone, source from public.clicksend_opt_outs',
  format($$values (%L::uuid, 'owner_cs_main'::text, '+61400000001'::text, 'manual'::text)$$, :'owner_uid'),
  'the list holds the number for the caller and the account, added by hand');
select results_eq(
  'select account_username, phone, action, source, keyword, inbound_message_id from public.clicksend_consent_events',
  $$values ('owner_cs_main'::text, '+61400000001'::text, 'opt_out'::text, 'manual'::text, null::text, null::uuid)$$,
  'and the consent history records the opt-out');
select is(
  public.clicksend_opt_out_add(:'main', '+61400000001'),
  '{"added": false, "account_username": "owner_cs_main", "phone": "+61400000001", "cancel": []}'::jsonb,
  'adding a number already on the list says so');
select is((select count(*)::integer from public.clicksend_consent_events), 1, 'and records no second event');
select throws_ok(
  format($$select public.clicksend_opt_out_add(%L, '0411111111')$$, :'main'),
  '22023', 'phone must be an E.164 number such as +61411111111', 'a number that is not E.164 is refused');
select throws_ok(
  format($$select public.clicksend_opt_out_add(%L, null)$$, :'main'),
  '22023', 'phone must be an E.164 number such as +61411111111', 'so is no number');
select throws_ok(
  format($$select public.clicksend_opt_out_add(%L, '+61400000002')$$, :'other_connection'),
  '22023', 'no ClickSend connection with that id in your account', 'owner cannot add to another user''s account''s list');
select throws_ok(
  format($$select public.clicksend_opt_out_add(%L, '+61400000002')$$, gen_random_uuid()),
  '22023', 'no ClickSend connection with that id in your account', 'nor to an unknown connection');
select results_eq(
  $$select (select count(*)::integer from public.clicksend_opt_outs), (select count(*)::integer from public.clicksend_consent_events)$$,
  $$values (1, 1)$$, 'the refused additions changed neither the list nor the history');
select is(public.clicksend_opt_out_remove('Owner_CS_Main', '+61400000001'), true,
  'owner removes the number, the account named in any case');
select is(public.clicksend_opt_out_remove('owner_cs_main', '+61400000001'), false, 'removing it again finds nothing');
select is_empty('select * from public.clicksend_opt_outs', 'the list is empty');
select results_eq(
  'select action, source from public.clicksend_consent_events order by id',
  $$values ('opt_out'::text, 'manual'::text), ('opt_in', 'manual')$$,
  'the history keeps the opt-out and adds the opt-in (never overwritten)');
select is(
  public.clicksend_opt_out_add(:'main', '+61400000001') ->> 'added', 'true', 'owner adds the number again');

-- Writing the tables directly is refused: changes go through the functions (with history).
select throws_ok(
  format($$insert into public.clicksend_opt_outs (user_id, account_username, phone, source)
           values (%L, 'owner_cs_main', '+61400000002', 'manual')$$, :'owner_uid'),
  '42501', null, 'owner cannot insert into the opt-out list directly');
select throws_ok(
  $$update public.clicksend_opt_outs set phone = '+61400000002'$$, '42501', null, 'nor update it');
select throws_ok('delete from public.clicksend_opt_outs', '42501', null, 'nor delete from it');
select throws_ok(
  format($$insert into public.clicksend_consent_events (user_id, account_username, phone, action, source)
           values (%L, 'owner_cs_main', '+61400000001', 'opt_in', 'manual')$$, :'owner_uid'),
  '42501', null, 'owner cannot write consent history');
select throws_ok('update public.clicksend_consent_events set action = ''opt_in''', '42501', null, 'nor rewrite it');
select throws_ok('delete from public.clicksend_consent_events', '42501', null, 'nor delete it');

-- Acting as other_user
select tests.authenticate_as('other_user');
select is_empty('select * from public.clicksend_opt_outs', 'other_user sees none of the owner''s opt-outs');
select is_empty('select * from public.clicksend_consent_events', 'nor the owner''s consent history');
select is(public.clicksend_opt_out_remove('owner_cs_main', '+61400000001'), false,
  'other_user cannot remove a number from the owner''s list (same account name, other user)');
select throws_ok(
  format($$select public.clicksend_opt_out_add(%L, '+61400000003')$$, :'main'),
  '22023', 'no ClickSend connection with that id in your account', 'nor add to it');
select throws_ok('delete from public.clicksend_opt_outs', '42501', null, 'nor delete from it directly');
select lives_ok(
  format($$select public.clicksend_opt_out_add(%L, '+61400000002')$$, :'other_connection'),
  'other_user adds a number to their own list');

-- Acting as anon
select tests.authenticate_as_anon();
select throws_ok('select * from public.clicksend_opt_outs', '42501', null, 'anon cannot read opt-outs');
select throws_ok('select * from public.clicksend_consent_events', '42501', null, 'anon cannot read consent history');
select throws_ok(
  format($$select public.clicksend_opt_out_add(%L, '+61400000003')$$, :'main'),
  '42501', null, 'anon cannot add opt-outs');
select throws_ok(
  $$select public.clicksend_opt_out_remove('owner_cs_main', '+61400000001')$$,
  '42501', null, 'anon cannot remove opt-outs');

-- Acting as service
select tests.authenticate_as_service_role();
select results_eq(
  'select user_id, account_username, phone from public.clicksend_opt_outs order by phone',
  format($$values (%L::uuid, 'owner_cs_main'::text, '+61400000001'::text), (%L, 'other_user_cs_other_main', '+61400000002')$$,
    :'owner_uid', :'other_uid'),
  'the service role sees every list; the owner''s number is still there after other_user''s attempts');
select throws_ok(
  format($$select public.clicksend_opt_out_add(%L, '+61400000003')$$, :'main'),
  '42501', 'sign in to change opt-outs', 'the hand-edit functions act for a signed-in user only (no auth.uid, no change)');

-- The list belongs to the user and the account: it outlives disconnect and removal of the
-- connection and applies to a new connection of the same account (username in another case).
select tests.authenticate_as('owner');
select is(public.clicksend_opt_out_add(:'shared', '+61400000007') ->> 'added', 'true', 'owner opts a number out on Shared');
select tests.clear_authentication();
update public.user_oauth_connections set connection_status = 'revoked' where id = :'shared';
select is((select count(*)::integer from public.clicksend_opt_outs where phone = '+61400000007'), 1,
  'disconnecting Shared keeps its account''s list');
delete from public.user_oauth_connections where id = :'shared';
select is((select count(*)::integer from public.clicksend_opt_outs where phone = '+61400000007'), 1,
  'removing the connection keeps it too');
insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name, external_username, connection_status)
values (:'owner_uid', tests.clicksend_provider_id(), 'Shared again', 'Owner_CS_Shared', 'inactive')
returning id as reshared \gset
select tests.authenticate_as_service_role();
select public.clicksend_store_api_key(:'reshared', 'SHARED-KEY-0000-0005');
select public.clicksend_prepare_call(0, :'owner_uid', null, :'reshared', null,
  '{"channel": "sms", "recipients": ["+61400000007", "+61400000002"], "idempotency_key": "reshared-1"}') as reshared_send \gset
select is(:'reshared_send'::jsonb ->> 'outcome', 'ready', 'a send on the reconnected account (Owner_CS_Shared) is prepared');
select is(tests.t18_rows('reshared-1'), array['+61400000007 OPTED_OUT', '+61400000002 pending'],
  'and the number opted out on the old connection is refused on the new one (OPTED_OUT), the other reserved');
select tests.authenticate_as('owner');
select is(public.clicksend_opt_out_add(:'reshared', '+61400000007'),
  '{"added": false, "account_username": "owner_cs_shared", "phone": "+61400000007", "cancel": []}'::jsonb,
  'the new connection shares the account''s list (the number is already on it)');

-- =============================================================================================
-- STOP and START replies
-- =============================================================================================
select tests.authenticate_as_service_role();
select public.clicksend_issue_webhook_token(:'main') as token \gset
select tests.clear_authentication();
insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, recipient, status, message_id, scheduled_for)
values (:'owner_uid', :'main', :'agent', '+61400000005', 'Scheduled', 'SCHED-5A', now() + interval '2 days'),
       (:'owner_uid', :'main', null, '+61400000005', 'Scheduled', 'SCHED-5B', null),
       (:'owner_uid', :'main', :'agent', '+61400000005', 'SUCCESS', 'SENT-5C', null),
       (:'owner_uid', :'second', null, '+61400000005', 'Scheduled', 'SCHED-5E', now() + interval '1 day');
select tests.authenticate_as_service_role();

select public.clicksend_inbound_push(:'token',
  '{"message_id": "IN-STOP-1", "from": "61400000005", "body": "  stop \n", "received_at": "2025-09-12T10:00:00Z"}') as stop_push \gset
select is(:'stop_push'::jsonb ->> 'outcome', 'stored', 'a STOP reply is stored like any reply');
select is((:'stop_push'::jsonb ->> 'user_id')::uuid, :'owner_uid'::uuid, 'the answer names the connection''s owner');
select is(
  (select array_agg(c order by c) from jsonb_array_elements_text(:'stop_push'::jsonb -> 'cancel') c),
  array['SCHED-5A', 'SCHED-5B'],
  'the answer names the sender''s messages still scheduled on this account, to cancel');
select results_eq(
  $$select user_id, account_username, phone, source from public.clicksend_opt_outs where phone = '+61400000005'$$,
  format($$values (%L::uuid, 'owner_cs_main'::text, '+61400000005'::text, 'reply'::text)$$, :'owner_uid'),
  'the sender (written without +) is on the account''s list, by reply');
select results_eq(
  $$select i.consent, e.action, e.source, e.keyword, e.phone from public.clicksend_inbound_messages i
      join public.clicksend_consent_events e on e.inbound_message_id = i.id where i.clicksend_message_id = 'IN-STOP-1'$$,
  $$values ('opt_out'::text, 'opt_out'::text, 'reply'::text, 'STOP'::text, '+61400000005'::text)$$,
  'the reply is marked as an opt-out and the history names the reply and its word');
select is(
  public.clicksend_inbound_push(:'token',
    '{"message_id": "IN-STOP-1", "from": "61400000005", "body": "STOP"}') ->> 'outcome',
  'duplicate', 'the same STOP pushed again is a duplicate');
select results_eq(
  $$select (select count(*)::integer from public.clicksend_consent_events where phone = '+61400000005'),
           (select count(*)::integer from public.clicksend_opt_outs where phone = '+61400000005')$$,
  $$values (1, 1)$$, 'and changes nothing');
select public.clicksend_inbound_push(:'token',
  '{"message_id": "IN-NOT-STOP", "from": "+61400000006", "body": "Stop please, wrong number", "received_at": "2025-09-12T10:01:00Z"}') as reply_push \gset
select is(:'reply_push'::jsonb -> 'cancel', '[]'::jsonb, 'a normal reply cancels nothing');
select results_eq(
  $$select (select consent from public.clicksend_inbound_messages where clicksend_message_id = 'IN-NOT-STOP'),
           (select count(*)::integer from public.clicksend_opt_outs where phone = '+61400000006'),
           (select count(*)::integer from public.clicksend_consent_events where phone = '+61400000006')$$,
  $$values (null::text, 0, 0)$$, 'is not marked and changes neither the list nor the history');
select public.clicksend_inbound_push(:'token',
  '{"message_id": "IN-NAME", "from": "ALPHATAG", "body": "STOP", "received_at": "2025-09-12T10:02:00Z"}');
select is(
  (select consent from public.clicksend_inbound_messages where clicksend_message_id = 'IN-NAME'), null,
  'a STOP from a sender that is not a number (an alphanumeric sender id) is stored as a plain reply');
select public.clicksend_inbound_push(:'token',
  '{"message_id": "IN-START-1", "from": "+61400000005", "body": "Start", "received_at": "2025-09-12T11:00:00Z"}') as start_push \gset
select is(:'start_push'::jsonb -> 'cancel', '[]'::jsonb, 'a START reply cancels nothing');
select is((select count(*)::integer from public.clicksend_opt_outs where phone = '+61400000005'), 0,
  'START takes the sender off the list');
select results_eq(
  $$select action, source, keyword from public.clicksend_consent_events where phone = '+61400000005' order by id$$,
  $$values ('opt_out'::text, 'reply'::text, 'STOP'::text), ('opt_in', 'reply', 'START')$$,
  'and the history holds both replies');
select is((select consent from public.clicksend_inbound_messages where clicksend_message_id = 'IN-START-1'), 'opt_in',
  'the START reply is marked as an opt-in');
select public.clicksend_store_polled_replies(:'main',
  '[{"message_id": "IN-POLL-1", "from": "+61400000008", "body": "UNSUBSCRIBE", "received_at": "2025-09-12T12:00:00Z"}]');
select is((select source from public.clicksend_opt_outs where phone = '+61400000008'), 'reply',
  'a polled UNSUBSCRIBE reply opts its sender out as well');

-- =============================================================================================
-- clicksend_prepare_call: per-recipient refusals
-- =============================================================================================
-- Main's list now holds +61400000001 (by hand) and +61400000008 (by reply). The agent 'Unruled'
-- has no policy; 'Guarded' has (from above) a daily limit of 50 and countries AU and NZ.
select tests.t18_calls(:'main') as calls_before \gset
select tests.t18_send(:'plain_agent', 'mix-1', '["+61400000001", "+61400000002", "+61400000008"]', '{}', 1) as mix \gset
select is(:'mix'::jsonb ->> 'outcome', 'ready', 'a send with opted-out recipients goes ahead for the others');
select is(tests.t18_rows('mix-1'), array['+61400000001 OPTED_OUT', '+61400000002 pending', '+61400000008 OPTED_OUT'],
  'opted-out recipients are stored as OPTED_OUT, in order, and the rest reserved pending');
select is(
  (select array_agg(r ->> 'recipient') from jsonb_array_elements(:'mix'::jsonb -> 'rows') r where r ->> 'status' = 'pending'),
  array['+61400000002'], 'only the allowed recipient comes back as pending (to send)');
select results_eq(
  $$select price, status_updated_at is not null from public.clicksend_messages where idempotency_key = 'mix-1:0'$$,
  $$values (0::numeric, true)$$, 'a refused recipient costs nothing and its status is final');
select is(tests.t18_calls(:'main'), :calls_before + 1, 'the call took its slot (something is sent)');
select tests.t18_send(:'plain_agent', 'mix-2', '["+61400000001"]', '{}', 1) as all_refused \gset
select is(
  (select array_agg(r ->> 'status') from jsonb_array_elements(:'all_refused'::jsonb -> 'rows') r),
  array['OPTED_OUT'], 'a send whose every recipient opted out answers per recipient');
select is(:'all_refused'::jsonb -> 'call_ids', '[]'::jsonb, 'and takes no call slot: nothing reaches ClickSend');
select is(tests.t18_calls(:'main'), :calls_before + 1, 'no slot was taken');
select is(
  tests.t18_send(:'plain_agent', 'mix-1', '["+61400000001", "+61400000002", "+61400000008"]') ->> 'outcome',
  'replay', 'repeating the send replays it (the refused rows included)');

-- Recipient rules and countries (the agent's policy); the dashboard path applies opt-outs only.
update public.agent_policies
   set allowed_recipients = array['+614000001*', '+61400000002', '+61400000001', '+6421*'], allowed_countries = array['AU']
 where agent_id = :'agent';
select tests.t18_send(:'agent', 'rules-1',
  '["+61400000002", "+61400000123", "+61400000003", "+64210000000", "+61400000001"]',
  '{"countries": ["AU", "AU", "AU", "NZ", "AU"]}') as rules \gset
select is(tests.t18_rows('rules-1'),
  array['+61400000002 pending', '+61400000123 pending', '+61400000003 RECIPIENT_NOT_ALLOWED',
        '+64210000000 COUNTRY_NOT_ALLOWED', '+61400000001 OPTED_OUT'],
  'allowed numbers and prefixes are reserved; others RECIPIENT_NOT_ALLOWED, other countries COUNTRY_NOT_ALLOWED, opt-outs OPTED_OUT');
select is(
  (select array_agg(r ->> 'status' order by r ->> 'idempotency_key') from jsonb_array_elements(:'rules'::jsonb -> 'rows') r),
  array['pending', 'pending', 'RECIPIENT_NOT_ALLOWED', 'COUNTRY_NOT_ALLOWED', 'OPTED_OUT'],
  'and each comes back with its status');
select tests.t18_send(:'agent', 'rules-2', '["+61400000002"]') as no_country \gset
select is(tests.t18_rows('rules-2'), array['+61400000002 COUNTRY_NOT_ALLOWED'],
  'when countries are limited, a recipient of unknown country is refused');
select public.clicksend_prepare_call(0, :'owner_uid', null, :'main', null,
  '{"channel": "sms", "recipients": ["+61400000001", "+61400000003", "+64210000000"], "idempotency_key": "dash-1"}') as dash \gset
select is(tests.t18_rows('dash-1'), array['+61400000001 OPTED_OUT', '+61400000003 pending', '+64210000000 pending'],
  'the dashboard path refuses opted-out recipients too (agent rules are the agent''s only)');
select public.clicksend_prepare_call(0, :'other_uid', null, :'other_connection', null,
  '{"channel": "sms", "recipients": ["+61400000001", "+61400000002"], "idempotency_key": "dash-other"}');
select is(tests.t18_rows('dash-other'), array['+61400000001 pending', '+61400000002 OPTED_OUT'],
  'another user''s send follows their own list, not the owner''s');

-- =============================================================================================
-- Quiet hours
-- =============================================================================================
select tests.clear_authentication();
insert into public.agent_policies (agent_id, user_id, quiet_hours_start, quiet_hours_end, quiet_hours_timezone)
values (:'night_agent', :'owner_uid', '21:00', '07:00', 'Australia/Sydney');
select tests.authenticate_as_service_role();
select tests.t18_send(:'night_agent', 'night-1', '["+61400000002"]',
  '{"scheduled_for": "2030-07-01T12:00:00Z"}', 1) as night \gset
select is(:'night'::jsonb ->> 'outcome', 'policy_denied', 'a send scheduled for 22:00 in Sydney falls in quiet hours');
select is(:'night'::jsonb ->> 'reason', 'quiet_hours', 'the reason is quiet_hours');
select is((:'night'::jsonb #>> '{details,opens_at}')::timestamptz, '2030-07-01T21:00:00Z'::timestamptz,
  'and says sending opens at 07:00 Sydney time');
select is(:'night'::jsonb #>> '{details,timezone}', 'Australia/Sydney', 'in the policy''s time zone');
select is(tests.t18_rows('night-1'), '{}'::text[], 'nothing is reserved');
select is(
  tests.t18_send(:'night_agent', 'night-2', '["+61400000002"]', '{"scheduled_for": "2030-07-01T02:00:00Z"}') ->> 'outcome',
  'ready', 'the same agent may schedule a send for 12:00 Sydney time');
select tests.clear_authentication();
update public.agent_policies
   set quiet_hours_start = date_trunc('second', (now() at time zone 'UTC') - interval '1 hour')::time,
       quiet_hours_end = date_trunc('second', (now() at time zone 'UTC') + interval '1 hour')::time, quiet_hours_timezone = 'UTC'
 where agent_id = :'night_agent';
select tests.authenticate_as_service_role();
select tests.t18_send(:'night_agent', 'night-3', '["+61400000002"]') as now_quiet \gset
select is(:'now_quiet'::jsonb ->> 'reason', 'quiet_hours', 'a send now, within an hour of quiet hours'' start, is refused');
select ok(
  (:'now_quiet'::jsonb #>> '{details,opens_at}')::timestamptz > now()
  and (:'now_quiet'::jsonb #>> '{details,opens_at}')::timestamptz <= now() + interval '1 hour',
  'and opens within the hour');
select is(
  tests.t18_send(:'night_agent', 'night-4', '["+61400000002"]',
    jsonb_build_object('scheduled_for', now() + interval '3 hours')) ->> 'outcome',
  'ready', 'a send scheduled for after quiet hours is judged at its scheduled time and goes ahead');
select is(
  tests.t18_send(:'night_agent', 'night-5', '["+61400000001"]') ->> 'outcome', 'ready',
  'a send whose only recipient opted out is answered per recipient, even in quiet hours');
select tests.clear_authentication();
update public.agent_policies set daily_message_limit = 1 where agent_id = :'night_agent';
select tests.authenticate_as_service_role();
select is(
  tests.t18_send(:'night_agent', 'night-6', '["+61400000002", "+61400000003"]') ->> 'reason', 'quiet_hours',
  'quiet hours are checked before the limits');

-- =============================================================================================
-- Daily message limit
-- =============================================================================================
select tests.clear_authentication();
insert into public.agent_policies (agent_id, user_id, daily_message_limit) values (:'limited_agent', :'owner_uid', 5);
select is(
  (select xmax::text from public.agent_policies where agent_id = :'limited_agent'), '0',
  'the new policy row is not locked yet');
select tests.authenticate_as_service_role();
select is(
  tests.t18_send(:'limited_agent', 'day-1', '["+61400000002", "+61400000003"]', '{"parts": 2}') ->> 'outcome',
  'ready', 'two recipients of a two-part message (4 of 5) are allowed');
select tests.clear_authentication();
select ok(
  (select xmax = pg_current_xact_id()::xid from public.agent_policies where agent_id = :'limited_agent'),
  'the send locked the agent''s policy row for the rest of its transaction (concurrent sends take turns)');
select is(
  (select array_agg(planned_parts) from public.clicksend_messages where idempotency_key like 'day-1:%'),
  array[2, 2], 'each message keeps its planned parts');
select tests.authenticate_as_service_role();
select is(
  tests.t18_send(:'limited_agent', 'day-2', '["+61400000004"]') ->> 'outcome', 'ready',
  'one more message reaches the limit exactly (5 of 5) and is allowed');
select tests.t18_send(:'limited_agent', 'day-3', '["+61400000002"]', '{}', 1) as over \gset
select is(:'over'::jsonb ->> 'outcome', 'policy_denied', 'the next message would cross the limit and is refused');
select is(:'over'::jsonb ->> 'reason', 'daily_message_limit', 'with the reason daily_message_limit');
select is(:'over'::jsonb -> 'details', '{"limit": 5, "used": 5, "requested": 1}'::jsonb,
  'and its figures: limit, used, requested');
select is(tests.t18_rows('day-3'), '{}'::text[], 'nothing is reserved');
select is(
  tests.t18_send(:'limited_agent', 'day-4', '["+61400000002", "+61400000003"]', '{"parts": 0}') -> 'details' ->> 'requested',
  '2', 'parts below one count as one');
select is(
  tests.t18_send(:'limited_agent', 'day-5', '["+61400000001"]') ->> 'outcome', 'ready',
  'a send whose only recipient opted out is answered per recipient, over the limit or not');
select tests.clear_authentication();
update public.agent_policies set daily_message_limit = 6 where agent_id = :'limited_agent';
select tests.authenticate_as_service_role();
select is(
  tests.t18_send(:'limited_agent', 'day-6', '["+61400000001", "+61400000003"]') ->> 'outcome', 'ready',
  'with the limit at 6, a send to an opted-out and an allowed number fits: refused recipients are not counted (5 + 1)');
select is(
  tests.t18_send(:'limited_agent', 'day-7', '["+61400000002"]') -> 'details',
  '{"limit": 6, "used": 6, "requested": 1}'::jsonb,
  'and the refused rows stored earlier are not counted as used either');
select tests.clear_authentication();
update public.clicksend_messages set created_at = now() - interval '25 hours'
 where agent_id = :'limited_agent' and idempotency_key in ('day-1:0', 'day-1:1');
select tests.authenticate_as_service_role();
select is(
  tests.t18_send(:'limited_agent', 'day-8', '["+61400000002"]', '{"parts": 3}') ->> 'outcome', 'ready',
  'messages older than 24 hours no longer count (2 + 3 of 6)');
select is(
  tests.t18_send(:'limited_agent', 'day-9', '["+61400000002"]', '{"total": 3}') -> 'details',
  '{"limit": 6, "used": 5, "requested": 3}'::jsonb,
  'a bulk send''s first part counts the whole send (total), not just its own recipients');
select is(
  tests.t18_send(:'plain_agent', 'day-other', '["+61400000002", "+61400000003"]', '{"parts": 4}') ->> 'outcome', 'ready',
  'another agent without a policy is not limited');

-- =============================================================================================
-- Monthly spend limit
-- =============================================================================================
select tests.clear_authentication();
insert into public.agent_policies (agent_id, user_id, monthly_spend_limit) values (:'spender_agent', :'owner_uid', 1.00);
select tests.authenticate_as_service_role();
select tests.t18_send(:'spender_agent', 'spend-1', '["+61400000002", "+61400000001", "+61400000003"]', '{}', 1) as unpriced \gset
select is(:'unpriced'::jsonb ->> 'outcome', 'needs_price', 'a send of an agent with a spend limit must be priced first');
select is(:'unpriced'::jsonb -> 'recipients', '["+61400000002", "+61400000003"]'::jsonb,
  'the answer lists the recipients to price (not the opted-out one)');
select is(:'unpriced'::jsonb ->> 'api_key', 'MAIN-KEY-0000-0001', 'with the key to ask ClickSend for the price');
select is(tests.t18_rows('spend-1'), '{}'::text[], 'nothing is reserved before the price is known');
select is(tests.t18_calls(:'main'), :calls_before + 1, 'and no call slot is taken');
select is(
  tests.t18_send(:'spender_agent', 'spend-1', '["+61400000002", "+61400000001", "+61400000003"]',
    '{"prices": {"+61400000002": 0.3, "+61400000003": 0.3}, "currency": "AUD"}') ->> 'outcome',
  'ready', 'priced at 0.60 of a 1.00 limit, the send is reserved');
select is(
  (select array_agg(coalesce(planned_price::text, 'null') order by idempotency_key) from public.clicksend_messages
    where idempotency_key like 'spend-1:%'),
  array['0.300000', 'null', '0.300000'], 'each reserved message keeps its quoted price');
select tests.t18_send(:'spender_agent', 'spend-2', '["+61400000004", "+61400000005"]',
  '{"prices": {"+61400000004": 0.3, "+61400000005": 0.3}, "currency": "AUD"}') as overspend \gset
select is(:'overspend'::jsonb ->> 'reason', 'monthly_spend_limit', 'a send that would cross the monthly limit is refused whole');
select is(
  :'overspend'::jsonb -> 'details',
  '{"limit": 1.00, "used": 0.6, "requested": 0.6, "price": 0.6, "currency": "AUD"}'::jsonb,
  'with its figures: limit, used, requested, price and currency');
select is(tests.t18_rows('spend-2'), '{}'::text[], 'and nothing is reserved');
select tests.t18_send(:'spender_agent', 'spend-bulk', '["+61400000004"]',
  '{"prices": {"+61400000004": 0.1}, "later_price": 0.35, "total": 3, "currency": "AUD"}') as bulk_spend \gset
select is(
  :'bulk_spend'::jsonb -> 'details' ->> 'requested', '0.45',
  'a bulk send''s first part counts its later parts by their quoted total (0.10 + 0.35 over the 0.40 left): refused');
select is(tests.t18_rows('spend-bulk'), '{}'::text[], 'and nothing of it is reserved');
select is(
  tests.t18_send(:'spender_agent', 'spend-3', '["+61400000004"]', '{"prices": {"+61400000004": 0.4}}') ->> 'outcome',
  'ready', 'a send that reaches the limit exactly is allowed');
select throws_ok(
  format($$select tests.t18_send(%L, 'spend-4', '["+61400000004", "+61400000005"]', '{"prices": {"+61400000004": 0}}')$$,
    :'spender_agent'),
  '22023', 'p_send.prices must price every remaining recipient', 'prices must cover every remaining recipient');

-- =============================================================================================
-- Approvals
-- =============================================================================================
select tests.clear_authentication();
insert into public.agent_policies (agent_id, user_id, approval_mode) values (:'careful_agent', :'owner_uid', 'always');
select tests.authenticate_as_service_role();
select tests.t18_calls(:'main') as calls_before \gset
select tests.t18_send(:'careful_agent', 'hold-1', '["+61400000002", "+61400000001", "+61400000003"]',
  '{"parts": 2, "request": {"to": ["+61400000002", "+61400000001", "+61400000003"], "body": "Hello"}}', 1) as held \gset
select is(:'held'::jsonb ->> 'outcome', 'approval', 'an agent with approval always has its send held');
select is(:'held'::jsonb ->> 'state', 'pending', 'pending a decision');
select results_eq(
  format($$select user_id, agent_id, connection_id, tool, status, recipients, parts, request ->> 'body',
                  expires_at = created_at + interval '24 hours'
             from public.agent_approvals where id = %L$$, :'held'::jsonb ->> 'approval_id'),
  format($$values (%L::uuid, %L::uuid, %L::uuid, 'clicksend_send_sms'::text, 'pending'::text, 2, 2, 'Hello'::text, true)$$,
    :'owner_uid', :'careful_agent', :'main'),
  'the approval keeps the request, the recipients that remain (not the opted-out one), parts, and expires in 24 hours');
select is(tests.t18_rows('hold-1'), '{}'::text[], 'nothing is reserved while it waits');
select is(tests.t18_calls(:'main'), :calls_before, 'and no call slot is taken');
select tests.t18_send(:'careful_agent', 'hold-1', '["+61400000002", "+61400000001", "+61400000003"]', '{}', 1) as held_again \gset
select is(:'held_again'::jsonb ->> 'approval_id', :'held'::jsonb ->> 'approval_id', 'the same key again answers the same approval');
select is((select count(*)::integer from public.agent_approvals where agent_id = :'careful_agent'), 1, 'and holds nothing new');
select is(
  tests.t18_send(:'careful_agent', 'hold-x', '["+61400000001"]') ->> 'outcome', 'ready',
  'a send whose only recipient opted out is not held: it is answered per recipient');
select tests.clear_authentication();
update public.agent_policies set daily_message_limit = 1 where agent_id = :'careful_agent';
select tests.authenticate_as_service_role();
select is(
  tests.t18_send(:'careful_agent', 'hold-limit', '["+61400000002", "+61400000003"]') ->> 'reason', 'daily_message_limit',
  'limits are checked before approval: a send over the limit is refused, not held');
select tests.clear_authentication();
update public.agent_policies set daily_message_limit = null where agent_id = :'careful_agent';

-- Who may decide: the service role only, for the approval's owner.
select throws_ok(
  format($$select public.agent_approval_decide(%L, %L, 'approve')$$, :'owner_uid', :'held'::jsonb ->> 'approval_id'),
  '42501', 'approvals are decided by the service role only', 'a role other than service_role cannot decide');
select tests.authenticate_as('owner');
select throws_ok(
  format($$select public.agent_approval_decide(%L, %L, 'approve')$$, :'owner_uid', :'held'::jsonb ->> 'approval_id'),
  '42501', null, 'the owner cannot decide through the function (the service checks and sends)');
select results_eq(
  'select id::text, status from public.agent_approvals',
  format($$values (%L, 'pending'::text)$$, :'held'::jsonb ->> 'approval_id'),
  'the owner sees their approval');
select throws_ok(
  format($$update public.agent_approvals set status = 'approved' where id = %L$$, :'held'::jsonb ->> 'approval_id'),
  '42501', null, 'but cannot approve it by writing the table');
select throws_ok(
  format($$insert into public.agent_approvals (user_id, agent_id, tool, idempotency_key, request, recipients, parts)
           values (%L, %L, 'clicksend_send_sms', 'planted', '{}', 1, 1)$$, :'owner_uid', :'careful_agent'),
  '42501', null, 'nor insert one');
select throws_ok('delete from public.agent_approvals', '42501', null, 'nor delete one');
select tests.authenticate_as('other_user');
select is_empty('select * from public.agent_approvals', 'other_user sees none of the owner''s approvals');
select tests.authenticate_as_anon();
select throws_ok('select * from public.agent_approvals', '42501', null, 'anon cannot read approvals');
select throws_ok(
  format($$select public.agent_approval_decide(%L, %L, 'approve')$$, :'owner_uid', :'held'::jsonb ->> 'approval_id'),
  '42501', null, 'anon cannot decide');

select tests.authenticate_as_service_role();
select is(
  public.agent_approval_decide(:'other_uid', (:'held'::jsonb ->> 'approval_id')::uuid, 'approve'),
  '{"outcome": "not_found"}'::jsonb, 'another user''s approval id is not found');
select throws_ok(
  format($$select public.agent_approval_decide(%L, %L, 'maybe')$$, :'owner_uid', :'held'::jsonb ->> 'approval_id'),
  '22023', 'decision must be approve or reject', 'a decision must be approve or reject');
select is(
  (select status from public.agent_approvals where id = (:'held'::jsonb ->> 'approval_id')::uuid), 'pending',
  'the refused decisions left it pending');
select public.agent_approval_decide(:'owner_uid', (:'held'::jsonb ->> 'approval_id')::uuid, 'approve') as approved \gset
select is(:'approved'::jsonb ->> 'outcome', 'approve', 'the owner''s approval is approved');
select is(:'approved'::jsonb ->> 'first', 'true', 'for the first time');
select is(:'approved'::jsonb #>> '{approval,request,body}', 'Hello', 'with the request to send');
select ok(
  (select status = 'approved' and decided_at is not null and not edited_body from public.agent_approvals
    where id = (:'held'::jsonb ->> 'approval_id')::uuid),
  'the approval is recorded as approved, with when');
select public.agent_approval_decide(:'owner_uid', (:'held'::jsonb ->> 'approval_id')::uuid, 'approve') as approved_twice \gset
select is(:'approved_twice'::jsonb ->> 'outcome', 'approve', 'a second approve answers approve again');
select is(:'approved_twice'::jsonb ->> 'first', 'false', 'but not as the first (the caller must not send twice)');
select is(
  public.agent_approval_decide(:'owner_uid', (:'held'::jsonb ->> 'approval_id')::uuid, 'reject') ->> 'state',
  'approved', 'rejecting an approved send is closed: it stays approved');
select is(
  tests.t18_send(:'careful_agent', 'hold-1', '["+61400000002", "+61400000001", "+61400000003"]') ->> 'state',
  'approved', 'before it is sent, the agent''s retry with the same key hears that it was approved');
select is(
  tests.t18_send(:'careful_agent', 'hold-forged', '["+61400000002"]',
    jsonb_build_object('approval_id', :'held'::jsonb ->> 'approval_id'), 1) ->> 'outcome',
  'approval', 'an approval id passes the hold only for its own key: another send naming it is held');
select is(
  tests.t18_send(:'careful_agent', 'hold-bogus', '["+61400000002"]',
    jsonb_build_object('approval_id', gen_random_uuid()), 1) ->> 'outcome',
  'approval', 'and an id that names no approved approval passes nothing');
select tests.t18_send(:'careful_agent', 'hold-1', '["+61400000002", "+61400000001", "+61400000003"]',
  jsonb_build_object('approval_id', :'held'::jsonb ->> 'approval_id', 'parts', 2), 1) as approved_send \gset
select is(:'approved_send'::jsonb ->> 'outcome', 'ready', 'the approved send (with its approval id) skips the hold');
select is(tests.t18_rows('hold-1'), array['+61400000002 pending', '+61400000001 OPTED_OUT', '+61400000003 pending'],
  'and is reserved, opt-outs still applied');
select is(
  tests.t18_send(:'careful_agent', 'hold-1', '["+61400000002", "+61400000001", "+61400000003"]') ->> 'outcome',
  'replay', 'the agent''s retry with the same key now replays the sent result');
select is(
  public.agent_approval_record((:'held'::jsonb ->> 'approval_id')::uuid, '{"status": 200, "body": {"ok": true}}'),
  '{"outcome": {"status": 200, "body": {"ok": true}}, "recorded": true}'::jsonb,
  'the service records what the approved send answered');
select is(
  public.agent_approval_record((:'held'::jsonb ->> 'approval_id')::uuid, '{"status": 500}'),
  '{"outcome": {"status": 200, "body": {"ok": true}}, "recorded": false}'::jsonb,
  'and the first answer stays (a second record is told it did not record)');
select tests.clear_authentication();
select throws_ok(
  format($$select public.agent_approval_record(%L, '{"status": 500}')$$, :'held'::jsonb ->> 'approval_id'),
  '42501', 'approvals are recorded by the service role only', 'a role other than service_role cannot record an answer');
select tests.authenticate_as_service_role();

select tests.t18_send(:'careful_agent', 'hold-edit', '["+61400000002"]', '{"request": {"body": "Draft"}}') as to_edit \gset
select public.agent_approval_decide(:'owner_uid', (:'to_edit'::jsonb ->> 'approval_id')::uuid, 'approve', 'Edited text') as edited \gset
select results_eq(
  format($$select request ->> 'body', edited_body from public.agent_approvals where id = %L$$, :'to_edit'::jsonb ->> 'approval_id'),
  $$values ('Edited text'::text, true)$$, 'approving with an edited body keeps the new text and says it was edited');
select tests.clear_authentication();
update public.agent_policies set daily_message_limit = 1 where agent_id = :'careful_agent';
select tests.authenticate_as_service_role();
select is(
  tests.t18_send(:'careful_agent', 'hold-edit', '["+61400000002"]',
    jsonb_build_object('approval_id', :'to_edit'::jsonb ->> 'approval_id')) ->> 'reason',
  'daily_message_limit', 'an approved send is checked again when it goes out: over the limit now, it is refused');
select is(tests.t18_rows('hold-edit'), '{}'::text[], 'and nothing is reserved');
select tests.clear_authentication();
update public.agent_policies set daily_message_limit = null where agent_id = :'careful_agent';
select tests.authenticate_as_service_role();

select tests.t18_send(:'careful_agent', 'hold-2', '["+61400000002"]') as to_reject \gset
select is(
  public.agent_approval_decide(:'owner_uid', (:'to_reject'::jsonb ->> 'approval_id')::uuid, 'reject') ->> 'outcome',
  'rejected', 'the owner rejects a held send');
select is(
  public.agent_approval_decide(:'owner_uid', (:'to_reject'::jsonb ->> 'approval_id')::uuid, 'approve'),
  '{"outcome": "closed", "state": "rejected"}'::jsonb, 'approving it afterwards is closed (rejected)');
select tests.t18_send(:'careful_agent', 'hold-2', '["+61400000002"]', '{}', 1) as rejected_retry \gset
select results_eq(
  format($$select %L::jsonb ->> 'outcome', %L::jsonb ->> 'state'$$, :'rejected_retry', :'rejected_retry'),
  $$values ('approval'::text, 'rejected'::text)$$, 'the agent''s retry with the same key hears it was rejected');
select is(tests.t18_rows('hold-2'), '{}'::text[], 'and a rejected send is never reserved');

select tests.t18_send(:'careful_agent', 'hold-3', '["+61400000002"]') as to_expire \gset
select tests.clear_authentication();
update public.agent_approvals set expires_at = now() - interval '1 second'
 where id = (:'to_expire'::jsonb ->> 'approval_id')::uuid;
select tests.authenticate_as_service_role();
select is(
  public.agent_approval_decide(:'owner_uid', (:'to_expire'::jsonb ->> 'approval_id')::uuid, 'approve'),
  '{"outcome": "closed", "state": "expired"}'::jsonb, 'an expired approval cannot be approved');
select is(
  public.agent_approval_decide(:'owner_uid', (:'to_expire'::jsonb ->> 'approval_id')::uuid, 'reject'),
  '{"outcome": "closed", "state": "expired"}'::jsonb, 'nor rejected');
select is(
  tests.t18_send(:'careful_agent', 'hold-3', '["+61400000002"]') ->> 'state', 'expired',
  'the agent''s retry hears it expired');
select is(tests.t18_rows('hold-3'), '{}'::text[], 'and nothing is reserved');

-- first_contact: held only for a number this agent has never texted.
select tests.clear_authentication();
insert into public.agent_policies (agent_id, user_id, approval_mode) values (:'polite_agent', :'owner_uid', 'first_contact');
insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, recipient, status)
values (:'owner_uid', :'main', :'polite_agent', '+61400000002', 'SUCCESS'),
       (:'owner_uid', :'main', :'polite_agent', '+61400000003', 'RECIPIENT_NOT_ALLOWED'),
       (:'owner_uid', :'main', :'plain_agent', '+61400000004', 'SUCCESS');
select tests.authenticate_as_service_role();
select is(
  tests.t18_send(:'polite_agent', 'first-1', '["+61400000002"]') ->> 'outcome', 'ready',
  'a number the agent has texted before is not held');
select is(
  tests.t18_send(:'polite_agent', 'first-2', '["+61400000003"]') ->> 'outcome', 'approval',
  'a number the agent was only refused for counts as never texted: held');
select is(
  tests.t18_send(:'polite_agent', 'first-3', '["+61400000002", "+61400000004"]') ->> 'outcome', 'approval',
  'one new number (texted by another agent only) holds the whole send');
select is(tests.t18_rows('first-3'), '{}'::text[], 'nothing of a held send is reserved');
select is(
  tests.t18_send(:'plain_agent', 'never-1', '["+61400000005"]') ->> 'outcome', 'ready',
  'an agent without a policy is never held');

select * from finish();
rollback;
