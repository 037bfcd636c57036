-- Credential verification limits (clicksend_begin_verification / _finish_verification), the
-- one-active-connection-per-account index, the merge of existing duplicates, and which webhook
-- tokens are live (clicksend_live_webhook_tokens).
begin;
select plan(50);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.get_supabase_uid('owner') as owner_uid \gset
select tests.get_supabase_uid('other_user') as other_uid \gset

-- One attempt, answered: the limit that refused it, or 'allowed'.
create function tests.t14_attempt(p_user uuid, p_username text, p_ip text, p_outcome text default 'failed')
returns text language plpgsql as $$
declare
  v jsonb := public.clicksend_begin_verification(p_user, p_username, p_ip);
begin
  if (v ->> 'allowed')::boolean then
    perform public.clicksend_finish_verification((v ->> 'attempt_id')::bigint, p_outcome);
    return 'allowed';
  end if;
  return v ->> 'limit';
end
$$;
-- Moves every attempt back in time, as if that much had passed.
create function tests.t14_age_attempts(p_by interval) returns void language sql security definer as $$
  update private.clicksend_verification_attempts set started_at = started_at - p_by
$$;
create function tests.t14_forget_attempts() returns void language sql security definer as $$
  delete from private.clicksend_verification_attempts
$$;
-- What the attempts table holds (the service role itself cannot read it).
create function tests.t14_attempts() returns setof private.clicksend_verification_attempts
language sql security definer set search_path = '' as $$
  select * from private.clicksend_verification_attempts
$$;
-- Attempts made earlier, straight into the table (n of them, `ago` in the past).
create function tests.t14_add_attempts(p_user uuid, p_count integer, p_ago interval)
returns void language sql security definer set search_path = '' as $$
  insert into private.clicksend_verification_attempts (user_id, target_username, started_at, outcome)
  select p_user, 'earlier', clock_timestamp() - p_ago, 'verified' from generate_series(1, p_count)
$$;

-- Who may call what
select function_privs_are('public', 'clicksend_begin_verification', array['uuid', 'text', 'text'],
  'authenticated', array[]::text[], 'authenticated may not execute clicksend_begin_verification');
select function_privs_are('public', 'clicksend_begin_verification', array['uuid', 'text', 'text'],
  'service_role', array['EXECUTE'], 'the service role may execute clicksend_begin_verification');
select function_privs_are('public', 'clicksend_finish_verification', array['bigint', 'text'],
  'authenticated', array[]::text[], 'authenticated may not execute clicksend_finish_verification');
select function_privs_are('public', 'clicksend_live_webhook_tokens', array['text[]'],
  'authenticated', array[]::text[], 'authenticated may not execute clicksend_live_webhook_tokens');
select table_privs_are('private', 'clicksend_verification_attempts', 'service_role', array[]::text[],
  'the service role has no direct access to the attempts table');
select table_privs_are('private', 'clicksend_verification_attempts', 'authenticated', array[]::text[],
  'authenticated has no access to the attempts table');

select tests.authenticate_as('owner');
select throws_ok(
  format($$select public.clicksend_begin_verification(%L, 'victim', '10.0.0.1')$$, :'owner_uid'),
  '42501', null, 'a signed-in user cannot start a counted verification (or reset anything)');

select tests.authenticate_as_service_role();

-- Per user: 5 a minute
select is(
  array(select tests.t14_attempt(:'owner_uid', 'own_account', '10.0.0.1') from generate_series(1, 6)),
  array['allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'user_per_minute'],
  'per user: the 6th verification within a minute is refused');
select ok(
  (public.clicksend_begin_verification(:'owner_uid', 'own_account', '10.0.0.1') ->> 'retry_after_seconds')::integer between 55 and 60,
  'per user: the refusal says to wait until the oldest attempt leaves the minute');
select is(
  (public.clicksend_begin_verification(:'owner_uid', 'own_account', '10.0.0.1') ->> 'allowed')::boolean,
  false, 'a refused attempt is not recorded as one (it cannot be answered)');
select is((select count(*)::integer from tests.t14_attempts()), 5,
  'only the allowed attempts were recorded');
select is(
  tests.t14_attempt(:'other_uid', 'their_account', '10.0.0.2'), 'allowed',
  'another user on another address is not affected');
select tests.t14_age_attempts(interval '61 seconds');
select is(tests.t14_attempt(:'owner_uid', 'own_account', '10.0.0.1'), 'allowed',
  'per user: a minute later the user may verify again');

-- Per user: 30 a day
select tests.t14_forget_attempts();
select tests.t14_add_attempts(:'owner_uid', 29, interval '2 hours');
select is(tests.t14_attempt(:'owner_uid', 'own_account', '10.0.1.1'), 'allowed', 'per user: the 30th attempt of the day is allowed');
select tests.t14_age_attempts(interval '2 minutes');
select is(tests.t14_attempt(:'owner_uid', 'own_account', '10.0.1.2'), 'user_per_day', 'per user: the 31st attempt of the day is refused');
select ok(
  (public.clicksend_begin_verification(:'owner_uid', 'own_account', '10.0.1.3') ->> 'retry_after_seconds')::integer
    between 22 * 3600 - 180 and 22 * 3600,
  'per user: the daily refusal waits for the day''s oldest attempt to expire');
select tests.t14_age_attempts(interval '22 hours');
select is(tests.t14_attempt(:'owner_uid', 'own_account', '10.0.1.4'), 'allowed', 'per user: the next day is a new day');
select is(
  (select count(*)::integer from tests.t14_attempts() where started_at < clock_timestamp() - interval '1 day'),
  0, 'attempts older than a day are pruned as new ones arrive');

-- Per user: backoff after refused attempts in a row
select tests.t14_forget_attempts();
select is(
  array(select tests.t14_attempt(:'owner_uid', 'typo_account_' || n, '10.0.2.' || n, 'rejected') from generate_series(1, 4) n),
  array['allowed', 'allowed', 'allowed', 'user_backoff'],
  'backoff: after 3 refused keys in a row the user must wait');
select ok(
  (public.clicksend_begin_verification(:'owner_uid', 'typo_account_9', '10.0.2.9') ->> 'retry_after_seconds')::integer between 55 and 60,
  'backoff: the first wait is a minute');
select tests.t14_age_attempts(interval '61 seconds');
select is(tests.t14_attempt(:'owner_uid', 'typo_account_5', '10.0.2.5', 'rejected'), 'allowed',
  'backoff: after the wait one more attempt is allowed');
select ok(
  (public.clicksend_begin_verification(:'owner_uid', 'typo_account_6', '10.0.2.6') ->> 'retry_after_seconds')::integer between 115 and 120,
  'backoff: a 4th refusal in a row doubles the wait to 2 minutes');
select tests.t14_age_attempts(interval '121 seconds');
select is(tests.t14_attempt(:'owner_uid', 'typo_account_7', '10.0.2.7', 'verified'), 'allowed',
  'backoff: the next attempt after the wait is allowed');
select is(tests.t14_attempt(:'owner_uid', 'typo_account_8', '10.0.2.8', 'rejected'), 'allowed',
  'backoff: a verified attempt ends the streak');

-- Unanswered attempts count as refused: parallel attempts cannot slip past
select tests.t14_forget_attempts();
select public.clicksend_begin_verification(:'owner_uid', 'parallel_' || n, '10.0.3.' || n) from generate_series(1, 3) n;
select is(tests.t14_attempt(:'owner_uid', 'parallel_4', '10.0.3.4'), 'user_backoff',
  'backoff: three attempts still waiting for ClickSend count as three refusals');

-- Per client address: 20 a minute, whoever asks
select tests.t14_forget_attempts();
select tests.create_supabase_user('ip_user_' || n) from generate_series(1, 21) n;
select is(
  (select count(*)::integer from generate_series(1, 20) n
    where tests.t14_attempt(tests.get_supabase_uid('ip_user_' || n), 'ip_account_' || n, '192.0.2.7', 'verified') = 'allowed'),
  20, 'per address: 20 attempts from one address within a minute are allowed');
select is(tests.t14_attempt(tests.get_supabase_uid('ip_user_21'), 'ip_account_21', '192.0.2.7'), 'ip_per_minute',
  'per address: the 21st is refused, whichever user makes it');
select is(tests.t14_attempt(tests.get_supabase_uid('ip_user_21'), 'ip_account_21', '192.0.2.8'), 'allowed',
  'per address: another address is not affected');

-- Per target username: 5 refused attempts in 15 minutes, whoever makes them
select tests.t14_forget_attempts();
select is(
  (select count(*)::integer from generate_series(1, 5) n
    where tests.t14_attempt(tests.get_supabase_uid('ip_user_' || n), 'Victim', '198.51.100.' || n, 'rejected') = 'allowed'),
  5, 'per username: 5 wrong keys for one username are tried');
select is(tests.t14_attempt(tests.get_supabase_uid('ip_user_6'), 'VICTIM', '198.51.100.6'), 'username_failures',
  'per username: the 6th, by another user from another address and in other letter case, is refused');
select ok(
  (public.clicksend_begin_verification(tests.get_supabase_uid('ip_user_7'), 'victim', '198.51.100.7') ->> 'retry_after_seconds')::integer between 840 and 900,
  'per username: the wait lasts until the oldest refusal is 15 minutes old');
select is(tests.t14_attempt(tests.get_supabase_uid('ip_user_8'), 'someone_else', '198.51.100.8'), 'allowed',
  'per username: other usernames are not affected');
select tests.t14_forget_attempts();
select tests.t14_attempt(tests.get_supabase_uid('ip_user_' || n), 'popular', '203.0.113.' || n, 'verified') from generate_series(1, 6) n;
select is(tests.t14_attempt(tests.get_supabase_uid('ip_user_9'), 'popular', '203.0.113.9'), 'allowed',
  'per username: verified attempts (colleagues connecting one account) do not count');

-- finish_verification
select throws_ok(
  $$select public.clicksend_finish_verification(1, 'maybe')$$, '22023', null,
  'an unknown outcome is refused');
select throws_ok(
  format($$select public.clicksend_begin_verification(%L, '', null)$$, :'owner_uid'), '22023', null,
  'an empty username is refused');
select public.clicksend_begin_verification(:'owner_uid', 'first_outcome', null) ->> 'attempt_id' as attempt_id \gset
select public.clicksend_finish_verification(:'attempt_id', 'rejected');
select public.clicksend_finish_verification(:'attempt_id', 'verified');
select is((select outcome from tests.t14_attempts() where id = :'attempt_id'), 'rejected',
  'an answered attempt keeps its first outcome (a later call cannot clear a refusal)');

-- One active connection per user and ClickSend username
reset role;
select tests.create_clicksend_connection('owner', 'Main') as main_connection \gset
select lives_ok(
  format($$insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name, external_username, connection_status)
           values (%L, tests.clicksend_provider_id(), 'Pending copy', 'OWNER_CS_MAIN', 'inactive')$$, :'owner_uid'),
  'a connection still being set up may name the same account');
select throws_ok(
  format($$insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name, external_username, connection_status)
           values (%L, tests.clicksend_provider_id(), 'Active copy', 'OWNER_CS_MAIN', 'active')$$, :'owner_uid'),
  '23505', null, 'a second active connection to the same account (any letter case) is refused');
select lives_ok(
  format($$insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name, external_username, connection_status)
           values (%L, tests.clicksend_provider_id(), 'Colleague', 'owner_cs_main', 'active')$$, :'other_uid'),
  'another user may connect the same ClickSend account');
select lives_ok(
  format($$insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name, external_username, connection_status)
           values (%L, tests.clicksend_provider_id(), 'Old', 'owner_cs_main', 'revoked')$$, :'owner_uid'),
  'a disconnected connection to the same account may stay beside the active one');
select id as pending_copy from public.user_oauth_connections where connection_name = 'Pending copy' \gset
select tests.authenticate_as_service_role();
select throws_ok(
  format($$select public.clicksend_store_api_key(%L, 'SECOND-KEY-0000')$$, :'pending_copy'),
  '23505', null, 'storing a key for the copy cannot activate a second connection to the account');
select is(
  (select connection_status from public.user_oauth_connections where id = :'pending_copy'), 'inactive',
  'the copy stays inactive');

-- Live webhook tokens
select public.clicksend_store_api_key(:'main_connection', 'MAIN-KEY-0000-AAAA');
select public.clicksend_issue_webhook_token(:'main_connection') as main_token \gset
select tests.create_clicksend_connection('owner', 'Gone') as gone_connection \gset
select public.clicksend_issue_webhook_token(:'gone_connection') as gone_token \gset
select public.clicksend_delete_api_key(:'gone_connection');
-- A paused connection keeps its token (only disconnecting deletes it) but the token is not live.
select tests.create_clicksend_connection('owner', 'Paused', 'inactive') as paused_connection \gset
select public.clicksend_issue_webhook_token(:'paused_connection') as paused_token \gset
select is(
  public.clicksend_live_webhook_tokens(array[:'main_token', :'gone_token', :'paused_token', repeat('0', 48), 'not-a-token']),
  array[:'main_token'],
  'only the token of an active connection is live');

-- Merging duplicates that exist from before the index
reset role;
drop index public.user_oauth_connections_one_active_account_idx;
select tests.create_agent('owner', 'Merger') as merge_agent \gset
select tests.create_agent('owner', 'Only on copy') as copy_agent \gset
insert into public.user_oauth_connections (id, user_id, oauth_provider_id, connection_name, external_username, connection_status, created_at)
values ('00000000-0000-4000-8000-0000000000d1', :'owner_uid', tests.clicksend_provider_id(), 'Older copy', 'owner_cs_main', 'active', now() - interval '1 day');
select tests.create_grant(:'merge_agent', :'main_connection', '["sms"]');
select tests.create_grant(:'merge_agent', '00000000-0000-4000-8000-0000000000d1', '["balance", "history"]');
select tests.create_grant(:'copy_agent', '00000000-0000-4000-8000-0000000000d1', '["sms"]');
insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, idempotency_key, message_id)
values (:'owner_uid', :'main_connection', '+61411111111', 'same-key', 'MSG-MAIN'),
       (:'owner_uid', '00000000-0000-4000-8000-0000000000d1', '+61411111112', 'same-key', 'MSG-COPY'),
       (:'owner_uid', '00000000-0000-4000-8000-0000000000d1', '+61411111113', 'own-key', 'MSG-COPY-2');
select is(private.clicksend_merge_duplicate_connections(), 1, 'the merge folds the older duplicate into the newest');
select results_eq(
  format($$select recipient, idempotency_key from public.clicksend_messages where user_oauth_connection_id = %L order by recipient$$, :'main_connection'),
  $$values ('+61411111111'::text, 'same-key'::text), ('+61411111112', 'merged:00000000:same-key'), ('+61411111113', 'own-key')$$,
  'every message moves to the kept connection; a clashing idempotency key is kept, marked as merged');
select is(
  (select allowed_scopes from public.agent_integration_permissions where agent_id = :'merge_agent' and user_oauth_connection_id = :'main_connection'),
  '["balance", "history", "sms"]'::jsonb,
  'an agent with grants on both keeps one grant with the union of the scopes');
select is(
  (select count(*)::integer from public.agent_integration_permissions where agent_id = :'copy_agent' and user_oauth_connection_id = :'main_connection' and is_active),
  1, 'a grant only on the duplicate moves to the kept connection');
select is(
  (select connection_status from public.user_oauth_connections where id = '00000000-0000-4000-8000-0000000000d1'),
  'revoked', 'the duplicate is revoked');
select is(private.clicksend_merge_duplicate_connections(), 0, 'a second merge finds nothing to do');
select lives_ok(
  $$create unique index user_oauth_connections_one_active_account_idx
      on public.user_oauth_connections (user_id, oauth_provider_id, lower(external_username))
      where connection_status = 'active' and external_username is not null$$,
  'after the merge the one-active-account index can be built');

select * from finish();
rollback;
