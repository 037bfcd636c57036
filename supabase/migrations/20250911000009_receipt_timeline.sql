-- =====================================================================================
-- RECEIPT TIMELINE: every delivery receipt a message gets, readable by its owner
-- =====================================================================================
-- Until now the receipt webhook kept only the latest status on clicksend_messages, so a message
-- showed one code with no history and no error: the Receipts tab had to list ClickSend's own
-- unread receipts (one row per receipt, keyed by a 36-character id). Now:
-- 1. clicksend_receipt_events: one row per receipt received for a stored message (status code,
--    status word and text, error code and text, ClickSend's time and ours, and whether it
--    changed the message's status). A repeated identical receipt (ClickSend retries a push it
--    thinks failed) adds nothing. Owners read their own; only the service role writes, through
--    clicksend_apply_receipt.
-- 2. clicksend_apply_receipt and clicksend_receipt_push gain the receipt's status_text,
--    error_code and error_text (new signatures); the old ones stay as wrappers with the same
--    behaviour, so a receipt webhook deployed before this migration keeps working until the new
--    one is deployed.
-- 3. clicksend_message_receipts: one row per sent message with its agent's name, a text excerpt,
--    its latest status and the error of the receipt that set it, and how many receipts it has
--    (security_invoker: the caller's own rows only).
-- Rollback: supabase/rollback/clicksend_rollback.sql.
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- 1. Receipt events
-- -------------------------------------------------------------------------------------
create table if not exists public.clicksend_receipt_events (
  id bigint generated always as identity primary key,
  message_row_id uuid not null references public.clicksend_messages (id) on delete cascade,
  user_id uuid not null,
  user_oauth_connection_id uuid not null,
  status_code text check (status_code is null or status_code ~ '^[0-9]{1,5}$'),
  status text check (status is null or length(status) between 1 and 100),
  status_text text check (status_text is null or length(status_text) between 1 and 500),
  error_code text check (error_code is null or error_code ~ '^[0-9]{1,5}$'),
  error_text text check (error_text is null or length(error_text) between 1 and 500),
  receipt_at timestamptz not null,
  received_at timestamptz not null default now(),
  applied boolean not null,
  -- The owner is the connection's owner (the message's own user, set by clicksend_apply_receipt).
  constraint clicksend_receipt_events_connection_fk foreign key (user_oauth_connection_id, user_id)
    references public.user_oauth_connections (id, user_id) on delete cascade
);
comment on table public.clicksend_receipt_events is 'Every delivery receipt received for a stored message, oldest first by receipt_at; written by clicksend_apply_receipt only.';
comment on column public.clicksend_receipt_events.receipt_at is 'When ClickSend says the status happened (the receipt''s timestamp; the time it arrived when it had none).';
comment on column public.clicksend_receipt_events.received_at is 'When the receipt webhook stored it.';
comment on column public.clicksend_receipt_events.applied is 'Whether it changed the message''s status (false: a duplicate, an older receipt, or a pending one after a final one).';

-- A receipt ClickSend sends again (same message, code, error and time) is stored once. The index
-- also serves the timeline's order and the foreign key to the message.
create unique index if not exists clicksend_receipt_events_once
  on public.clicksend_receipt_events (message_row_id, receipt_at, coalesce(status_code, ''), coalesce(error_code, ''));
create index if not exists clicksend_receipt_events_connection_user_idx
  on public.clicksend_receipt_events (user_oauth_connection_id, user_id);
create index if not exists clicksend_receipt_events_user_idx
  on public.clicksend_receipt_events (user_id, received_at desc);
-- The Receipts tab pages a connection's messages newest first.
create index if not exists clicksend_messages_connection_created_idx
  on public.clicksend_messages (user_oauth_connection_id, created_at desc);

alter table public.clicksend_receipt_events enable row level security;
-- Signed-in users read (their own rows, by the policy) and nothing else; only the service role
-- (through clicksend_apply_receipt) writes.
revoke all on public.clicksend_receipt_events from public, anon, authenticated;
grant select on public.clicksend_receipt_events to authenticated;

drop policy if exists "Users can view own receipt events" on public.clicksend_receipt_events;
create policy "Users can view own receipt events" on public.clicksend_receipt_events
  for select to authenticated
  using (user_id = (select auth.uid()));

-- -------------------------------------------------------------------------------------
-- 2. Applying a receipt
-- -------------------------------------------------------------------------------------
-- The rules for the message's status are those of 20250911000004 (a final status, 201 or 301, is
-- never replaced by a pending one, and among equals the newest receipt wins) but one: the first
-- receipt always replaces the send's own status (SUCCESS, stored a fraction of a second after
-- ClickSend's whole-second receipt time, used to make an immediate 200 look older and be lost).
-- The message row is locked so two receipts of one message are decided one after the other.
create or replace function public.clicksend_apply_receipt(
  p_connection_id uuid,
  p_message_id text,
  p_status text,
  p_status_code text,
  p_received_at timestamptz,
  p_status_text text,
  p_error_code text,
  p_error_text text
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_message public.clicksend_messages%rowtype;
  v_applies boolean;
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'ClickSend receipts are applied by the service role only' using errcode = '42501';
  end if;
  select * into v_message
    from public.clicksend_messages m
   where m.user_oauth_connection_id = p_connection_id
     and m.message_id = p_message_id
     for update;
  if not found then
    return false;
  end if;

  v_applies :=
    (coalesce(v_message.status_code, '') not in ('201', '301') or p_status_code in ('201', '301'))
    and (
      -- the first receipt beats the send's own status, whatever its time: ClickSend dates a
      -- receipt in whole seconds, often before the instant the send's answer was stored
      coalesce(v_message.status_code, '') = ''
      or v_message.status_updated_at is null
      or v_message.status_updated_at <= p_received_at
      or (p_status_code in ('201', '301') and coalesce(v_message.status_code, '') not in ('201', '301'))
    );
  if v_applies then
    update public.clicksend_messages m
       set status = coalesce(nullif(p_status, ''), m.status),
           status_code = p_status_code,
           status_updated_at = p_received_at
     where m.id = v_message.id;
  end if;

  insert into public.clicksend_receipt_events (
    message_row_id, user_id, user_oauth_connection_id, status_code, status, status_text,
    error_code, error_text, receipt_at, applied)
  values (
    v_message.id, v_message.user_id, v_message.user_oauth_connection_id,
    -- Codes that are not numbers (no caller of ours sends one) are kept out rather than failing
    -- the receipt; long words are cut to the columns' bounds.
    case when p_status_code ~ '^[0-9]{1,5}$' then p_status_code end,
    nullif(left(p_status, 100), ''), nullif(left(p_status_text, 500), ''),
    case when p_error_code ~ '^[0-9]{1,5}$' then p_error_code end,
    nullif(left(p_error_text, 500), ''), p_received_at, v_applies)
  on conflict do nothing;
  return v_applies;
end
$$;
comment on function public.clicksend_apply_receipt(uuid, text, text, text, timestamptz, text, text, text) is
  'Service role only: records a delivery receipt as an event of the stored message (once) and, unless it is a duplicate, older, or pending after a final one, as the message''s status.';
revoke all on function public.clicksend_apply_receipt(uuid, text, text, text, timestamptz, text, text, text) from public, anon, authenticated;
grant execute on function public.clicksend_apply_receipt(uuid, text, text, text, timestamptz, text, text, text) to service_role;

-- The signature of 20250911000004, kept for callers that have no status text or error.
create or replace function public.clicksend_apply_receipt(
  p_connection_id uuid,
  p_message_id text,
  p_status text,
  p_status_code text,
  p_received_at timestamptz
)
returns boolean
language sql
security definer
set search_path = ''
as $$
  select public.clicksend_apply_receipt(p_connection_id, p_message_id, p_status, p_status_code,
    p_received_at, null, null, null)
$$;
comment on function public.clicksend_apply_receipt(uuid, text, text, text, timestamptz) is
  'Service role only: records a delivery receipt with no status text or error (see the eight-argument clicksend_apply_receipt).';
revoke all on function public.clicksend_apply_receipt(uuid, text, text, text, timestamptz) from public, anon, authenticated;
grant execute on function public.clicksend_apply_receipt(uuid, text, text, text, timestamptz) to service_role;

create or replace function public.clicksend_receipt_push(
  p_token text,
  p_message_id text,
  p_status text,
  p_status_code text,
  p_received_at timestamptz,
  p_status_text text,
  p_error_code text,
  p_error_text text
)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_connection_id uuid;
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'ClickSend receipts are applied by the service role only' using errcode = '42501';
  end if;
  v_connection_id := public.clicksend_webhook_connection(p_token);
  if v_connection_id is null then
    return 'invalid_token';
  end if;
  if public.clicksend_apply_receipt(v_connection_id, p_message_id, p_status, p_status_code, p_received_at,
                                    p_status_text, p_error_code, p_error_text) then
    return 'applied';
  end if;
  return 'ignored';
end
$$;
comment on function public.clicksend_receipt_push(text, text, text, text, timestamptz, text, text, text) is
  'Service role only: checks a receipt webhook token and records the receipt with its status text and error (see clicksend_apply_receipt): invalid_token, applied or ignored.';
revoke all on function public.clicksend_receipt_push(text, text, text, text, timestamptz, text, text, text) from public, anon, authenticated;
grant execute on function public.clicksend_receipt_push(text, text, text, text, timestamptz, text, text, text) to service_role;

-- The signature of 20250911000005, for a receipt webhook deployed before this migration.
create or replace function public.clicksend_receipt_push(
  p_token text,
  p_message_id text,
  p_status text,
  p_status_code text,
  p_received_at timestamptz
)
returns text
language sql
security definer
set search_path = ''
as $$
  select public.clicksend_receipt_push(p_token, p_message_id, p_status, p_status_code, p_received_at,
    null, null, null)
$$;
comment on function public.clicksend_receipt_push(text, text, text, text, timestamptz) is
  'Service role only: checks a receipt webhook token and records the receipt without status text or error (see the eight-argument clicksend_receipt_push).';
revoke all on function public.clicksend_receipt_push(text, text, text, text, timestamptz) from public, anon, authenticated;
grant execute on function public.clicksend_receipt_push(text, text, text, text, timestamptz) to service_role;

-- -------------------------------------------------------------------------------------
-- 3. One row per sent message, with its receipts summed up
-- -------------------------------------------------------------------------------------
-- The error shown is that of the latest receipt that set the message's current code, so a status
-- set otherwise (a cancellation stores Cancelled and 301 itself) shows no stale error.
create or replace view public.clicksend_message_receipts
with (security_invoker = true) as
select m.id,
       m.user_id,
       m.user_oauth_connection_id,
       m.message_id,
       m.channel,
       m.recipient,
       left(m.body, 160) as body_excerpt,
       length(m.body) as body_length,
       m.agent_id,
       a.name as agent_name,
       m.status,
       nullif(m.status_code, '') as status_code,
       latest.status_text,
       latest.error_code,
       latest.error_text,
       m.price,
       m.currency,
       m.created_at,
       m.scheduled_for,
       m.status_updated_at,
       (select count(*) from public.clicksend_receipt_events e where e.message_row_id = m.id)::integer as receipts
  from public.clicksend_messages m
  left join public.agents a on a.id = m.agent_id and a.user_id = m.user_id
  left join lateral (
    select e.status_text, e.error_code, e.error_text
      from public.clicksend_receipt_events e
     where e.message_row_id = m.id and e.applied
       and e.status_code is not distinct from nullif(m.status_code, '')
     order by e.receipt_at desc, e.id desc
     limit 1
  ) latest on true;
comment on view public.clicksend_message_receipts is 'One row per sent message (the caller''s own): recipient, a text excerpt, the agent''s name, the latest status with the error of the receipt that set it, and how many receipts arrived.';
revoke all on public.clicksend_message_receipts from public, anon;
revoke insert, update, delete, truncate on public.clicksend_message_receipts from authenticated;
grant select on public.clicksend_message_receipts to authenticated, service_role;
