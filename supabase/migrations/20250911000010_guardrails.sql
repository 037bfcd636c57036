-- =====================================================================================
-- GUARDRAILS: opt-outs, per-agent policy (recipient rules, quiet hours, limits) and approvals
-- =====================================================================================
-- Issue 15. Everything is decided here, in the same database call that authorises a send
-- (clicksend_prepare_call), so no send path can skip it and the limits hold under concurrency:
-- 1. Opt-outs. public.clicksend_opt_outs is the suppression list of one user and one ClickSend
--    account (the username, lower-cased): it outlives disconnect, removal and reconnection and
--    applies to every connection of that account. public.clicksend_consent_events keeps every
--    change (a reply STOP/START, or a hand edit): history, never overwritten. A reply whose whole
--    text is a STOP word adds its sender (and names the scheduled messages to cancel); a START
--    word removes it. The user adds and removes numbers with clicksend_opt_out_add/_remove.
-- 2. public.agent_policies, one optional row per agent, the owner's under RLS: daily message
--    limit, monthly spend limit, allowed recipients and countries, quiet hours, approval mode.
-- 3. public.agent_approvals: sends held for a person's decision (approval_mode), decided by
--    agent_approval_decide and closed with agent_approval_record (service role only).
-- 4. clicksend_prepare_call (redefined whole; unchanged from 20250911000008 except where marked
--    GUARDRAILS) runs, for a send: the approval the key already has, the replay, then per
--    recipient opt-outs and recipient rules (refused recipients are stored with status OPTED_OUT,
--    RECIPIENT_NOT_ALLOWED or COUNTRY_NOT_ALLOWED and never sent), quiet hours, the daily and
--    monthly limits under a lock on the agent's policy row, and approval.
-- Rollback: supabase/rollback/clicksend_rollback.sql section 2c.
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- 0. What a send plans, kept with each message (for the limits)
-- -------------------------------------------------------------------------------------
alter table public.clicksend_messages add column if not exists planned_parts integer;
alter table public.clicksend_messages add column if not exists planned_price numeric(14, 6);
alter table public.clicksend_messages drop constraint if exists clicksend_messages_planned_parts_check;
alter table public.clicksend_messages add constraint clicksend_messages_planned_parts_check
  check (planned_parts is null or planned_parts between 1 and 100);
alter table public.clicksend_messages drop constraint if exists clicksend_messages_planned_price_check;
alter table public.clicksend_messages add constraint clicksend_messages_planned_price_check
  check (planned_price is null or planned_price >= 0);
comment on column public.clicksend_messages.planned_parts is 'Parts per message by the product''s own segment count before sending (the daily limit counts these).';
comment on column public.clicksend_messages.planned_price is 'ClickSend''s quoted price before sending, when the agent has a monthly spend limit.';

-- The limits add up an agent's recent messages.
create index if not exists clicksend_messages_agent_created_idx
  on public.clicksend_messages (agent_id, created_at desc) where agent_id is not null;
-- Opt-outs find a number's scheduled messages.
create index if not exists clicksend_messages_user_recipient_idx
  on public.clicksend_messages (user_id, recipient) where status = 'Scheduled';

-- Statuses of recipients refused before ClickSend (never sent, never charged).
create or replace function private.clicksend_policy_statuses() returns text[]
language sql immutable set search_path = '' as $$
  select array['OPTED_OUT', 'RECIPIENT_NOT_ALLOWED', 'COUNTRY_NOT_ALLOWED']
$$;
revoke all on function private.clicksend_policy_statuses() from public, anon, authenticated, service_role;
comment on function private.clicksend_policy_statuses() is 'Statuses of recipients refused before ClickSend (never sent, never charged, never counted against a limit).';

-- -------------------------------------------------------------------------------------
-- 1. Opt-outs
-- -------------------------------------------------------------------------------------
create table if not exists public.clicksend_opt_outs (
  user_id uuid not null references auth.users (id) on delete cascade,
  account_username text not null check (account_username = lower(account_username)
    and length(account_username) between 1 and 200),
  phone text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  source text not null check (source in ('reply', 'manual')),
  since timestamptz not null default now(),
  primary key (user_id, account_username, phone)
);
comment on table public.clicksend_opt_outs is 'Numbers that must not be texted from one ClickSend account of one user (the suppression list); kept through disconnect and reconnection.';

create table if not exists public.clicksend_consent_events (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  account_username text not null check (length(account_username) between 1 and 200),
  phone text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  action text not null check (action in ('opt_out', 'opt_in')),
  source text not null check (source in ('reply', 'manual')),
  keyword text check (keyword is null or length(keyword) <= 20),
  inbound_message_id uuid references public.clicksend_inbound_messages (id) on delete set null,
  created_at timestamptz not null default now()
);
comment on table public.clicksend_consent_events is 'Every opt-out and opt-in of a number, by reply or by hand: consent history, never overwritten.';
create index if not exists clicksend_consent_events_number_idx
  on public.clicksend_consent_events (user_id, account_username, phone, created_at desc);
create index if not exists clicksend_consent_events_inbound_idx
  on public.clicksend_consent_events (inbound_message_id);

alter table public.clicksend_opt_outs enable row level security;
alter table public.clicksend_consent_events enable row level security;
revoke all on public.clicksend_opt_outs, public.clicksend_consent_events from anon;
revoke insert, update, delete, truncate on public.clicksend_opt_outs, public.clicksend_consent_events
  from authenticated;
grant select on public.clicksend_opt_outs, public.clicksend_consent_events to authenticated;

drop policy if exists "Users can view own opt-outs" on public.clicksend_opt_outs;
create policy "Users can view own opt-outs" on public.clicksend_opt_outs
  for select to authenticated using (user_id = (select auth.uid()));
drop policy if exists "Users can view own consent history" on public.clicksend_consent_events;
create policy "Users can view own consent history" on public.clicksend_consent_events
  for select to authenticated using (user_id = (select auth.uid()));

-- A reply marked as an opt-out or opt-in.
alter table public.clicksend_inbound_messages add column if not exists consent text;
alter table public.clicksend_inbound_messages drop constraint if exists clicksend_inbound_messages_consent_check;
alter table public.clicksend_inbound_messages add constraint clicksend_inbound_messages_consent_check
  check (consent is null or consent in ('opt_out', 'opt_in'));
comment on column public.clicksend_inbound_messages.consent is 'opt_out or opt_in when the whole reply is a STOP or START word: not something for an agent to act on.';

-- The whole reply, trimmed and in any case, as a consent word (contracts/guardrails.ts holds the
-- same lists; a test compares them).
create or replace function private.clicksend_consent_keyword(p_body text) returns text
language sql immutable set search_path = '' as $$
  select case
    when upper(btrim(p_body, E' \t\r\n')) in ('STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT') then 'opt_out'
    when upper(btrim(p_body, E' \t\r\n')) in ('START', 'UNSTOP', 'YES') then 'opt_in'
  end
$$;
revoke all on function private.clicksend_consent_keyword(text) from public, anon, authenticated, service_role;
comment on function private.clicksend_consent_keyword(text) is 'opt_out or opt_in when the whole reply (trimmed, any case) is a STOP or START word; null otherwise.';

-- A number as ClickSend writes a sender (+61…, 61…, with spaces): E.164, or null.
create or replace function private.clicksend_e164(p_number text) returns text
language sql immutable set search_path = '' as $$
  select case when n ~ '^\+[1-9][0-9]{6,14}$' then n end
    from (select case when d like '+%' then d else '+' || d end as n
            from (select regexp_replace(coalesce(p_number, ''), '[^0-9+]', '', 'g') as d) x) y
$$;
revoke all on function private.clicksend_e164(text) from public, anon, authenticated, service_role;
comment on function private.clicksend_e164(text) is 'A sender number as E.164 (+ added, spaces and punctuation dropped), or null when it is not one.';

-- Records one consent change: the list and the history together. Answers the ClickSend ids of
-- the number's messages still scheduled on the account (an opt-out cancels them).
create or replace function private.clicksend_set_consent(p_user_id uuid, p_account text, p_phone text,
  p_action text, p_source text, p_keyword text, p_inbound_id uuid)
returns text[]
language plpgsql security definer set search_path = '' as $$
declare
  v_cancel text[] := '{}';
begin
  insert into public.clicksend_consent_events (user_id, account_username, phone, action, source, keyword,
    inbound_message_id)
  values (p_user_id, p_account, p_phone, p_action, p_source, p_keyword, p_inbound_id);
  if p_action = 'opt_out' then
    insert into public.clicksend_opt_outs (user_id, account_username, phone, source)
    values (p_user_id, p_account, p_phone, p_source)
    on conflict (user_id, account_username, phone) do nothing;
    select coalesce(array_agg(m.message_id), '{}') into v_cancel
      from public.clicksend_messages m
      join public.user_oauth_connections uoc on uoc.id = m.user_oauth_connection_id
     where m.user_id = p_user_id and m.recipient = p_phone and m.status = 'Scheduled'
       and m.message_id is not null and (m.scheduled_for is null or m.scheduled_for > now())
       and lower(uoc.external_username) = p_account;
  else
    delete from public.clicksend_opt_outs o
     where o.user_id = p_user_id and o.account_username = p_account and o.phone = p_phone;
  end if;
  return v_cancel;
end
$$;
revoke all on function private.clicksend_set_consent(uuid, text, text, text, text, text, uuid)
  from public, anon, authenticated, service_role;
comment on function private.clicksend_set_consent(uuid, text, text, text, text, text, uuid) is 'Records one consent change in the opt-out list and the history; answers the ClickSend ids of the number''s scheduled messages an opt-out cancels.';

-- The user adds a number to a connection's account's list by hand.
create or replace function public.clicksend_opt_out_add(p_connection_id uuid, p_phone text)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_user_id uuid := auth.uid();
  v_account text;
  v_cancel text[];
begin
  if v_user_id is null then
    raise exception 'sign in to change opt-outs' using errcode = '42501';
  end if;
  if p_phone is null or p_phone !~ '^\+[1-9][0-9]{6,14}$' then
    raise exception 'phone must be an E.164 number such as +61411111111' using errcode = '22023';
  end if;
  select lower(uoc.external_username) into v_account from public.user_oauth_connections uoc
   where uoc.id = p_connection_id and uoc.user_id = v_user_id;
  if v_account is null then
    raise exception 'no ClickSend connection with that id in your account' using errcode = '22023';
  end if;
  if exists (select 1 from public.clicksend_opt_outs o
              where o.user_id = v_user_id and o.account_username = v_account and o.phone = p_phone) then
    return jsonb_build_object('added', false, 'account_username', v_account, 'phone', p_phone, 'cancel', '[]'::jsonb);
  end if;
  v_cancel := private.clicksend_set_consent(v_user_id, v_account, p_phone, 'opt_out', 'manual', null, null);
  return jsonb_build_object('added', true, 'account_username', v_account, 'phone', p_phone,
    'cancel', to_jsonb(v_cancel));
end
$$;
comment on function public.clicksend_opt_out_add(uuid, text) is
  'Adds an E.164 number to the opt-out list of the caller''s connection''s ClickSend account (recorded in the consent history).';
revoke all on function public.clicksend_opt_out_add(uuid, text) from public, anon;
grant execute on function public.clicksend_opt_out_add(uuid, text) to authenticated;

-- The user removes a number from one of their accounts' lists by hand.
create or replace function public.clicksend_opt_out_remove(p_account_username text, p_phone text)
returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  v_user_id uuid := auth.uid();
begin
  if v_user_id is null then
    raise exception 'sign in to change opt-outs' using errcode = '42501';
  end if;
  if not exists (select 1 from public.clicksend_opt_outs o
                  where o.user_id = v_user_id and o.account_username = lower(p_account_username)
                    and o.phone = p_phone) then
    return false;
  end if;
  perform private.clicksend_set_consent(v_user_id, lower(p_account_username), p_phone, 'opt_in', 'manual', null, null);
  return true;
end
$$;
comment on function public.clicksend_opt_out_remove(text, text) is
  'Removes a number from the caller''s opt-out list of one ClickSend account (recorded in the consent history); false when it was not there.';
revoke all on function public.clicksend_opt_out_remove(text, text) from public, anon;
grant execute on function public.clicksend_opt_out_remove(text, text) to authenticated;

-- -------------------------------------------------------------------------------------
-- 2. Per-agent policy
-- -------------------------------------------------------------------------------------
create table if not exists public.agent_policies (
  agent_id uuid primary key,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  daily_message_limit integer check (daily_message_limit is null or daily_message_limit between 1 and 1000000),
  -- NaN is above every number in Postgres, so a NaN limit would refuse nothing.
  monthly_spend_limit numeric(12, 4) check (monthly_spend_limit is null
    or (monthly_spend_limit > 0 and monthly_spend_limit <> 'NaN')),
  -- Lists, not tables: unnest would flatten a two-dimensional array past the trigger's check.
  allowed_recipients text[] check (allowed_recipients is null
    or (cardinality(allowed_recipients) <= 500 and coalesce(array_ndims(allowed_recipients), 1) = 1)),
  allowed_countries text[] check (allowed_countries is null
    or (cardinality(allowed_countries) <= 250 and coalesce(array_ndims(allowed_countries), 1) = 1)),
  -- A time of day to the second: not 24:00, not 'now' with its fractions.
  quiet_hours_start time check (quiet_hours_start is null
    or (quiet_hours_start < '24:00' and quiet_hours_start = quiet_hours_start::time(0))),
  quiet_hours_end time check (quiet_hours_end is null
    or (quiet_hours_end < '24:00' and quiet_hours_end = quiet_hours_end::time(0))),
  quiet_hours_timezone text check (quiet_hours_timezone is null or length(quiet_hours_timezone) between 1 and 64),
  approval_mode text not null default 'never' check (approval_mode in ('never', 'first_contact', 'always')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_policies_agent_fk foreign key (agent_id, user_id)
    references public.agents (id, user_id) on delete cascade,
  constraint agent_policies_quiet_hours check (
    (quiet_hours_start is null) = (quiet_hours_end is null)
    and (quiet_hours_start is null or quiet_hours_start <> quiet_hours_end))
);
comment on table public.agent_policies is 'One agent''s limits and safety rules (none means no limits beyond its grants); enforced by clicksend_prepare_call.';
comment on column public.agent_policies.daily_message_limit is 'Messages (recipients x parts) in a rolling 24 hours.';
comment on column public.agent_policies.monthly_spend_limit is 'Spend in the account''s currency over the calendar month in quiet_hours_timezone (UTC when unset).';
comment on column public.agent_policies.allowed_recipients is 'E.164 numbers or prefixes ending in * (e.g. +6141*); when set, nothing else may be texted.';
comment on column public.agent_policies.allowed_countries is 'ISO 3166 alpha-2 codes; when set, numbers of other countries are refused.';
comment on column public.agent_policies.approval_mode is 'never, first_contact (a number this agent never texted) or always.';
create index if not exists agent_policies_agent_user_idx on public.agent_policies (agent_id, user_id);
create index if not exists agent_policies_user_idx on public.agent_policies (user_id);

-- Each rule well formed and the time zone one Postgres knows (checked by using it: a check
-- constraint cannot), with an error that names the field and the bad value.
create or replace function private.agent_policy_check() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_bad text;
begin
  select r into v_bad from unnest(new.allowed_recipients) r
   where r is null or not (r ~ '^\+[1-9][0-9]{6,14}$' or r ~ '^\+[1-9][0-9]{0,13}\*$') limit 1;
  if found then
    raise exception 'allowed_recipients: % is neither an E.164 number (+61411111111) nor a prefix ending in * (+6141*)',
      coalesce(v_bad, 'null') using errcode = '22023';
  end if;
  select c into v_bad from unnest(new.allowed_countries) c where c is null or c !~ '^[A-Z]{2}$' limit 1;
  if found then
    raise exception 'allowed_countries: % is not a two-letter ISO country code such as AU', coalesce(v_bad, 'null')
      using errcode = '22023';
  end if;
  -- An IANA name Postgres knows (not a POSIX rule such as 'ABC+5', which it would also take).
  if new.quiet_hours_timezone is not null
     and not exists (select 1 from pg_catalog.pg_timezone_names z where z.name = new.quiet_hours_timezone) then
    raise exception 'quiet_hours_timezone: % is not a known time zone (use an IANA name such as Australia/Sydney)',
      new.quiet_hours_timezone using errcode = '22023';
  end if;
  return new;
end
$$;
revoke all on function private.agent_policy_check() from public, anon, authenticated;
comment on function private.agent_policy_check() is 'Trigger: agent_policies rules well formed (recipients, countries, a known time zone), with errors naming the field.';
drop trigger if exists agent_policies_check on public.agent_policies;
create trigger agent_policies_check before insert or update on public.agent_policies
  for each row execute function private.agent_policy_check();
drop trigger if exists agent_policies_updated_at on public.agent_policies;
create trigger agent_policies_updated_at before update on public.agent_policies
  for each row execute function public.set_updated_at();

alter table public.agent_policies enable row level security;
revoke all on public.agent_policies from anon;
grant select, insert, update, delete on public.agent_policies to authenticated;
drop policy if exists "Users can view own agent policies" on public.agent_policies;
create policy "Users can view own agent policies" on public.agent_policies
  for select to authenticated using (user_id = (select auth.uid()));
drop policy if exists "Users can create own agent policies" on public.agent_policies;
create policy "Users can create own agent policies" on public.agent_policies
  for insert to authenticated with check (user_id = (select auth.uid()));
drop policy if exists "Users can update own agent policies" on public.agent_policies;
create policy "Users can update own agent policies" on public.agent_policies
  for update to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
drop policy if exists "Users can delete own agent policies" on public.agent_policies;
create policy "Users can delete own agent policies" on public.agent_policies
  for delete to authenticated using (user_id = (select auth.uid()));

-- When a send at p_at falls in quiet hours, the moment sending opens again; null otherwise.
-- start later than end spans midnight.
create or replace function private.agent_quiet_hours_open_at(p_start time, p_end time, p_timezone text,
  p_at timestamptz)
returns timestamptz
language plpgsql stable set search_path = '' as $$
declare
  v_local timestamp;
  v_time time;
  v_day date;
begin
  if p_start is null or p_end is null then
    return null;
  end if;
  v_local := p_at at time zone coalesce(p_timezone, 'UTC');
  v_time := v_local::time;
  v_day := v_local::date;
  if p_start < p_end then
    if v_time >= p_start and v_time < p_end then
      return (v_day + p_end) at time zone coalesce(p_timezone, 'UTC');
    end if;
  elsif v_time >= p_start then
    return (v_day + 1 + p_end) at time zone coalesce(p_timezone, 'UTC');
  elsif v_time < p_end then
    return (v_day + p_end) at time zone coalesce(p_timezone, 'UTC');
  end if;
  return null;
end
$$;
revoke all on function private.agent_quiet_hours_open_at(time, time, text, timestamptz) from public, anon, authenticated, service_role;
comment on function private.agent_quiet_hours_open_at(time, time, text, timestamptz) is 'When a send at p_at falls in quiet hours (start later than end spans midnight), the moment sending opens again; null otherwise.';

-- Why one recipient may not be texted: opt-out first, then the agent's recipient rules.
create or replace function private.clicksend_recipient_refusal(p_user_id uuid, p_account text,
  p_allowed_recipients text[], p_allowed_countries text[], p_recipient text, p_country text)
returns text
language sql stable security definer set search_path = '' as $$
  select case
    when exists (select 1 from public.clicksend_opt_outs o
                  where o.user_id = p_user_id and o.account_username = p_account and o.phone = p_recipient)
      then 'OPTED_OUT'
    when p_allowed_recipients is not null and not exists (
           select 1 from unnest(p_allowed_recipients) r
            where r = p_recipient or (r like '%*' and p_recipient like left(r, -1) || '%'))
      then 'RECIPIENT_NOT_ALLOWED'
    when p_allowed_countries is not null and (p_country is null or not (p_country = any (p_allowed_countries)))
      then 'COUNTRY_NOT_ALLOWED'
  end
$$;
revoke all on function private.clicksend_recipient_refusal(uuid, text, text[], text[], text, text) from public, anon, authenticated, service_role;
comment on function private.clicksend_recipient_refusal(uuid, text, text[], text[], text, text) is 'Why one recipient may not be texted (OPTED_OUT, RECIPIENT_NOT_ALLOWED, COUNTRY_NOT_ALLOWED), opt-out first; null when it may.';

-- What an agent has used: messages (parts) in the last 24 hours, spend this calendar month.
create or replace function private.agent_daily_usage(p_agent_id uuid) returns bigint
language sql security definer set search_path = '' as $$
  select coalesce(sum(coalesce(m.planned_parts, m.message_parts, 1)), 0)::bigint
    from public.clicksend_messages m
   where m.agent_id = p_agent_id and m.created_at > now() - interval '24 hours'
     and not (m.status = any (private.clicksend_policy_statuses()))
$$;
create or replace function private.agent_month_spend(p_agent_id uuid, p_timezone text) returns numeric
language sql security definer set search_path = '' as $$
  select coalesce(sum(coalesce(m.price, m.planned_price, 0)), 0)
    from public.clicksend_messages m
   where m.agent_id = p_agent_id
     and m.created_at >= (date_trunc('month', now() at time zone coalesce(p_timezone, 'UTC'))
                          at time zone coalesce(p_timezone, 'UTC'))
     and not (m.status = any (private.clicksend_policy_statuses()))
$$;
revoke all on function private.agent_daily_usage(uuid) from public, anon, authenticated, service_role;
revoke all on function private.agent_month_spend(uuid, text) from public, anon, authenticated, service_role;
comment on function private.agent_daily_usage(uuid) is 'An agent''s messages (parts) in the last 24 hours, refused recipients not counted.';
comment on function private.agent_month_spend(uuid, text) is 'An agent''s spend this calendar month in the time zone (UTC when null), refused recipients not counted.';

-- -------------------------------------------------------------------------------------
-- 3. Approvals
-- -------------------------------------------------------------------------------------
create table if not exists public.agent_approvals (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  agent_id uuid not null,
  connection_id uuid,
  tool text not null check (tool in ('clicksend_send_sms', 'clicksend_send_mms')),
  idempotency_key text not null check (length(idempotency_key) between 1 and 255),
  request jsonb not null check (jsonb_typeof(request) = 'object'),
  recipients integer not null check (recipients >= 0),
  parts integer not null check (parts >= 1),
  price numeric(14, 6) check (price is null or price >= 0),
  currency text check (currency is null or currency ~ '^[A-Z]{3}$'),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  expires_at timestamptz not null default now() + interval '24 hours',
  decided_at timestamptz,
  edited_body boolean not null default false,
  outcome jsonb,
  created_at timestamptz not null default now(),
  constraint agent_approvals_agent_fk foreign key (agent_id, user_id)
    references public.agents (id, user_id) on delete cascade,
  constraint agent_approvals_connection_fk foreign key (connection_id, user_id)
    references public.user_oauth_connections (id, user_id) on delete set null (connection_id),
  constraint agent_approvals_once unique (agent_id, idempotency_key)
);
comment on table public.agent_approvals is 'Agent sends held for a person''s decision; pending ones expire after 24 hours. Written by the service role only.';
comment on column public.agent_approvals.outcome is 'What the approved send answered the agent ({status, body}); null while pending or rejected.';
create index if not exists agent_approvals_user_idx on public.agent_approvals (user_id, created_at desc);
create index if not exists agent_approvals_connection_idx on public.agent_approvals (connection_id, user_id);
create index if not exists agent_approvals_agent_user_idx on public.agent_approvals (agent_id, user_id);

alter table public.agent_approvals enable row level security;
revoke all on public.agent_approvals from anon;
revoke insert, update, delete, truncate on public.agent_approvals from authenticated;
grant select on public.agent_approvals to authenticated;
drop policy if exists "Users can view own approvals" on public.agent_approvals;
create policy "Users can view own approvals" on public.agent_approvals
  for select to authenticated using (user_id = (select auth.uid()));

-- Decides a held send for its owner. Answers {outcome: not_found | closed | rejected | approve},
-- `closed` with the approval's state (expired, rejected) and `approve` with the request to send
-- (again, for a second approve: the send's idempotency key makes it send once).
create or replace function public.agent_approval_decide(p_user_id uuid, p_approval_id uuid, p_decision text,
  p_body text default null)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_row public.agent_approvals;
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'approvals are decided by the service role only' using errcode = '42501';
  end if;
  if p_decision is null or p_decision not in ('approve', 'reject') then
    raise exception 'decision must be approve or reject' using errcode = '22023';
  end if;
  select * into v_row from public.agent_approvals a
   where a.id = p_approval_id and a.user_id = p_user_id for update;
  if v_row.id is null then
    return jsonb_build_object('outcome', 'not_found');
  end if;
  if v_row.status = 'rejected' or (v_row.status = 'pending' and v_row.expires_at <= now()) then
    return jsonb_build_object('outcome', 'closed', 'state',
      case when v_row.status = 'rejected' then 'rejected' else 'expired' end);
  end if;
  if v_row.status = 'approved' then
    if p_decision = 'reject' then
      return jsonb_build_object('outcome', 'closed', 'state', 'approved', 'result', v_row.outcome);
    end if;
    return jsonb_build_object('outcome', 'approve', 'approval', to_jsonb(v_row), 'first', false);
  end if;
  if p_decision = 'reject' then
    update public.agent_approvals a set status = 'rejected', decided_at = now() where a.id = v_row.id
    returning * into v_row;
    return jsonb_build_object('outcome', 'rejected', 'approval', to_jsonb(v_row));
  end if;
  update public.agent_approvals a
     set status = 'approved', decided_at = now(),
         request = case when p_body is null then a.request else jsonb_set(a.request, '{body}', to_jsonb(p_body)) end,
         edited_body = p_body is not null and p_body is distinct from a.request ->> 'body'
   where a.id = v_row.id
  returning * into v_row;
  return jsonb_build_object('outcome', 'approve', 'approval', to_jsonb(v_row), 'first', true);
end
$$;
comment on function public.agent_approval_decide(uuid, uuid, text, text) is
  'Service role only: approves (optionally with an edited body) or rejects a pending approval of p_user_id''s; closed when expired or rejected.';
revoke all on function public.agent_approval_decide(uuid, uuid, text, text) from public, anon, authenticated;
grant execute on function public.agent_approval_decide(uuid, uuid, text, text) to service_role;

-- Keeps what an approved send answered (the first answer stays). Answers {outcome, recorded}:
-- the kept answer, and whether this call kept it (only then is the agent told).
create or replace function public.agent_approval_record(p_approval_id uuid, p_outcome jsonb)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_outcome jsonb;
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'approvals are recorded by the service role only' using errcode = '42501';
  end if;
  update public.agent_approvals a set outcome = p_outcome
   where a.id = p_approval_id and a.status = 'approved' and a.outcome is null
  returning a.outcome into v_outcome;
  if v_outcome is not null then
    return jsonb_build_object('outcome', v_outcome, 'recorded', true);
  end if;
  select a.outcome into v_outcome from public.agent_approvals a where a.id = p_approval_id;
  return jsonb_build_object('outcome', v_outcome, 'recorded', false);
end
$$;
comment on function public.agent_approval_record(uuid, jsonb) is
  'Service role only: records an approved send''s answer once; answers the kept answer and whether this call recorded it.';
revoke all on function public.agent_approval_record(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.agent_approval_record(uuid, jsonb) to service_role;

-- -------------------------------------------------------------------------------------
-- 4. Replies: STOP and START words change the opt-out list
-- -------------------------------------------------------------------------------------
-- Unchanged from 20250911000007 except GUARDRAILS: a stored reply's consent word is recorded
-- (consent column, opt-out list, history) and the answer carries the user and the scheduled
-- messages to cancel.
create or replace function private.clicksend_store_replies(p_connection_id uuid, p_messages jsonb, p_source text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid;
  v_account text;
  v_stored jsonb;
  v_reply record;
  v_phone text;
  v_cancel text[] := '{}';
begin
  select uoc.user_id, lower(uoc.external_username) into v_user_id, v_account
    from public.user_oauth_connections uoc where uoc.id = p_connection_id;
  with input as (
    select r.message_id, r."from" as from_number, nullif(r."to", '') as to_number, coalesce(r.body, '') as body,
           nullif(r.original_message_id, '') as original_message_id, nullif(r.custom_string, '') as custom_string,
           coalesce(r.received_at, now()) as received_at
      from jsonb_to_recordset(p_messages) as r (message_id text, "from" text, "to" text, body text,
        original_message_id text, custom_string text, received_at timestamptz)
  ),
  linked as (
    select i.*, coalesce(
             (select m.id from public.clicksend_messages m
               where m.user_oauth_connection_id = p_connection_id and m.message_id = i.original_message_id
               limit 1),
             (select m.id from public.clicksend_messages m
               where m.user_oauth_connection_id = p_connection_id
                 and i.custom_string ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                 and m.id = i.custom_string::uuid and m.custom_string is null)
           ) as message_row_id
      from input i
  ),
  inserted as (
    insert into public.clicksend_inbound_messages (user_id, user_oauth_connection_id, clicksend_message_id,
      from_number, to_number, body, original_message_id, custom_string, message_row_id, agent_id, source,
      received_at, consent)
    select v_user_id, p_connection_id, l.message_id, l.from_number, l.to_number, l.body, l.original_message_id,
           l.custom_string, l.message_row_id, m.agent_id, p_source, l.received_at,
           case when private.clicksend_e164(l.from_number) is not null and v_account is not null
                then private.clicksend_consent_keyword(l.body) end
      from linked l
      left join public.clicksend_messages m on m.id = l.message_row_id
    on conflict (user_oauth_connection_id, clicksend_message_id) do nothing
    returning id, clicksend_message_id, from_number, to_number, body, original_message_id, custom_string,
      message_row_id, agent_id, received_at, consent
  )
  select coalesce(jsonb_agg(to_jsonb(ins) order by ins.received_at), '[]'::jsonb) into v_stored from inserted ins;

  -- GUARDRAILS: each consent word, oldest first, changes the account's list.
  for v_reply in
    select (e ->> 'id')::uuid as id, e ->> 'from_number' as from_number, e ->> 'consent' as consent,
           upper(btrim(e ->> 'body', E' \t\r\n')) as keyword
      from jsonb_array_elements(v_stored) e
     where e ->> 'consent' is not null
     order by (e ->> 'received_at')::timestamptz
  loop
    v_phone := private.clicksend_e164(v_reply.from_number);
    v_cancel := v_cancel || private.clicksend_set_consent(v_user_id, v_account, v_phone, v_reply.consent,
      'reply', v_reply.keyword, v_reply.id);
  end loop;

  return jsonb_build_object(
    'stored', v_stored,
    'user_id', v_user_id,
    'cancel', to_jsonb(v_cancel),
    'known', (select coalesce(jsonb_agg(i.clicksend_message_id), '[]'::jsonb)
                from public.clicksend_inbound_messages i
               where i.user_oauth_connection_id = p_connection_id
                 and i.clicksend_message_id in (select r.message_id from jsonb_to_recordset(p_messages) as r (message_id text)))
  );
end
$$;
comment on function private.clicksend_store_replies(uuid, jsonb, text) is
  'Stores replies once per connection and ClickSend message id, linked to the message they answer and its agent; a STOP or START reply changes the account''s opt-out list.';
revoke all on function private.clicksend_store_replies(uuid, jsonb, text) from public, anon, authenticated, service_role;

-- Unchanged from 20250911000007 except GUARDRAILS: the answer carries user_id and cancel.
create or replace function public.clicksend_inbound_push(p_token text, p_message jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_connection_id uuid;
  v_result jsonb;
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'ClickSend replies are stored by the service role only' using errcode = '42501';
  end if;
  v_connection_id := public.clicksend_webhook_connection(p_token);
  if v_connection_id is null then
    return jsonb_build_object('outcome', 'invalid_token');
  end if;
  v_result := private.clicksend_store_replies(v_connection_id, jsonb_build_array(p_message), 'push');
  return jsonb_build_object(
    'outcome', case when jsonb_array_length(v_result -> 'stored') > 0 then 'stored' else 'duplicate' end,
    'connection_id', v_connection_id,
    'user_id', v_result -> 'user_id',
    'cancel', v_result -> 'cancel',
    'stored', v_result -> 'stored');
end
$$;
comment on function public.clicksend_inbound_push(text, jsonb) is
  'Service role only: checks a push token and stores the reply once: invalid_token, stored (with the reply and any scheduled messages an opt-out cancels) or duplicate.';
revoke all on function public.clicksend_inbound_push(text, jsonb) from public, anon, authenticated;
grant execute on function public.clicksend_inbound_push(text, jsonb) to service_role;

-- -------------------------------------------------------------------------------------
-- 5. The executor enforces it all
-- -------------------------------------------------------------------------------------
-- p_send gains (all optional): countries (each recipient's ISO country, in order), parts (per
-- message, by our segment count), prices ({recipient: price} from ClickSend's quote; later_price:
-- the quote of a bulk send's later parts), currency,
-- tool and request (what an approval keeps to send later), approval_id (the approved send).
create or replace function public.clicksend_prepare_call(
  p_requests integer,
  p_user_id uuid default null,
  p_agent_id uuid default null,
  p_connection_id uuid default null,
  p_scope text default null,
  p_send jsonb default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid;
  v_connection_id uuid;
  v_username text;
  v_name text;
  v_account jsonb;
  v_metadata jsonb;
  v_key text;
  v_key_prefix text;
  v_first integer;
  v_count integer;
  v_slots record;
  v_rows jsonb;
  -- GUARDRAILS
  v_policy public.agent_policies;
  v_approval public.agent_approvals;
  v_refusals text[];
  v_remaining text[];
  v_later integer;
  v_parts integer;
  v_requested bigint;
  v_used bigint;
  v_price numeric;
  v_spent numeric;
  v_at timestamptz;
  v_opens timestamptz;
  v_hold boolean;
  v_approved boolean := false;
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'ClickSend calls are prepared by the service role only' using errcode = '42501';
  end if;
  if p_send is not null and (
    jsonb_typeof(p_send -> 'recipients') is distinct from 'array'
    or coalesce(p_send ->> 'idempotency_key', '') = ''
    or coalesce(p_send ->> 'channel', '') not in ('sms', 'mms')
  ) then
    raise exception 'p_send needs channel, recipients and idempotency_key' using errcode = '22023';
  end if;

  if p_agent_id is not null then
    -- The agent path: the agent must be the caller's (any agent for the platform).
    select a.user_id into v_user_id from public.agents a
     where a.id = p_agent_id and (p_user_id is null or a.user_id = p_user_id);
    if v_user_id is null then
      return jsonb_build_object('outcome', 'agent_not_found');
    end if;
    if p_scope is null then
      -- Only the agent was asked about (e.g. to log a call refused before any grant check).
      return jsonb_build_object('outcome', 'agent_only', 'user_id', v_user_id);
    end if;
    -- Among the active, unexpired grants with the scope on active ClickSend connections: the
    -- connection that already holds this send (its first recipient's key), so a repeated or bulk
    -- send stays on one account; else the agent's default; else the newest grant.
    v_key_prefix := (p_send ->> 'idempotency_key') || ':';
    select uoc.id, uoc.connection_name, uoc.external_username, uoc.connection_metadata
      into v_connection_id, v_name, v_username, v_metadata
      from public.agent_integration_permissions aip
      join public.user_oauth_connections uoc
        on uoc.id = aip.user_oauth_connection_id and uoc.user_id = aip.user_id
      join public.service_providers sp on sp.id = uoc.oauth_provider_id
      join public.agents a_default on a_default.id = aip.agent_id
     where aip.agent_id = p_agent_id
       and aip.user_id = v_user_id
       and aip.is_active
       and (aip.expires_at is null or aip.expires_at > now())
       and uoc.connection_status = 'active'
       and sp.name = 'clicksend_sms'
       and sp.is_enabled
       and aip.allowed_scopes ? p_scope
     order by (p_send is not null and exists (
                select 1 from public.clicksend_messages m
                 where m.user_oauth_connection_id = uoc.id
                   and m.agent_id = p_agent_id
                   and m.idempotency_key = v_key_prefix || '0')) desc,
              (uoc.id is not distinct from a_default.default_connection_id) desc,
              aip.granted_at desc
     limit 1;
    if v_connection_id is null then
      return jsonb_build_object('outcome', 'permission_denied', 'user_id', v_user_id);
    end if;
  else
    -- The dashboard path: the caller's own active ClickSend connection.
    if p_user_id is null or p_connection_id is null then
      raise exception 'the dashboard path needs p_user_id and p_connection_id' using errcode = '22023';
    end if;
    select uoc.id, uoc.user_id, uoc.connection_name, uoc.external_username, uoc.connection_metadata
      into v_connection_id, v_user_id, v_name, v_username, v_metadata
      from public.user_oauth_connections uoc
      join public.service_providers sp on sp.id = uoc.oauth_provider_id
     where uoc.id = p_connection_id
       and uoc.user_id = p_user_id
       and uoc.connection_status = 'active'
       and sp.name = 'clicksend_sms';
    if v_connection_id is null then
      return jsonb_build_object('outcome', 'connection_not_found');
    end if;
  end if;

  -- The account the call uses, named in every answer from here on.
  v_account := jsonb_build_object('connection_id', v_connection_id, 'name', v_name,
    'username', v_username);

  if v_username is null then
    return jsonb_build_object('outcome', 'connection_unusable', 'user_id', v_user_id,
      'connection_id', v_connection_id, 'account', v_account);
  end if;

  v_key_prefix := (p_send ->> 'idempotency_key') || ':';
  v_first := coalesce((p_send ->> 'first_index')::integer, 0);

  -- GUARDRAILS: an approved send passes the approval step only as the approval it names: this
  -- agent's, for this key, approved.
  if p_agent_id is not null and p_send ->> 'approval_id' is not null then
    v_approved := exists (select 1 from public.agent_approvals ap
                           where ap.id::text = p_send ->> 'approval_id' and ap.agent_id = p_agent_id
                             and ap.idempotency_key = p_send ->> 'idempotency_key'
                             and ap.status = 'approved');
  end if;
  -- A key the agent already sent for approval answers with that approval (pending, closed, or,
  -- once approved, the send's own replay below).
  if p_agent_id is not null and p_send is not null and not v_approved then
    select * into v_approval from public.agent_approvals ap
     where ap.agent_id = p_agent_id and ap.idempotency_key = p_send ->> 'idempotency_key';
    if v_approval.id is not null and not (v_approval.status = 'approved' and exists (
          select 1 from public.clicksend_messages m
           where m.user_oauth_connection_id = v_connection_id and m.idempotency_key = v_key_prefix || '0')) then
      return jsonb_build_object('outcome', 'approval', 'user_id', v_user_id,
        'connection_id', v_connection_id, 'account', v_account,
        'approval_id', v_approval.id, 'expires_at', v_approval.expires_at,
        'state', case when v_approval.status = 'pending' and v_approval.expires_at <= now() then 'expired'
                      else v_approval.status end,
        'result', v_approval.outcome);
    end if;
  end if;

  -- A send whose idempotency key is already recorded answers with the first result. A bulk send
  -- may reserve its recipients in parts: first_index numbers a later part's first recipient, and
  -- total (the whole send's count) says how many rows a replay answers with.
  if p_send is not null and exists (
    select 1 from public.clicksend_messages m
     where m.user_oauth_connection_id = v_connection_id
       and m.idempotency_key = v_key_prefix || v_first::text
  ) then
    return jsonb_build_object('outcome', 'replay', 'user_id', v_user_id,
      'connection_id', v_connection_id, 'account', v_account,
      'rows', private.clicksend_message_rows(v_connection_id, v_key_prefix,
        coalesce((p_send ->> 'total')::integer, jsonb_array_length(p_send -> 'recipients'))));
  end if;

  select d.decrypted_secret into v_key
    from private.clicksend_credentials cc
    join vault.decrypted_secrets d on d.id = cc.vault_secret_id
   where cc.connection_id = v_connection_id;
  if v_key is null then
    return jsonb_build_object('outcome', 'connection_unusable', 'user_id', v_user_id,
      'connection_id', v_connection_id, 'account', v_account);
  end if;

  -- GUARDRAILS: opt-outs and recipient rules per recipient, then quiet hours, the limits (on the
  -- recipients that remain) and approval for the whole send (its first part decides for all).
  if p_send is not null then
    if p_agent_id is not null then
      select * into v_policy from public.agent_policies ap where ap.agent_id = p_agent_id;
    end if;
    select coalesce(array_agg(private.clicksend_recipient_refusal(v_user_id, lower(v_username),
             v_policy.allowed_recipients, v_policy.allowed_countries, r.value #>> '{}',
             p_send -> 'countries' ->> (r.ordinality - 1)::integer) order by r.ordinality), '{}')
      into v_refusals
      from jsonb_array_elements(p_send -> 'recipients') with ordinality r;
    select coalesce(array_agg(r.value #>> '{}' order by r.ordinality), '{}') into v_remaining
      from jsonb_array_elements(p_send -> 'recipients') with ordinality r
     where v_refusals[r.ordinality] is null;
    -- Recipients of later parts are not checked yet: counted as remaining (never under-counted).
    v_later := greatest(coalesce((p_send ->> 'total')::integer, 0) - v_first
                        - jsonb_array_length(p_send -> 'recipients'), 0);
    v_parts := greatest(coalesce((p_send ->> 'parts')::integer, 1), 1);

    if v_policy.agent_id is not null and v_first = 0 and cardinality(v_remaining) + v_later > 0 then
      v_at := coalesce((p_send ->> 'scheduled_for')::timestamptz, now());
      v_opens := private.agent_quiet_hours_open_at(v_policy.quiet_hours_start, v_policy.quiet_hours_end,
        v_policy.quiet_hours_timezone, v_at);
      if v_opens is not null then
        return jsonb_build_object('outcome', 'policy_denied', 'user_id', v_user_id,
          'connection_id', v_connection_id, 'account', v_account, 'reason', 'quiet_hours',
          'details', jsonb_build_object('opens_at', v_opens,
            'timezone', coalesce(v_policy.quiet_hours_timezone, 'UTC'),
            'start', v_policy.quiet_hours_start, 'end', v_policy.quiet_hours_end));
      end if;

      if v_policy.daily_message_limit is not null or v_policy.monthly_spend_limit is not null then
        -- Concurrent sends of this agent take their turn here, so a limit is never overshot.
        perform 1 from public.agent_policies ap where ap.agent_id = p_agent_id for update;
      end if;
      if v_policy.daily_message_limit is not null then
        v_requested := (cardinality(v_remaining) + v_later)::bigint * v_parts;
        v_used := private.agent_daily_usage(p_agent_id);
        if v_used + v_requested > v_policy.daily_message_limit then
          return jsonb_build_object('outcome', 'policy_denied', 'user_id', v_user_id,
            'connection_id', v_connection_id, 'account', v_account, 'reason', 'daily_message_limit',
            'details', jsonb_build_object('limit', v_policy.daily_message_limit, 'used', v_used,
              'requested', v_requested));
        end if;
      end if;
      if v_policy.monthly_spend_limit is not null then
        if jsonb_typeof(p_send -> 'prices') is distinct from 'object' then
          -- The send must be priced first: the caller asks ClickSend and prepares again.
          return jsonb_build_object('outcome', 'needs_price', 'user_id', v_user_id,
            'connection_id', v_connection_id, 'account', v_account, 'username', v_username,
            'api_key', v_key, 'country', coalesce(nullif(v_metadata ->> 'account_country', ''), 'AU'),
            'recipients', to_jsonb(v_remaining));
        end if;
        -- The first part's remaining recipients by their quote, later parts by their total.
        select coalesce(sum((p_send -> 'prices' ->> r)::numeric), 0)
               + coalesce((p_send ->> 'later_price')::numeric, 0)
          into v_price from unnest(v_remaining) r;
        if exists (select 1 from unnest(v_remaining) r where p_send -> 'prices' ->> r is null) then
          raise exception 'p_send.prices must price every remaining recipient' using errcode = '22023';
        end if;
        v_spent := private.agent_month_spend(p_agent_id, v_policy.quiet_hours_timezone);
        if v_spent + v_price > v_policy.monthly_spend_limit then
          return jsonb_build_object('outcome', 'policy_denied', 'user_id', v_user_id,
            'connection_id', v_connection_id, 'account', v_account, 'reason', 'monthly_spend_limit',
            'details', jsonb_build_object('limit', v_policy.monthly_spend_limit, 'used', v_spent,
              'requested', v_price, 'price', v_price, 'currency', p_send ->> 'currency'));
        end if;
      end if;

      if not v_approved and v_policy.approval_mode <> 'never' then
        v_hold := v_policy.approval_mode = 'always' or exists (
          select 1 from unnest(v_remaining) r
           where not exists (select 1 from public.clicksend_messages m
                              where m.agent_id = p_agent_id and m.recipient = r
                                and not (m.status = any (private.clicksend_policy_statuses()))));
        if v_hold then
          insert into public.agent_approvals (user_id, agent_id, connection_id, tool, idempotency_key, request,
            recipients, parts, price, currency)
          values (v_user_id, p_agent_id, v_connection_id,
            coalesce(p_send ->> 'tool', case when p_send ->> 'channel' = 'mms' then 'clicksend_send_mms'
                                             else 'clicksend_send_sms' end),
            p_send ->> 'idempotency_key', coalesce(p_send -> 'request', '{}'::jsonb),
            cardinality(v_remaining) + v_later, v_parts, v_price, p_send ->> 'currency')
          on conflict (agent_id, idempotency_key) do nothing
          returning * into v_approval;
          if v_approval.id is null then
            select * into v_approval from public.agent_approvals ap
             where ap.agent_id = p_agent_id and ap.idempotency_key = p_send ->> 'idempotency_key';
          end if;
          return jsonb_build_object('outcome', 'approval', 'user_id', v_user_id,
            'connection_id', v_connection_id, 'account', v_account,
            'approval_id', v_approval.id, 'expires_at', v_approval.expires_at, 'state', 'pending',
            'result', null);
        end if;
      end if;
    end if;
  end if;

  if p_send is null or cardinality(v_remaining) > 0 then
    select * into v_slots from private.clicksend_take_call_slots(v_connection_id, p_requests);
    if v_slots.call_ids is null then
      return jsonb_build_object('outcome', 'rate_limited', 'user_id', v_user_id,
        'connection_id', v_connection_id, 'account', v_account,
        'retry_after_seconds', v_slots.retry_after_seconds);
    end if;
  else
    -- Every recipient refused: nothing reaches ClickSend, so no call slot (GUARDRAILS).
    select '{}'::bigint[] as call_ids, 0 as retry_after_seconds into v_slots;
  end if;

  if p_send is not null then
    -- One row per recipient, in the order given; rows already there are not sent again. A
    -- refused recipient's row is stored with its refusal and never sent (GUARDRAILS).
    with inserted as (
      insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, channel,
        recipient, status, custom_string, idempotency_key, scheduled_for, body, planned_parts, planned_price,
        price, status_updated_at)
      select v_user_id, v_connection_id, p_agent_id, p_send ->> 'channel', r.value #>> '{}',
             coalesce(v_refusals[r.ordinality], 'pending'),
             p_send ->> 'custom_string', v_key_prefix || (v_first + r.ordinality - 1)::text,
             (p_send ->> 'scheduled_for')::timestamptz, left(p_send ->> 'body', 5000), v_parts,
             (p_send -> 'prices' ->> (r.value #>> '{}'))::numeric,
             case when v_refusals[r.ordinality] is not null then 0 end,
             case when v_refusals[r.ordinality] is not null then now() end
        from jsonb_array_elements(p_send -> 'recipients') with ordinality r
       order by r.ordinality
      on conflict (user_oauth_connection_id, idempotency_key) do nothing
      returning id, recipient, idempotency_key, status
    )
    select coalesce(jsonb_agg(jsonb_build_object('id', i.id, 'recipient', i.recipient,
             'idempotency_key', i.idempotency_key, 'status', i.status)
             order by (split_part(i.idempotency_key, ':', -1))::integer), '[]'::jsonb),
           count(*)
      into v_rows, v_count
      from inserted i;
    if v_count = 0 then
      -- A concurrent request with the same key won the race: it sends, this one replays.
      delete from private.clicksend_executor_calls c where c.id = any (coalesce(v_slots.call_ids, '{}'));
      return jsonb_build_object('outcome', 'replay', 'user_id', v_user_id,
        'connection_id', v_connection_id, 'account', v_account,
        'rows', private.clicksend_message_rows(v_connection_id, v_key_prefix,
          coalesce((p_send ->> 'total')::integer, jsonb_array_length(p_send -> 'recipients'))));
    end if;
  end if;

  return jsonb_build_object(
    'outcome', 'ready',
    'user_id', v_user_id,
    'connection_id', v_connection_id,
    'account', v_account,
    'username', v_username,
    'api_key', v_key,
    'country', coalesce(nullif(v_metadata ->> 'account_country', ''), 'AU'),
    'call_ids', coalesce(to_jsonb(v_slots.call_ids), '[]'::jsonb),
    'rows', coalesce(v_rows, '[]'::jsonb)
  );
end
$$;
comment on function public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb) is
  'Service role only: authorises a ClickSend call (agent grant and scope, or the caller''s own connection), applies opt-outs and the agent''s policy to a send (refused recipients stored unsent; quiet hours, limits and approvals answered as outcomes), takes its call slots, reserves a send''s messages under its idempotency key or returns the earlier result, and returns what the request needs.';
revoke all on function public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb) from public, anon, authenticated;
grant execute on function public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb) to service_role;
