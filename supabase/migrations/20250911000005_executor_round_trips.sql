-- =====================================================================================
-- EXECUTOR ROUND TRIPS: a tool call in one database call before ClickSend and one after
-- =====================================================================================
-- A call used to chain a dozen REST requests (agent, grants, connection, key, call slot,
-- idempotency, record, release, log). On a hosted project each is a network round trip, so the
-- bookkeeping is folded into four functions:
--   * clicksend_prepare_call   authorises (agent, grant and scope, or the caller's own
--                              connection), takes the call slots, reserves the messages of a
--                              send under its idempotency key (or returns the earlier result),
--                              and returns the key from Vault: everything ClickSend needs;
--   * clicksend_finish_call    records the outcome: message rows, slots released, audit log;
--   * clicksend_receipt_push   the receipt webhook: token and receipt in one call;
--   * agent_tool_scopes        discovery: the scopes an agent's usable grants give it.
-- The first three are SECURITY DEFINER and callable by the service role only: identity is the
-- p_user_id the Edge Function verified (null = the platform acting as the service role).
-- agent_tool_scopes is SECURITY INVOKER: RLS decides which agents a caller can see.
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- Call slots for several requests at once
-- -------------------------------------------------------------------------------------
-- A send of n recipients makes ceil(n / 1000) ClickSend requests, one after another: all of
-- them count toward the hour, one at a time toward the concurrent limit. The first slot is the
-- running one; the others are recorded as finished so they count for the hour only.
create or replace function private.clicksend_take_call_slots(p_connection_id uuid, p_count integer)
returns table (call_ids bigint[], retry_after_seconds integer)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_limits jsonb;
  v_hourly integer;
  v_concurrent integer;
  v_in_hour integer;
  v_running integer;
  v_frees_at timestamptz;
  v_ids bigint[];
begin
  if p_count is null or p_count < 0 then
    raise exception 'a call needs zero or more ClickSend requests' using errcode = '22023';
  end if;
  if p_count = 0 then
    return query select '{}'::bigint[], 0;
    return;
  end if;
  -- One connection's slots are decided one at a time (same lock as clicksend_acquire_call_slot).
  perform pg_advisory_xact_lock(hashtextextended('clicksend_call_slot:' || p_connection_id::text, 0));

  select sp.configuration_metadata -> 'limits' into v_limits
    from public.service_providers sp where sp.name = 'clicksend_sms';
  v_hourly := coalesce((v_limits ->> 'rate_limit_per_hour')::integer, 1000);
  v_concurrent := coalesce((v_limits ->> 'concurrent_requests')::integer, 10);

  delete from private.clicksend_executor_calls c
   where c.connection_id = p_connection_id and c.started_at < clock_timestamp() - interval '1 hour';

  select count(*) into v_in_hour
    from private.clicksend_executor_calls c where c.connection_id = p_connection_id;
  if p_count > v_hourly then
    return query select null::bigint[], 3600;
    return;
  end if;
  if v_in_hour + p_count > v_hourly then
    -- Enough calls must leave the window: the (v_in_hour + p_count - v_hourly)-th oldest.
    select c.started_at into v_frees_at
      from private.clicksend_executor_calls c
     where c.connection_id = p_connection_id
     order by c.started_at
    offset v_in_hour + p_count - v_hourly - 1
     limit 1;
    return query select null::bigint[],
      greatest(1, ceil(extract(epoch from (v_frees_at + interval '1 hour' - clock_timestamp())))::integer);
    return;
  end if;

  -- A call unfinished after 5 minutes is presumed dead and stops holding a slot.
  select count(*) into v_running
    from private.clicksend_executor_calls c
   where c.connection_id = p_connection_id and c.finished_at is null
     and c.started_at > clock_timestamp() - interval '5 minutes';
  if v_running >= v_concurrent then
    return query select null::bigint[], 1;
    return;
  end if;

  with inserted as (
    insert into private.clicksend_executor_calls (connection_id, finished_at)
    select p_connection_id, case when n = 1 then null else clock_timestamp() end
      from generate_series(1, p_count) n
    returning id
  )
  select array_agg(id order by id) into v_ids from inserted;
  return query select v_ids, 0;
end
$$;
comment on function private.clicksend_take_call_slots(uuid, integer) is
  'Takes p_count call slots of a connection (hourly and concurrent limits from the provider metadata), or says how many seconds to wait.';
revoke all on function private.clicksend_take_call_slots(uuid, integer) from public, anon, authenticated, service_role;

-- The one-slot function keeps its contract, on the same implementation.
create or replace function public.clicksend_acquire_call_slot(p_connection_id uuid)
returns table (call_id bigint, retry_after_seconds integer)
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.assert_clicksend_service_call(p_connection_id);
  return query select s.call_ids[1], s.retry_after_seconds
    from private.clicksend_take_call_slots(p_connection_id, 1) s;
end
$$;

-- -------------------------------------------------------------------------------------
-- Prepare
-- -------------------------------------------------------------------------------------
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
        recipient, status, custom_string, idempotency_key, scheduled_for)
      select v_user_id, v_connection_id, p_agent_id, p_send ->> 'channel', r.value #>> '{}', 'pending',
             p_send ->> 'custom_string', v_key_prefix || (v_first + r.ordinality - 1)::text,
             (p_send ->> 'scheduled_for')::timestamptz
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
  'Service role only: authorises a ClickSend call (agent grant and scope, or the caller''s own connection), takes its call slots, reserves a send''s messages under its idempotency key or returns the earlier result, and returns what the request needs, the Vault key included.';
revoke all on function public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb) from public, anon, authenticated;
grant execute on function public.clicksend_prepare_call(integer, uuid, uuid, uuid, text, jsonb) to service_role;

-- The rows a send recorded under an idempotency key, as the executor reports them.
create or replace function private.clicksend_message_rows(p_connection_id uuid, p_key_prefix text, p_count integer)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', m.id, 'recipient', m.recipient, 'idempotency_key', m.idempotency_key,
           'message_id', m.message_id, 'status', m.status, 'message_parts', m.message_parts,
           'price', m.price, 'currency', m.currency)
           order by m.created_at, (split_part(m.idempotency_key, ':', -1))::integer), '[]'::jsonb)
    from public.clicksend_messages m
   where m.user_oauth_connection_id = p_connection_id
     and m.idempotency_key = any (
       select p_key_prefix || n::text from generate_series(0, greatest(p_count, 1) - 1) n)
$$;
comment on function private.clicksend_message_rows(uuid, text, integer) is
  'The messages recorded under one send''s idempotency key (first p_count recipients), in order.';
revoke all on function private.clicksend_message_rows(uuid, text, integer) from public, anon, authenticated, service_role;

-- -------------------------------------------------------------------------------------
-- Finish
-- -------------------------------------------------------------------------------------
create or replace function public.clicksend_finish_call(
  p_call_ids bigint[],
  p_results jsonb default null,
  p_release uuid[] default null,
  p_log jsonb default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'ClickSend calls are recorded by the service role only' using errcode = '42501';
  end if;

  update private.clicksend_executor_calls c set finished_at = clock_timestamp()
   where c.id = any (coalesce(p_call_ids, '{}')) and c.finished_at is null;

  -- What ClickSend answered, per reserved row (UNKNOWN where it may have accepted a message
  -- without saying so: kept, so the same key never sends it again); only pending rows change.
  if p_results is not null and jsonb_typeof(p_results) = 'array' then
    update public.clicksend_messages m
       set message_id = r.message_id,
           status = r.status,
           message_parts = r.message_parts,
           price = r.price,
           currency = r.currency,
           status_updated_at = clock_timestamp()
      from jsonb_to_recordset(p_results) as r (
        id uuid, message_id text, status text, message_parts integer, price numeric, currency text)
     where m.id = r.id and m.status = 'pending';
  end if;
  -- Never sent: freed, so the same request can be repeated.
  delete from public.clicksend_messages m
   where m.id = any (coalesce(p_release, '{}')) and m.status = 'pending';

  if p_log is not null then
    insert into public.tool_execution_logs (user_id, agent_id, user_oauth_connection_id, tool_name,
      arguments_redacted, success, error_code, error_message, http_status, latency_ms)
    values (
      (p_log ->> 'user_id')::uuid,
      (p_log ->> 'agent_id')::uuid,
      (p_log ->> 'connection_id')::uuid,
      left(p_log ->> 'tool_name', 100),
      coalesce(p_log -> 'arguments_redacted', '{}'::jsonb),
      (p_log ->> 'success')::boolean,
      p_log ->> 'error_code',
      left(p_log ->> 'error_message', 500),
      (p_log ->> 'http_status')::integer,
      greatest(0, (p_log ->> 'latency_ms')::integer)
    );
  end if;
end
$$;
comment on function public.clicksend_finish_call(bigint[], jsonb, uuid[], jsonb) is
  'Service role only: records a ClickSend call''s outcome in one transaction: frees its slots, stores what ClickSend answered per message (pending rows only), frees unsent reservations, and writes the audit log row.';
revoke all on function public.clicksend_finish_call(bigint[], jsonb, uuid[], jsonb) from public, anon, authenticated;
grant execute on function public.clicksend_finish_call(bigint[], jsonb, uuid[], jsonb) to service_role;

-- -------------------------------------------------------------------------------------
-- Receipt webhook in one call
-- -------------------------------------------------------------------------------------
create or replace function public.clicksend_receipt_push(
  p_token text,
  p_message_id text,
  p_status text,
  p_status_code text,
  p_received_at timestamptz
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
  if public.clicksend_apply_receipt(v_connection_id, p_message_id, p_status, p_status_code, p_received_at) then
    return 'applied';
  end if;
  return 'ignored';
end
$$;
comment on function public.clicksend_receipt_push(text, text, text, text, timestamptz) is
  'Service role only: checks a receipt webhook token and records the receipt (see clicksend_apply_receipt): invalid_token, applied or ignored.';
revoke all on function public.clicksend_receipt_push(text, text, text, text, timestamptz) from public, anon, authenticated;
grant execute on function public.clicksend_receipt_push(text, text, text, text, timestamptz) to service_role;

-- -------------------------------------------------------------------------------------
-- Discovery in one call
-- -------------------------------------------------------------------------------------
create or replace function public.agent_tool_scopes(p_agent_id uuid)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select case when not exists (select 1 from public.agents a where a.id = p_agent_id) then null
  else (
    select coalesce(jsonb_agg(distinct s.scope order by s.scope), '[]'::jsonb)
      from public.agent_integration_permissions aip
      join public.user_oauth_connections uoc
        on uoc.id = aip.user_oauth_connection_id and uoc.user_id = aip.user_id
      join public.service_providers sp on sp.id = uoc.oauth_provider_id
      cross join lateral jsonb_array_elements_text(aip.allowed_scopes) as s (scope)
     where aip.agent_id = p_agent_id
       and aip.is_active
       and (aip.expires_at is null or aip.expires_at > now())
       and uoc.connection_status = 'active'
       and sp.name = 'clicksend_sms'
       and sp.is_enabled
  ) end
$$;
comment on function public.agent_tool_scopes(uuid) is
  'The scopes of an agent''s active, unexpired grants on active ClickSend connections, or null when the caller cannot see the agent. SECURITY INVOKER: RLS decides.';
revoke all on function public.agent_tool_scopes(uuid) from public, anon;
grant execute on function public.agent_tool_scopes(uuid) to authenticated, service_role;
