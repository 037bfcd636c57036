-- =====================================================================================
-- AGENT DEFAULT ACCOUNT: which ClickSend account an agent granted on several sends from
-- =====================================================================================
-- Issue 13, point 11. An agent granted on two ClickSend connections sent from the newest grant
-- with the tool's scope, and nothing said which. Now:
-- 1. agents.default_connection_id: the connection the agent's owner chose for it. A composite
--    foreign key (default_connection_id, user_id) -> user_oauth_connections (id, user_id) keeps
--    it inside the agent owner's own connections (a constraint, not just a policy), and deleting
--    the connection clears it (set null on that column only; the agent stays). The owner sets it
--    with a plain UPDATE under the agents policies ("Users can update own agents").
-- 2. clicksend_prepare_call (redefined whole; the rest is unchanged from 20250911000007) picks,
--    among the agent's active, unexpired grants with the scope on active ClickSend connections:
--    the connection that already holds this send's idempotency key (so a retried or bulk send
--    never moves to another account half way), else the default, else the newest grant as
--    before. Every outcome that chose a connection names it: `account` = {connection_id, name,
--    username}, which execute-agent-tool hands to the agent with the tool's answer.
-- Rollback: supabase/rollback/clicksend_rollback.sql drops the column with its constraint and
-- index (section 2b) and the function with the other ClickSend functions.
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- 1. The default connection
-- -------------------------------------------------------------------------------------
alter table public.agents add column if not exists default_connection_id uuid;
comment on column public.agents.default_connection_id is
  'The connection the agent sends from when several grants allow a tool (its owner''s own; cleared when the connection is deleted).';

alter table public.agents drop constraint if exists agents_default_connection_fk;
alter table public.agents add constraint agents_default_connection_fk
  foreign key (default_connection_id, user_id)
  references public.user_oauth_connections (id, user_id)
  on delete set null (default_connection_id);

-- Deleting a connection finds the agents that chose it by index (a full one: the schema test
-- wants every foreign key covered by a full index).
create index if not exists agents_default_connection_idx
  on public.agents (default_connection_id, user_id);

-- -------------------------------------------------------------------------------------
-- 2. The executor honours it and names the account it used
-- -------------------------------------------------------------------------------------
-- Unchanged from 20250911000007 except the agent path's choice of connection (the send's own
-- connection, the default, the newest grant) and `account` in every outcome that chose one.
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

  select * into v_slots from private.clicksend_take_call_slots(v_connection_id, p_requests);
  if v_slots.call_ids is null then
    return jsonb_build_object('outcome', 'rate_limited', 'user_id', v_user_id,
      'connection_id', v_connection_id, 'account', v_account,
      'retry_after_seconds', v_slots.retry_after_seconds);
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
    'call_ids', to_jsonb(v_slots.call_ids),
    'rows', coalesce(v_rows, '[]'::jsonb)
  );
end
$$;
comment on function public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb) is
  'Service role only: authorises a ClickSend call (agent grant and scope, preferring the connection already holding the send, then the agent''s default, then the newest grant; or the caller''s own connection), takes its call slots, reserves a send''s messages (with their text) under its idempotency key or returns the earlier result, and returns what the request needs, the Vault key and the account used included.';
revoke all on function public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb) from public, anon, authenticated;
grant execute on function public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb) to service_role;
