-- =====================================================================================
-- CLICKSEND MESSAGES: our own record of every message sent through the platform
-- =====================================================================================
-- Written by the service role (the executor, clicksend-api and the receipt webhook); users read
-- their own rows. One row per recipient. The idempotency key is unique per connection, so a
-- repeated request finds the first result instead of sending twice.
-- =====================================================================================

create table if not exists public.clicksend_messages (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  user_oauth_connection_id uuid not null,
  agent_id uuid,
  channel text not null default 'sms' check (channel in ('sms', 'mms')),
  message_id text check (message_id is null or length(message_id) between 1 and 64),
  recipient text not null check (recipient ~ '^\+[1-9][0-9]{6,14}$'),
  message_parts integer check (message_parts is null or message_parts >= 0),
  price numeric(14, 6) check (price is null or price >= 0),
  currency text check (currency is null or currency ~ '^[A-Z]{3}$'),
  status text not null default 'pending',
  status_code text,
  custom_string text check (custom_string is null or length(custom_string) <= 255),
  idempotency_key text check (idempotency_key is null or length(idempotency_key) between 1 and 255),
  scheduled_for timestamptz,
  status_updated_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint clicksend_messages_connection_fk foreign key (user_oauth_connection_id, user_id)
    references public.user_oauth_connections (id, user_id) on delete cascade,
  constraint clicksend_messages_agent_fk foreign key (agent_id, user_id)
    references public.agents (id, user_id) on delete set null (agent_id),
  constraint clicksend_messages_idempotency_key unique (user_oauth_connection_id, idempotency_key)
);
comment on table public.clicksend_messages is 'Messages sent through the platform (one row per recipient), with ClickSend''s id, cost and latest delivery status.';
comment on column public.clicksend_messages.recipient is 'E.164 phone number.';
comment on column public.clicksend_messages.status is 'ClickSend status: per-message send status (SUCCESS, INVALID_RECIPIENT, ...) then the receipt''s status.';
comment on column public.clicksend_messages.status_code is 'ClickSend receipt status_code (200 pending, 201 delivered, 300/301/302 failures).';
comment on column public.clicksend_messages.idempotency_key is 'Caller-supplied key, unique per connection: the same key never sends twice.';

create unique index if not exists clicksend_messages_message_id_idx
  on public.clicksend_messages (user_oauth_connection_id, message_id) where message_id is not null;
create index if not exists clicksend_messages_connection_user_idx
  on public.clicksend_messages (user_oauth_connection_id, user_id);
create index if not exists clicksend_messages_user_created_idx on public.clicksend_messages (user_id, created_at desc);
create index if not exists clicksend_messages_agent_user_idx on public.clicksend_messages (agent_id, user_id);

drop trigger if exists clicksend_messages_updated_at on public.clicksend_messages;
create trigger clicksend_messages_updated_at before update on public.clicksend_messages
  for each row execute function public.set_updated_at();

alter table public.clicksend_messages enable row level security;
revoke all on public.clicksend_messages from anon;
revoke insert, update, delete, truncate on public.clicksend_messages from authenticated;

drop policy if exists "Users can view own ClickSend messages" on public.clicksend_messages;
create policy "Users can view own ClickSend messages" on public.clicksend_messages
  for select to authenticated
  using (user_id = (select auth.uid()));
