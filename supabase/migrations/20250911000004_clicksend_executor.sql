-- =====================================================================================
-- CLICKSEND EXECUTOR BOOKKEEPING: per-connection limits, receipt webhook tokens, receipts
-- =====================================================================================
-- Service-role-only functions the Edge Functions call:
--   * clicksend_acquire_call_slot / clicksend_release_call_slot enforce the provider's limits
--     from service_providers.configuration_metadata.limits (rate_limit_per_hour and
--     concurrent_requests) per connection, in the database, so every function instance agrees
--     (seed-review defect 15: the limits were decorative);
--   * clicksend_issue_webhook_token / clicksend_webhook_connection give each connection a secret
--     token for ClickSend's receipt push URL (stored as a SHA-256 hash only);
--   * clicksend_apply_receipt records a delivery receipt: duplicates are harmless and a final
--     status (201 delivered, 301 failed) is never overwritten by a pending one.
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- Call slots
-- -------------------------------------------------------------------------------------
create table if not exists private.clicksend_executor_calls (
  id bigint generated always as identity primary key,
  connection_id uuid not null references public.user_oauth_connections (id) on delete cascade,
  started_at timestamptz not null default clock_timestamp(),
  finished_at timestamptz
);
comment on table private.clicksend_executor_calls is 'One row per ClickSend call the executor made in the last hour, for the per-connection limits.';
create index if not exists clicksend_executor_calls_connection_idx
  on private.clicksend_executor_calls (connection_id, started_at);
revoke all on private.clicksend_executor_calls from public, anon, authenticated, service_role;
alter table private.clicksend_executor_calls enable row level security;

create or replace function public.clicksend_acquire_call_slot(p_connection_id uuid)
returns table (call_id bigint, retry_after_seconds integer)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_limits jsonb;
  v_hourly integer;
  v_concurrent integer;
  v_oldest timestamptz;
  v_in_hour integer;
  v_running integer;
  v_id bigint;
begin
  perform private.assert_clicksend_service_call(p_connection_id);
  -- One connection's slots are decided one at a time.
  perform pg_advisory_xact_lock(hashtextextended('clicksend_call_slot:' || p_connection_id::text, 0));

  select sp.configuration_metadata -> 'limits' into v_limits
    from public.service_providers sp where sp.name = 'clicksend_sms';
  v_hourly := coalesce((v_limits ->> 'rate_limit_per_hour')::integer, 1000);
  v_concurrent := coalesce((v_limits ->> 'concurrent_requests')::integer, 10);

  delete from private.clicksend_executor_calls c
   where c.connection_id = p_connection_id and c.started_at < clock_timestamp() - interval '1 hour';

  select count(*), min(c.started_at) into v_in_hour, v_oldest
    from private.clicksend_executor_calls c where c.connection_id = p_connection_id;
  if v_in_hour >= v_hourly then
    return query select null::bigint,
      greatest(1, ceil(extract(epoch from (v_oldest + interval '1 hour' - clock_timestamp())))::integer);
    return;
  end if;

  -- A call unfinished after 5 minutes is presumed dead and stops holding a slot.
  select count(*) into v_running
    from private.clicksend_executor_calls c
   where c.connection_id = p_connection_id and c.finished_at is null
     and c.started_at > clock_timestamp() - interval '5 minutes';
  if v_running >= v_concurrent then
    return query select null::bigint, 1;
    return;
  end if;

  insert into private.clicksend_executor_calls (connection_id) values (p_connection_id) returning id into v_id;
  return query select v_id, 0;
end
$$;
comment on function public.clicksend_acquire_call_slot(uuid) is
  'Service role only: takes one of the connection''s call slots (hourly and concurrent limits from the provider metadata), or says how many seconds to wait.';
revoke all on function public.clicksend_acquire_call_slot(uuid) from public, anon, authenticated;
grant execute on function public.clicksend_acquire_call_slot(uuid) to service_role;

create or replace function public.clicksend_release_call_slot(p_call_id bigint)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'ClickSend call slots are available to the service role only' using errcode = '42501';
  end if;
  update private.clicksend_executor_calls set finished_at = clock_timestamp()
   where id = p_call_id and finished_at is null;
end
$$;
comment on function public.clicksend_release_call_slot(bigint) is 'Service role only: ends a call, freeing its concurrent slot (it still counts toward the hour).';
revoke all on function public.clicksend_release_call_slot(bigint) from public, anon, authenticated;
grant execute on function public.clicksend_release_call_slot(bigint) to service_role;

-- -------------------------------------------------------------------------------------
-- Receipt webhook tokens
-- -------------------------------------------------------------------------------------
create table if not exists private.clicksend_webhook_tokens (
  connection_id uuid primary key references public.user_oauth_connections (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now()
);
comment on table private.clicksend_webhook_tokens is 'SHA-256 of each connection''s receipt-webhook token; the token itself is never stored.';
revoke all on private.clicksend_webhook_tokens from public, anon, authenticated, service_role;
alter table private.clicksend_webhook_tokens enable row level security;

create or replace function public.clicksend_issue_webhook_token(p_connection_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_token text := encode(extensions.gen_random_bytes(24), 'hex');
begin
  perform private.assert_clicksend_service_call(p_connection_id);
  insert into private.clicksend_webhook_tokens (connection_id, token_hash)
  values (p_connection_id, encode(extensions.digest(v_token, 'sha256'), 'hex'))
  on conflict (connection_id) do update set token_hash = excluded.token_hash, created_at = now();
  return v_token;
end
$$;
comment on function public.clicksend_issue_webhook_token(uuid) is
  'Service role only: a new secret token for the connection''s receipt webhook URL (replaces any previous one).';
revoke all on function public.clicksend_issue_webhook_token(uuid) from public, anon, authenticated;
grant execute on function public.clicksend_issue_webhook_token(uuid) to service_role;

create or replace function public.clicksend_webhook_connection(p_token text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select t.connection_id
    from private.clicksend_webhook_tokens t
    join public.user_oauth_connections uoc on uoc.id = t.connection_id
   where current_setting('role', true) = 'service_role'
     and p_token ~ '^[0-9a-f]{48}$'
     and t.token_hash = encode(extensions.digest(p_token, 'sha256'), 'hex')
     and uoc.connection_status = 'active'
$$;
comment on function public.clicksend_webhook_connection(text) is
  'Service role only: the active connection a receipt-webhook token belongs to, or null.';
revoke all on function public.clicksend_webhook_connection(text) from public, anon, authenticated;
grant execute on function public.clicksend_webhook_connection(text) to service_role;

-- -------------------------------------------------------------------------------------
-- Receipts
-- -------------------------------------------------------------------------------------
create or replace function public.clicksend_apply_receipt(
  p_connection_id uuid,
  p_message_id text,
  p_status text,
  p_status_code text,
  p_received_at timestamptz
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_updated integer;
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'ClickSend receipts are applied by the service role only' using errcode = '42501';
  end if;
  update public.clicksend_messages m
     set status = coalesce(nullif(p_status, ''), m.status),
         status_code = p_status_code,
         status_updated_at = p_received_at
   where m.user_oauth_connection_id = p_connection_id
     and m.message_id = p_message_id
     and (
       -- a final status is never replaced by a pending one
       coalesce(m.status_code, '') not in ('201', '301')
       or p_status_code in ('201', '301')
     )
     and (
       -- among equals, the newest receipt wins; a final one always beats a pending one
       m.status_updated_at is null
       or m.status_updated_at <= p_received_at
       or (p_status_code in ('201', '301') and coalesce(m.status_code, '') not in ('201', '301'))
     );
  get diagnostics v_updated = row_count;
  return v_updated > 0;
end
$$;
comment on function public.clicksend_apply_receipt(uuid, text, text, text, timestamptz) is
  'Service role only: records a delivery receipt on the stored message; duplicates and late pending receipts change nothing.';
revoke all on function public.clicksend_apply_receipt(uuid, text, text, text, timestamptz) from public, anon, authenticated;
grant execute on function public.clicksend_apply_receipt(uuid, text, text, text, timestamptz) to service_role;
