-- =====================================================================================
-- TWO-WAY SMS: replies reach the user and the agent that started the conversation
-- =====================================================================================
-- 1. Scope `inbound` ("Read replies") and its tool clicksend_get_replies.
-- 2. clicksend_messages.body: the text sent, so a conversation shows both sides; the executor
--    stores it when it reserves a send (clicksend_prepare_call, redefined below).
-- 3. clicksend_inbound_messages: every reply, stored once per connection and ClickSend inbound
--    message id, owned by the connection's user, linked to the outbound message it answers (by
--    ClickSend's original_message_id, else by our row id that a send without a caller-given
--    custom_string carries as its custom_string) and so to that message's agent.
--    clicksend_conversations threads them by contact number.
-- 4. Pushes: one secret token per connection authenticates every ClickSend push (receipts and
--    replies, clicksend_webhook_tokens); disconnecting a connection deletes it.
-- 5. Agent reply webhooks: a URL per agent, a signing secret in Vault (shown once), and every
--    delivery attempt recorded for the agent's owner to see.
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- 1. Scope and tool
-- -------------------------------------------------------------------------------------
update public.service_providers
   set scopes_supported = scopes_supported || '["inbound"]'::jsonb
 where name = 'clicksend_sms' and not scopes_supported ? 'inbound';

insert into public.integration_capabilities (integration_id, capability_key, display_label, display_order, required_scope)
select sp.id, 'clicksend_get_replies', 'Get Replies', 7, 'inbound'
  from public.service_providers sp
 where sp.name = 'clicksend_sms'
on conflict (integration_id, capability_key) do update set
  display_label = excluded.display_label,
  display_order = excluded.display_order,
  required_scope = excluded.required_scope
where (integration_capabilities.display_label, integration_capabilities.display_order,
       integration_capabilities.required_scope)
  is distinct from (excluded.display_label, excluded.display_order, excluded.required_scope);

-- -------------------------------------------------------------------------------------
-- 2. The text of each outbound message
-- -------------------------------------------------------------------------------------
alter table public.clicksend_messages add column if not exists body text
  check (body is null or length(body) <= 5000);
comment on column public.clicksend_messages.body is 'The text sent (SMS body, or MMS text), as the sender gave it.';

-- Unchanged from 20250911000005 except that a reserved message keeps its text (p_send.body).
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
  v_metadata jsonb;
  v_key text;
  v_key_prefix text;
  v_first integer;
  v_count integer;
  v_slots record;
  v_rows jsonb;
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
    -- The newest active, unexpired grant with the scope, on an active ClickSend connection.
    select uoc.id, uoc.external_username, uoc.connection_metadata
      into v_connection_id, v_username, v_metadata
      from public.agent_integration_permissions aip
      join public.user_oauth_connections uoc
        on uoc.id = aip.user_oauth_connection_id and uoc.user_id = aip.user_id
      join public.service_providers sp on sp.id = uoc.oauth_provider_id
     where aip.agent_id = p_agent_id
       and aip.user_id = v_user_id
       and aip.is_active
       and (aip.expires_at is null or aip.expires_at > now())
       and uoc.connection_status = 'active'
       and sp.name = 'clicksend_sms'
       and sp.is_enabled
       and aip.allowed_scopes ? p_scope
     order by aip.granted_at desc
     limit 1;
    if v_connection_id is null then
      return jsonb_build_object('outcome', 'permission_denied', 'user_id', v_user_id);
    end if;
  else
    -- The dashboard path: the caller's own active ClickSend connection.
    if p_user_id is null or p_connection_id is null then
      raise exception 'the dashboard path needs p_user_id and p_connection_id' using errcode = '22023';
    end if;
    select uoc.id, uoc.user_id, uoc.external_username, uoc.connection_metadata
      into v_connection_id, v_user_id, v_username, v_metadata
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

  if v_username is null then
    return jsonb_build_object('outcome', 'connection_unusable', 'user_id', v_user_id,
      'connection_id', v_connection_id);
  end if;

  -- A send whose idempotency key is already recorded answers with the first result. A bulk send
  -- may reserve its recipients in parts: first_index numbers a later part's first recipient, and
  -- total (the whole send's count) says how many rows a replay answers with.
  v_key_prefix := (p_send ->> 'idempotency_key') || ':';
  v_first := coalesce((p_send ->> 'first_index')::integer, 0);
  if p_send is not null and exists (
    select 1 from public.clicksend_messages m
     where m.user_oauth_connection_id = v_connection_id
       and m.idempotency_key = v_key_prefix || v_first::text
  ) then
    return jsonb_build_object('outcome', 'replay', 'user_id', v_user_id,
      'connection_id', v_connection_id, 'rows', private.clicksend_message_rows(v_connection_id, v_key_prefix,
        coalesce((p_send ->> 'total')::integer, jsonb_array_length(p_send -> 'recipients'))));
  end if;

  select d.decrypted_secret into v_key
    from private.clicksend_credentials cc
    join vault.decrypted_secrets d on d.id = cc.vault_secret_id
   where cc.connection_id = v_connection_id;
  if v_key is null then
    return jsonb_build_object('outcome', 'connection_unusable', 'user_id', v_user_id,
      'connection_id', v_connection_id);
  end if;

  select * into v_slots from private.clicksend_take_call_slots(v_connection_id, p_requests);
  if v_slots.call_ids is null then
    return jsonb_build_object('outcome', 'rate_limited', 'user_id', v_user_id,
      'connection_id', v_connection_id, 'retry_after_seconds', v_slots.retry_after_seconds);
  end if;

  if p_send is not null then
    -- One pending row per recipient, in the order given; rows already there are not sent again.
    with inserted as (
      insert into public.clicksend_messages (user_id, user_oauth_connection_id, agent_id, channel,
        recipient, status, custom_string, idempotency_key, scheduled_for, body)
      select v_user_id, v_connection_id, p_agent_id, p_send ->> 'channel', r.value #>> '{}', 'pending',
             p_send ->> 'custom_string', v_key_prefix || (v_first + r.ordinality - 1)::text,
             (p_send ->> 'scheduled_for')::timestamptz, left(p_send ->> 'body', 5000)
        from jsonb_array_elements(p_send -> 'recipients') with ordinality r
       order by r.ordinality
      on conflict (user_oauth_connection_id, idempotency_key) do nothing
      returning id, recipient, idempotency_key
    )
    select coalesce(jsonb_agg(jsonb_build_object('id', i.id, 'recipient', i.recipient,
             'idempotency_key', i.idempotency_key)
             order by (split_part(i.idempotency_key, ':', -1))::integer), '[]'::jsonb),
           count(*)
      into v_rows, v_count
      from inserted i;
    if v_count = 0 then
      -- A concurrent request with the same key won the race: it sends, this one replays.
      delete from private.clicksend_executor_calls c where c.id = any (v_slots.call_ids);
      return jsonb_build_object('outcome', 'replay', 'user_id', v_user_id,
        'connection_id', v_connection_id, 'rows', private.clicksend_message_rows(v_connection_id, v_key_prefix,
          coalesce((p_send ->> 'total')::integer, jsonb_array_length(p_send -> 'recipients'))));
    end if;
  end if;

  return jsonb_build_object(
    'outcome', 'ready',
    'user_id', v_user_id,
    'connection_id', v_connection_id,
    'username', v_username,
    'api_key', v_key,
    'country', coalesce(nullif(v_metadata ->> 'account_country', ''), 'AU'),
    'call_ids', to_jsonb(v_slots.call_ids),
    'rows', coalesce(v_rows, '[]'::jsonb)
  );
end
$$;
comment on function public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb) is
  'Service role only: authorises a ClickSend call (agent grant and scope, or the caller''s own connection), takes its call slots, reserves a send''s messages (with their text) under its idempotency key or returns the earlier result, and returns what the request needs, the Vault key included.';
revoke all on function public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb) from public, anon, authenticated;
grant execute on function public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb) to service_role;

-- -------------------------------------------------------------------------------------
-- 3. Replies
-- -------------------------------------------------------------------------------------
create table if not exists public.clicksend_inbound_messages (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  user_oauth_connection_id uuid not null,
  clicksend_message_id text not null check (length(clicksend_message_id) between 1 and 64),
  from_number text not null check (length(from_number) between 1 and 32),
  to_number text check (to_number is null or length(to_number) <= 32),
  body text not null check (length(body) <= 5000),
  original_message_id text check (original_message_id is null or length(original_message_id) <= 64),
  custom_string text check (custom_string is null or length(custom_string) <= 255),
  message_row_id uuid references public.clicksend_messages (id) on delete set null,
  agent_id uuid,
  source text not null check (source in ('push', 'poll')),
  received_at timestamptz not null,
  read_at timestamptz,
  created_at timestamptz not null default now(),
  constraint clicksend_inbound_messages_connection_fk foreign key (user_oauth_connection_id, user_id)
    references public.user_oauth_connections (id, user_id) on delete cascade,
  constraint clicksend_inbound_messages_agent_fk foreign key (agent_id, user_id)
    references public.agents (id, user_id) on delete set null (agent_id),
  constraint clicksend_inbound_messages_once unique (user_oauth_connection_id, clicksend_message_id)
);
comment on table public.clicksend_inbound_messages is 'Replies (inbound SMS) to a connection''s ClickSend account, each stored once, linked to the outbound message they answer when known.';
comment on column public.clicksend_inbound_messages.message_row_id is 'The clicksend_messages row this reply answers (null when ClickSend named no message of ours).';
comment on column public.clicksend_inbound_messages.agent_id is 'The agent that sent the message this reply answers.';
comment on column public.clicksend_inbound_messages.read_at is 'When the user read it in Conversations; the only column a user may change.';

create index if not exists clicksend_inbound_messages_thread_idx
  on public.clicksend_inbound_messages (user_oauth_connection_id, from_number, received_at desc);
-- Full indexes whose leading columns are each foreign key's columns (deletes of an agent, a
-- connection or a message find their replies by index).
create index if not exists clicksend_inbound_messages_agent_idx
  on public.clicksend_inbound_messages (agent_id, user_id, received_at desc);
create index if not exists clicksend_inbound_messages_connection_user_idx
  on public.clicksend_inbound_messages (user_oauth_connection_id, user_id);
create index if not exists clicksend_inbound_messages_user_idx
  on public.clicksend_inbound_messages (user_id, received_at desc);
create index if not exists clicksend_inbound_messages_row_idx
  on public.clicksend_inbound_messages (message_row_id);
-- Threads look up a contact's outbound messages.
create index if not exists clicksend_messages_thread_idx
  on public.clicksend_messages (user_oauth_connection_id, recipient, created_at desc);

alter table public.clicksend_inbound_messages enable row level security;
revoke all on public.clicksend_inbound_messages from anon;
revoke insert, update, delete, truncate on public.clicksend_inbound_messages from authenticated;
grant update (read_at) on public.clicksend_inbound_messages to authenticated;

drop policy if exists "Users can view own replies" on public.clicksend_inbound_messages;
create policy "Users can view own replies" on public.clicksend_inbound_messages
  for select to authenticated
  using (user_id = (select auth.uid()));

drop policy if exists "Users can mark own replies read" on public.clicksend_inbound_messages;
create policy "Users can mark own replies read" on public.clicksend_inbound_messages
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

-- One row per contact a connection has heard from: the caller's own (security_invoker, so the
-- tables' policies apply), newest first by the app's order.
create or replace view public.clicksend_conversations
with (security_invoker = true) as
select i.user_oauth_connection_id,
       i.from_number as contact,
       max(i.received_at) as last_reply_at,
       greatest(max(i.received_at), (
         select max(m.created_at) from public.clicksend_messages m
          where m.user_oauth_connection_id = i.user_oauth_connection_id and m.recipient = i.from_number
       )) as last_activity_at,
       (array_agg(i.body order by i.received_at desc))[1] as last_reply,
       count(*) filter (where i.read_at is null)::integer as unread,
       count(*)::integer as replies,
       coalesce((
         select array_agg(distinct m.agent_id) from public.clicksend_messages m
          where m.user_oauth_connection_id = i.user_oauth_connection_id and m.recipient = i.from_number
            and m.agent_id is not null
       ), '{}') as agent_ids
  from public.clicksend_inbound_messages i
 group by i.user_oauth_connection_id, i.from_number;
comment on view public.clicksend_conversations is 'Conversations by contact number: the latest reply, unread count and the agents that texted the contact (the caller''s own rows only).';
revoke all on public.clicksend_conversations from public, anon;
revoke insert, update, delete, truncate on public.clicksend_conversations from authenticated;
grant select on public.clicksend_conversations to authenticated, service_role;

-- Marks a thread's replies read (the caller's own; RLS decides).
create or replace function public.clicksend_mark_thread_read(p_connection_id uuid, p_contact text)
returns integer
language sql
security invoker
set search_path = ''
as $$
  with marked as (
    update public.clicksend_inbound_messages i
       set read_at = now()
     where i.user_oauth_connection_id = p_connection_id
       and i.from_number = p_contact
       and i.read_at is null
    returning 1
  )
  select count(*)::integer from marked
$$;
comment on function public.clicksend_mark_thread_read(uuid, text) is
  'Marks the caller''s unread replies from one contact on one connection read; answers how many.';
revoke all on function public.clicksend_mark_thread_read(uuid, text) from public, anon;
grant execute on function public.clicksend_mark_thread_read(uuid, text) to authenticated;

-- -------------------------------------------------------------------------------------
-- 5. Agent reply webhooks (before 3's store functions, which read them)
-- -------------------------------------------------------------------------------------
create table if not exists public.agent_webhooks (
  agent_id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  url text not null check (length(url) between 10 and 2000 and url ~ '^https?://[^\s]+$'),
  secret_hint text not null check (length(secret_hint) between 4 and 16),
  secret_rotated_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_webhooks_agent_fk foreign key (agent_id, user_id)
    references public.agents (id, user_id) on delete cascade
);
comment on table public.agent_webhooks is 'Where an agent is woken: events (replies, ...) are POSTed to url, signed with a secret kept in Vault.';
-- The owner's webhooks (the policy) and the foreign keys to auth.users and agents.
create index if not exists agent_webhooks_user_agent_idx on public.agent_webhooks (user_id, agent_id);
comment on column public.agent_webhooks.secret_hint is 'The signing secret''s last characters, so the owner can tell secrets apart; the secret itself is only in Vault.';

drop trigger if exists agent_webhooks_updated_at on public.agent_webhooks;
create trigger agent_webhooks_updated_at before update on public.agent_webhooks
  for each row execute function public.set_updated_at();

alter table public.agent_webhooks enable row level security;
revoke all on public.agent_webhooks from anon;
revoke insert, update, delete, truncate on public.agent_webhooks from authenticated;

drop policy if exists "Users can view own agent webhooks" on public.agent_webhooks;
create policy "Users can view own agent webhooks" on public.agent_webhooks
  for select to authenticated
  using (user_id = (select auth.uid()));

create table if not exists private.agent_webhook_secrets (
  agent_id uuid primary key references public.agent_webhooks (agent_id) on delete cascade,
  vault_secret_id uuid not null unique
);
comment on table private.agent_webhook_secrets is 'The Vault secret that signs each agent''s webhook events.';
revoke all on private.agent_webhook_secrets from public, anon, authenticated, service_role;
alter table private.agent_webhook_secrets enable row level security;

create or replace function private.agent_webhook_secret_deleted() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from vault.secrets where id = old.vault_secret_id;
  return old;
end
$$;
comment on function private.agent_webhook_secret_deleted() is
  'Trigger: deleting an agent''s webhook secret row (the webhook or the agent deleted) deletes its Vault secret.';
revoke all on function private.agent_webhook_secret_deleted() from public, anon, authenticated;
drop trigger if exists agent_webhook_secrets_vault on private.agent_webhook_secrets;
create trigger agent_webhook_secrets_vault after delete on private.agent_webhook_secrets
  for each row execute function private.agent_webhook_secret_deleted();

create table if not exists public.agent_webhook_deliveries (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  agent_id uuid not null,
  event_id uuid not null,
  event_type text not null check (event_type in ('reply', 'approval_decided', 'opt_out', 'opt_in')),
  attempt smallint not null check (attempt between 1 and 10),
  url text not null check (length(url) <= 2000),
  status_code integer check (status_code is null or status_code between 100 and 599),
  error text check (error is null or length(error) <= 500),
  succeeded boolean not null,
  attempted_at timestamptz not null default now(),
  constraint agent_webhook_deliveries_agent_fk foreign key (agent_id, user_id)
    references public.agents (id, user_id) on delete cascade
);
comment on table public.agent_webhook_deliveries is 'Every attempt to deliver an event to an agent''s webhook, with what the receiver answered.';
create index if not exists agent_webhook_deliveries_agent_idx
  on public.agent_webhook_deliveries (agent_id, user_id, attempted_at desc);
create index if not exists agent_webhook_deliveries_user_idx
  on public.agent_webhook_deliveries (user_id);

alter table public.agent_webhook_deliveries enable row level security;
revoke all on public.agent_webhook_deliveries from anon;
revoke insert, update, delete, truncate on public.agent_webhook_deliveries from authenticated;

drop policy if exists "Users can view own webhook deliveries" on public.agent_webhook_deliveries;
create policy "Users can view own webhook deliveries" on public.agent_webhook_deliveries
  for select to authenticated
  using (user_id = (select auth.uid()));

-- Sets (or replaces the URL of) an agent's webhook, for the agent's owner. A new webhook, or
-- p_rotate, issues a new signing secret, returned once as `secret`.
create or replace function public.agent_webhook_set(
  p_user_id uuid,
  p_agent_id uuid,
  p_url text default null,
  p_rotate boolean default false
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_secret text;
  v_old uuid;
  v_new uuid;
  v_exists boolean;
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'agent webhooks are set by the service role only' using errcode = '42501';
  end if;
  perform 1 from public.agents a where a.id = p_agent_id and a.user_id = p_user_id for update;
  if not found then
    return jsonb_build_object('outcome', 'agent_not_found');
  end if;
  v_exists := exists (select 1 from public.agent_webhooks w where w.agent_id = p_agent_id);
  if not v_exists and p_url is null then
    return jsonb_build_object('outcome', 'webhook_not_found');
  end if;
  if not v_exists or p_rotate then
    v_secret := 'whsec_' || encode(extensions.gen_random_bytes(32), 'hex');
  end if;
  if v_exists then
    update public.agent_webhooks w
       set url = coalesce(p_url, w.url),
           secret_hint = coalesce(right(v_secret, 4), w.secret_hint),
           secret_rotated_at = case when v_secret is null then w.secret_rotated_at else now() end
     where w.agent_id = p_agent_id;
  else
    insert into public.agent_webhooks (agent_id, user_id, url, secret_hint)
    values (p_agent_id, p_user_id, p_url, right(v_secret, 4));
  end if;
  if v_secret is not null then
    v_new := vault.create_secret(v_secret, 'agent-webhook:' || p_agent_id::text || ':' || gen_random_uuid()::text,
      'Agent webhook signing secret');
    select s.vault_secret_id into v_old from private.agent_webhook_secrets s where s.agent_id = p_agent_id;
    insert into private.agent_webhook_secrets (agent_id, vault_secret_id) values (p_agent_id, v_new)
    on conflict (agent_id) do update set vault_secret_id = excluded.vault_secret_id;
    if v_old is not null then
      delete from vault.secrets where id = v_old;
    end if;
  end if;
  return jsonb_build_object('outcome', 'ok', 'secret', v_secret,
    'webhook', (select to_jsonb(w) - 'user_id' from public.agent_webhooks w where w.agent_id = p_agent_id));
end
$$;
comment on function public.agent_webhook_set(uuid, uuid, text, boolean) is
  'Service role only: sets an agent''s webhook URL for its owner; a new webhook or p_rotate issues a signing secret (kept in Vault, returned once).';
revoke all on function public.agent_webhook_set(uuid, uuid, text, boolean) from public, anon, authenticated;
grant execute on function public.agent_webhook_set(uuid, uuid, text, boolean) to service_role;

-- The URL and signing secret events for this agent go to, or no row.
create or replace function public.agent_webhook_target(p_agent_id uuid)
returns table (user_id uuid, url text, secret text)
language sql
stable
security definer
set search_path = ''
as $$
  select w.user_id, w.url, d.decrypted_secret
    from public.agent_webhooks w
    join private.agent_webhook_secrets s on s.agent_id = w.agent_id
    join vault.decrypted_secrets d on d.id = s.vault_secret_id
   where w.agent_id = p_agent_id
     and current_setting('role', true) = 'service_role'
$$;
comment on function public.agent_webhook_target(uuid) is
  'Service role only: where an agent''s events go and the secret that signs them.';
revoke all on function public.agent_webhook_target(uuid) from public, anon, authenticated;
grant execute on function public.agent_webhook_target(uuid) to service_role;

-- -------------------------------------------------------------------------------------
-- 3 (continued). Storing replies: from a push (token checked in the same call) or a poll
-- -------------------------------------------------------------------------------------
-- p_messages: [{message_id, from, to, body, original_body, original_message_id, custom_string,
-- received_at}]. Answers the replies stored now (not those already there) with their agent, and
-- `known`: every given message id that is stored (now or before), which a poll marks read.
create or replace function private.clicksend_store_replies(p_connection_id uuid, p_messages jsonb, p_source text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid;
  v_stored jsonb;
begin
  select uoc.user_id into v_user_id from public.user_oauth_connections uoc where uoc.id = p_connection_id;
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
      received_at)
    select v_user_id, p_connection_id, l.message_id, l.from_number, l.to_number, l.body, l.original_message_id,
           l.custom_string, l.message_row_id, m.agent_id, p_source, l.received_at
      from linked l
      left join public.clicksend_messages m on m.id = l.message_row_id
    on conflict (user_oauth_connection_id, clicksend_message_id) do nothing
    returning id, clicksend_message_id, from_number, to_number, body, original_message_id, custom_string,
      message_row_id, agent_id, received_at
  )
  select coalesce(jsonb_agg(to_jsonb(ins) order by ins.received_at), '[]'::jsonb) into v_stored from inserted ins;
  return jsonb_build_object(
    'stored', v_stored,
    'known', (select coalesce(jsonb_agg(i.clicksend_message_id), '[]'::jsonb)
                from public.clicksend_inbound_messages i
               where i.user_oauth_connection_id = p_connection_id
                 and i.clicksend_message_id in (select r.message_id from jsonb_to_recordset(p_messages) as r (message_id text)))
  );
end
$$;
comment on function private.clicksend_store_replies(uuid, jsonb, text) is
  'Stores replies once per connection and ClickSend message id, linked to the message they answer and its agent.';
revoke all on function private.clicksend_store_replies(uuid, jsonb, text) from public, anon, authenticated, service_role;

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
    'stored', v_result -> 'stored');
end
$$;
comment on function public.clicksend_inbound_push(text, jsonb) is
  'Service role only: checks a push token and stores the reply once: invalid_token, stored (with the reply) or duplicate.';
revoke all on function public.clicksend_inbound_push(text, jsonb) from public, anon, authenticated;
grant execute on function public.clicksend_inbound_push(text, jsonb) to service_role;

create or replace function public.clicksend_store_polled_replies(p_connection_id uuid, p_messages jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.assert_clicksend_service_call(p_connection_id);
  if jsonb_typeof(p_messages) is distinct from 'array' then
    raise exception 'p_messages must be an array' using errcode = '22023';
  end if;
  return private.clicksend_store_replies(p_connection_id, p_messages, 'poll');
end
$$;
comment on function public.clicksend_store_polled_replies(uuid, jsonb) is
  'Service role only: stores replies found by polling ClickSend (each once); answers those stored now and every given id that is stored.';
revoke all on function public.clicksend_store_polled_replies(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.clicksend_store_polled_replies(uuid, jsonb) to service_role;

-- -------------------------------------------------------------------------------------
-- 4. A disconnected connection's push token goes with it
-- -------------------------------------------------------------------------------------
create or replace function private.clicksend_connection_inactive() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from private.clicksend_webhook_tokens t where t.connection_id = new.id;
  return new;
end
$$;
comment on function private.clicksend_connection_inactive() is
  'Trigger: a connection that becomes revoked (disconnected) loses its push token.';
revoke all on function private.clicksend_connection_inactive() from public, anon, authenticated;
drop trigger if exists user_oauth_connections_push_token on public.user_oauth_connections;
create trigger user_oauth_connections_push_token after update of connection_status on public.user_oauth_connections
  for each row when (new.connection_status = 'revoked' and old.connection_status <> 'revoked')
  execute function private.clicksend_connection_inactive();
