-- =====================================================================================
-- ABUSE LIMITS: credential verification limits and one connection per ClickSend account
-- =====================================================================================
-- 1. clicksend-connect verifies a username and API key by calling ClickSend. Unlimited, that is
--    a free tester for stolen credentials, and wrong keys count against the target account's
--    own ClickSend rate limit. Every verification now first asks clicksend_begin_verification,
--    which counts attempts per user, per client IP and per target username and answers with a
--    wait before ClickSend is contacted.
-- 2. One active connection per user and ClickSend username: a second one registered a second
--    receipt rule and got a second call-slot budget for the same ClickSend account. Existing
--    duplicates are merged into the newest connection, keeping every message, grant and log.
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- Verification attempts
-- -------------------------------------------------------------------------------------
-- No foreign key to auth.users on purpose: deleting an account must not reset the counts for
-- the IP and the target username (the attacker's cheapest reset).
create table if not exists private.clicksend_verification_attempts (
  id bigint generated always as identity primary key,
  user_id uuid not null,
  client_ip text check (client_ip is null or length(client_ip) between 1 and 64),
  target_username text not null check (length(target_username) between 1 and 200),
  started_at timestamptz not null default clock_timestamp(),
  -- null while ClickSend has not answered; 'rejected' = the credentials were refused (401/403).
  outcome text check (outcome in ('verified', 'rejected', 'failed'))
);
comment on table private.clicksend_verification_attempts is
  'Each ClickSend credential verification (connect or rotate) of the last day, for the limits in clicksend_begin_verification.';
create index if not exists clicksend_verification_attempts_user_idx
  on private.clicksend_verification_attempts (user_id, started_at);
create index if not exists clicksend_verification_attempts_ip_idx
  on private.clicksend_verification_attempts (client_ip, started_at) where client_ip is not null;
create index if not exists clicksend_verification_attempts_username_idx
  on private.clicksend_verification_attempts (target_username, started_at);
revoke all on private.clicksend_verification_attempts from public, anon, authenticated, service_role;
alter table private.clicksend_verification_attempts enable row level security;

-- The limits, in one place (the functions' tests and messages read them from here).
create or replace function public.clicksend_verification_limits()
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    -- every attempt by one user
    'user_per_minute', 5,
    'user_per_day', 30,
    -- every attempt from one client address, whichever user
    'ip_per_minute', 20,
    'ip_per_day', 100,
    -- refused (or unanswered) attempts on one ClickSend username, whichever user: keeps wrong
    -- keys far below ClickSend's own per-username limit on GET /account (20 a minute)
    'username_failures_per_15_minutes', 5,
    -- after this many refused attempts in a row, a user waits 1 minute, then 2, 4, ... up to 60
    'backoff_after_failures', 3,
    'backoff_max_minutes', 60
  )
$$;
comment on function public.clicksend_verification_limits() is
  'The credential-verification limits clicksend_begin_verification enforces.';
revoke all on function public.clicksend_verification_limits() from public, anon;
grant execute on function public.clicksend_verification_limits() to authenticated, service_role;

-- Whole seconds from p_now until p_until (at least 1), or null when p_until has passed.
create or replace function private.clicksend_seconds_until(p_until timestamptz, p_now timestamptz)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case when p_until > p_now
    then greatest(1, ceil(extract(epoch from (p_until - p_now)))::integer) end
$$;
comment on function private.clicksend_seconds_until(timestamptz, timestamptz) is
  'Whole seconds (at least 1) until a moment, or null once it has passed.';
revoke all on function private.clicksend_seconds_until(timestamptz, timestamptz) from public, anon, authenticated;

-- With p_starts newest first: null when another attempt fits in the window, else the seconds
-- until the p_max-th newest leaves it.
create or replace function private.clicksend_window_wait(
  p_starts timestamptz[], p_max integer, p_window interval, p_now timestamptz
)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case when coalesce(array_length(p_starts, 1), 0) >= p_max
    then coalesce(private.clicksend_seconds_until(p_starts[p_max] + p_window, p_now), 1) end
$$;
comment on function private.clicksend_window_wait(timestamptz[], integer, interval, timestamptz) is
  'For a limit of p_max per window: null when another attempt fits, else the seconds to wait.';
revoke all on function private.clicksend_window_wait(timestamptz[], integer, interval, timestamptz) from public, anon, authenticated;

create or replace function public.clicksend_begin_verification(
  p_user_id uuid,
  p_username text,
  p_client_ip text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_limits constant jsonb := public.clicksend_verification_limits();
  v_username text := lower(btrim(coalesce(p_username, '')));
  v_ip text := nullif(btrim(coalesce(p_client_ip, '')), '');
  v_now timestamptz := clock_timestamp();
  v_starts timestamptz[];
  v_wait integer;
  v_limit text;
  v_candidate integer;
  v_failures integer;
  v_last_failure timestamptz;
  v_until timestamptz;
  v_attempt_id bigint;
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'Credential verifications are counted by the service role only'
      using errcode = '42501';
  end if;
  if p_user_id is null or length(v_username) not between 1 and 200 then
    raise exception 'A verification needs a user and a username of 1 to 200 characters'
      using errcode = '22023';
  end if;
  if v_ip is not null and length(v_ip) > 64 then
    v_ip := left(v_ip, 64);
  end if;

  -- Parallel attempts on the same user, address or username queue here, in a fixed order, so
  -- each sees the ones before it (20 parallel workers count as 20, not as 1).
  perform pg_advisory_xact_lock(hashtextextended('clicksend_verify:user:' || p_user_id::text, 0));
  if v_ip is not null then
    perform pg_advisory_xact_lock(hashtextextended('clicksend_verify:ip:' || v_ip, 0));
  end if;
  perform pg_advisory_xact_lock(hashtextextended('clicksend_verify:username:' || v_username, 0));

  -- Keep the table to a day (a bounded amount of work per attempt).
  delete from private.clicksend_verification_attempts
   where id in (
     select a.id from private.clicksend_verification_attempts a
      where a.started_at < v_now - interval '1 day'
      order by a.started_at limit 100
   );

  -- Per user: a minute and a day.
  select array_agg(a.started_at order by a.started_at desc) into v_starts
    from private.clicksend_verification_attempts a
   where a.user_id = p_user_id and a.started_at > v_now - interval '1 day';
  v_candidate := private.clicksend_window_wait(
    array(select s from unnest(v_starts) s where s > v_now - interval '1 minute' order by s desc),
    (v_limits ->> 'user_per_minute')::integer, interval '1 minute', v_now);
  if v_candidate is not null then
    v_wait := v_candidate; v_limit := 'user_per_minute';
  end if;
  v_candidate := private.clicksend_window_wait(v_starts, (v_limits ->> 'user_per_day')::integer, interval '1 day', v_now);
  if v_candidate is not null and v_candidate > coalesce(v_wait, 0) then
    v_wait := v_candidate; v_limit := 'user_per_day';
  end if;

  -- Per user: backoff after refused attempts in a row (an unanswered one counts as refused
  -- until it is answered, so parallel attempts cannot slip past).
  select count(*), max(a.started_at) into v_failures, v_last_failure
    from private.clicksend_verification_attempts a
   where a.user_id = p_user_id
     and a.started_at > v_now - interval '1 day'
     and (a.outcome is null or a.outcome = 'rejected')
     and a.started_at > coalesce((
       select max(v.started_at) from private.clicksend_verification_attempts v
        where v.user_id = p_user_id and v.outcome = 'verified'
     ), '-infinity');
  if v_failures >= (v_limits ->> 'backoff_after_failures')::integer then
    v_until := v_last_failure + least(
      (v_limits ->> 'backoff_max_minutes')::integer,
      power(2, least(v_failures - (v_limits ->> 'backoff_after_failures')::integer, 10))::integer
    ) * interval '1 minute';
    v_candidate := private.clicksend_seconds_until(v_until, v_now);
    if v_candidate is not null and v_candidate > coalesce(v_wait, 0) then
      v_wait := v_candidate; v_limit := 'user_backoff';
    end if;
  end if;

  -- Per client address: a minute and a day.
  if v_ip is not null then
    select array_agg(a.started_at order by a.started_at desc) into v_starts
      from private.clicksend_verification_attempts a
     where a.client_ip = v_ip and a.started_at > v_now - interval '1 day';
    v_candidate := private.clicksend_window_wait(
      array(select s from unnest(v_starts) s where s > v_now - interval '1 minute' order by s desc),
      (v_limits ->> 'ip_per_minute')::integer, interval '1 minute', v_now);
    if v_candidate is not null and v_candidate > coalesce(v_wait, 0) then
      v_wait := v_candidate; v_limit := 'ip_per_minute';
    end if;
    v_candidate := private.clicksend_window_wait(v_starts, (v_limits ->> 'ip_per_day')::integer, interval '1 day', v_now);
    if v_candidate is not null and v_candidate > coalesce(v_wait, 0) then
      v_wait := v_candidate; v_limit := 'ip_per_day';
    end if;
  end if;

  -- Per target username: refused or unanswered attempts by anyone in 15 minutes.
  select array_agg(a.started_at order by a.started_at desc) into v_starts
    from private.clicksend_verification_attempts a
   where a.target_username = v_username
     and a.started_at > v_now - interval '15 minutes'
     and (a.outcome is null or a.outcome = 'rejected');
  v_candidate := private.clicksend_window_wait(
    v_starts, (v_limits ->> 'username_failures_per_15_minutes')::integer, interval '15 minutes', v_now);
  if v_candidate is not null and v_candidate > coalesce(v_wait, 0) then
    v_wait := v_candidate; v_limit := 'username_failures';
  end if;

  if v_wait is not null then
    return jsonb_build_object('allowed', false, 'limit', v_limit, 'retry_after_seconds', v_wait);
  end if;

  insert into private.clicksend_verification_attempts (user_id, client_ip, target_username, started_at)
  values (p_user_id, v_ip, v_username, v_now)
  returning id into v_attempt_id;
  return jsonb_build_object('allowed', true, 'attempt_id', v_attempt_id);
end
$$;
comment on function public.clicksend_begin_verification(uuid, text, text) is
  'Service role only: whether the user may verify ClickSend credentials for this username now (limits per user, client address and username, with backoff after refusals). Allowed: records the attempt and returns its id; refused: returns which limit and the seconds to wait.';
revoke all on function public.clicksend_begin_verification(uuid, text, text) from public, anon, authenticated;
grant execute on function public.clicksend_begin_verification(uuid, text, text) to service_role;

create or replace function public.clicksend_finish_verification(p_attempt_id bigint, p_outcome text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'Credential verifications are counted by the service role only'
      using errcode = '42501';
  end if;
  if p_outcome is null or p_outcome not in ('verified', 'rejected', 'failed') then
    raise exception 'outcome must be verified, rejected or failed' using errcode = '22023';
  end if;
  -- An answered attempt keeps its first outcome.
  update private.clicksend_verification_attempts
     set outcome = p_outcome
   where id = p_attempt_id and outcome is null;
end
$$;
comment on function public.clicksend_finish_verification(bigint, text) is
  'Service role only: records what ClickSend answered to a verification begun with clicksend_begin_verification.';
revoke all on function public.clicksend_finish_verification(bigint, text) from public, anon, authenticated;
grant execute on function public.clicksend_finish_verification(bigint, text) to service_role;

-- -------------------------------------------------------------------------------------
-- Receipt rules: which of an account's webhook tokens still belong to a live connection
-- -------------------------------------------------------------------------------------
create or replace function public.clicksend_live_webhook_tokens(p_tokens text[])
returns text[]
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(array_agg(distinct given.token), '{}')
    from unnest(coalesce(p_tokens, '{}')) as given (token)
    join private.clicksend_webhook_tokens t
      on t.token_hash = encode(extensions.digest(given.token, 'sha256'), 'hex')
    join public.user_oauth_connections uoc on uoc.id = t.connection_id
   where current_setting('role', true) = 'service_role'
     and given.token ~ '^[0-9a-f]{48}$'
     and uoc.connection_status = 'active'
$$;
comment on function public.clicksend_live_webhook_tokens(text[]) is
  'Service role only: those of the given receipt-webhook tokens that belong to an active connection (a rule pointing at any other token is stale).';
revoke all on function public.clicksend_live_webhook_tokens(text[]) from public, anon, authenticated;
grant execute on function public.clicksend_live_webhook_tokens(text[]) to service_role;

-- -------------------------------------------------------------------------------------
-- One active connection per user, provider and external account
-- -------------------------------------------------------------------------------------
-- Merge what exists first: in each group of active connections of one user to one ClickSend
-- username, the newest stays; the others hand it their messages, grants, logs and call counts,
-- then are revoked with their keys and webhook tokens deleted.
create or replace function private.clicksend_merge_duplicate_connections()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_merged integer := 0;
  v_group record;
  v_dup uuid;
  v_keeper uuid;
begin
  for v_group in
    select array_agg(uoc.id order by uoc.created_at desc, uoc.id desc) as ids
      from public.user_oauth_connections uoc
     where uoc.connection_status = 'active' and uoc.external_username is not null
     group by uoc.user_id, uoc.oauth_provider_id, lower(uoc.external_username)
    having count(*) > 1
  loop
    v_keeper := v_group.ids[1];
    foreach v_dup in array v_group.ids[2:] loop
      -- Messages: an idempotency key already used on the keeper is kept, marked as merged.
      update public.clicksend_messages m
         set idempotency_key = left('merged:' || left(v_dup::text, 8) || ':' || m.idempotency_key, 255)
       where m.user_oauth_connection_id = v_dup
         and m.idempotency_key is not null
         and exists (
           select 1 from public.clicksend_messages k
            where k.user_oauth_connection_id = v_keeper and k.idempotency_key = m.idempotency_key
         );
      update public.clicksend_messages m
         set user_oauth_connection_id = v_keeper
       where m.user_oauth_connection_id = v_dup
         and (m.message_id is null or not exists (
           select 1 from public.clicksend_messages k
            where k.user_oauth_connection_id = v_keeper and k.message_id = m.message_id
         ));

      -- Grants: an agent with grants on both keeps one, with the union of the scopes.
      update public.agent_integration_permissions k
         set allowed_scopes = (
               select jsonb_agg(distinct s order by s)
                 from jsonb_array_elements_text(k.allowed_scopes || d.allowed_scopes) s
             ),
             is_active = k.is_active or d.is_active,
             revoked_at = case when k.is_active or d.is_active then null else k.revoked_at end,
             expires_at = case
               when k.is_active and d.is_active then
                 case when k.expires_at is null or d.expires_at is null then null
                      else greatest(k.expires_at, d.expires_at) end
               when d.is_active then d.expires_at
               else k.expires_at
             end
        from public.agent_integration_permissions d
       where d.user_oauth_connection_id = v_dup
         and k.user_oauth_connection_id = v_keeper
         and k.agent_id = d.agent_id;
      delete from public.agent_integration_permissions d
       where d.user_oauth_connection_id = v_dup
         and exists (
           select 1 from public.agent_integration_permissions k
            where k.user_oauth_connection_id = v_keeper and k.agent_id = d.agent_id
         );
      update public.agent_integration_permissions set user_oauth_connection_id = v_keeper
       where user_oauth_connection_id = v_dup;

      update public.tool_execution_logs set user_oauth_connection_id = v_keeper
       where user_oauth_connection_id = v_dup;
      update private.clicksend_executor_calls set connection_id = v_keeper
       where connection_id = v_dup;

      delete from private.clicksend_webhook_tokens where connection_id = v_dup;
      delete from private.clicksend_credentials where connection_id = v_dup;
      update public.user_oauth_connections
         set connection_status = 'revoked',
             credential_hint = null,
             connection_metadata = connection_metadata || jsonb_build_object('merged_into', v_keeper)
       where id = v_dup;
      v_merged := v_merged + 1;
    end loop;
  end loop;
  return v_merged;
end
$$;
comment on function private.clicksend_merge_duplicate_connections() is
  'Merges each group of active connections of one user to one provider account into the newest; returns how many were merged away.';
revoke all on function private.clicksend_merge_duplicate_connections() from public, anon, authenticated, service_role;

select private.clicksend_merge_duplicate_connections();


create unique index if not exists user_oauth_connections_one_active_account_idx
  on public.user_oauth_connections (user_id, oauth_provider_id, lower(external_username))
  where connection_status = 'active' and external_username is not null;
comment on index public.user_oauth_connections_one_active_account_idx is
  'One active connection per user and provider account: connecting the same account again is a rotate, not a second connection.';
