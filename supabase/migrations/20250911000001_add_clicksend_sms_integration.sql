-- =====================================================================================
-- ADD CLICKSEND SMS/MMS INTEGRATION
-- =====================================================================================
-- The user's design (seed/clicksend-migration-design.md), steps 1-7, with every defect listed in
-- reference/seed-review.md fixed. Names and signatures are the seed's. supabase/README.md maps
-- each seed step and each defect to the objects below.
--
-- No BEGIN/COMMIT here: the Supabase CLI (and local/db) run each migration in one transaction.
-- Idempotent (defect 2): re-running changes nothing.
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- Step 1: the provider. API-key based, so no OAuth endpoints (defect 10); rows are looked up by
-- natural key, never by a hard-coded id (defect 11); MMS limit corrected to 250 kB (defect 16).
-- -------------------------------------------------------------------------------------
insert into public.service_providers (
  name,
  display_name,
  authentication_type,
  authorization_endpoint,
  token_endpoint,
  revoke_endpoint,
  discovery_endpoint,
  scopes_supported,
  pkce_required,
  client_credentials_location,
  is_enabled,
  configuration_metadata
) values (
  'clicksend_sms',
  'ClickSend SMS/MMS',
  'api_key',
  null,
  null,
  null,
  null,
  '["sms", "mms", "balance", "history", "delivery_receipts"]'::jsonb,
  false,
  'header',
  true,
  '{
    "authentication_type": "basic_auth",
    "api_base_url": "https://rest.clicksend.com/v3",
    "auth_header_format": "Basic {base64(username:api_key)}",
    "credential_verification": "GET /v3/account, server-side only",
    "supported_message_types": ["sms", "mms"],
    "features": {
      "sms_sending": true,
      "mms_sending": true,
      "delivery_receipts": true,
      "inbound_messages": true,
      "balance_checking": true,
      "message_history": true,
      "scheduled_messages": true,
      "message_tracking": true
    },
    "limits": {
      "sms_max_parts": 8,
      "sms_max_length_gsm7": 1224,
      "sms_max_length_ucs2": 536,
      "mms_max_size_kb": 250,
      "mms_subject_max_length": 20,
      "mms_media_types": ["image/jpeg", "image/gif"],
      "mms_media_types_converted": ["image/png", "image/bmp"],
      "recipients_per_request": 1000,
      "history_page_size_min": 15,
      "history_page_size_max": 100,
      "rate_limit_per_hour": 1000,
      "concurrent_requests": 10
    },
    "supported_countries": ["US", "CA", "AU", "GB", "NZ"],
    "pricing_model": "per_message",
    "documentation_url": "https://developers.clicksend.com/",
    "setup_instructions": {
      "step_1": "Sign up for a ClickSend account at https://clicksend.com",
      "step_2": "Open API Credentials in your ClickSend dashboard",
      "step_3": "Copy your API username and API key",
      "step_4": "Choose Connect ClickSend here and paste them; we verify them with ClickSend before saving"
    }
  }'::jsonb
)
on conflict (name) do update set
  display_name = excluded.display_name,
  authentication_type = excluded.authentication_type,
  authorization_endpoint = excluded.authorization_endpoint,
  token_endpoint = excluded.token_endpoint,
  -- The five scopes, and any a later migration added (20250911000007: inbound).
  scopes_supported = excluded.scopes_supported || coalesce((
    select jsonb_agg(s.value order by s.ordinality)
      from jsonb_array_elements(service_providers.scopes_supported) with ordinality s
     where not excluded.scopes_supported @> jsonb_build_array(s.value)), '[]'::jsonb),
  pkce_required = excluded.pkce_required,
  client_credentials_location = excluded.client_credentials_location,
  configuration_metadata = excluded.configuration_metadata
where (service_providers.display_name, service_providers.authentication_type,
       service_providers.authorization_endpoint, service_providers.token_endpoint,
       service_providers.scopes_supported @> excluded.scopes_supported, service_providers.pkce_required,
       service_providers.client_credentials_location, service_providers.configuration_metadata)
  is distinct from
      (excluded.display_name, excluded.authentication_type,
       excluded.authorization_endpoint, excluded.token_endpoint,
       true, excluded.pkce_required,
       excluded.client_credentials_location, excluded.configuration_metadata);

-- -------------------------------------------------------------------------------------
-- Step 2: the six capabilities, one vocabulary (defect 9): capability_key is the tool name,
-- required_scope one of the provider's five scopes. functions/_shared/tool-catalog.ts mirrors
-- these rows and a test proves they are equal.
-- -------------------------------------------------------------------------------------
insert into public.integration_capabilities (integration_id, capability_key, display_label, display_order, required_scope)
select sp.id, c.capability_key, c.display_label, c.display_order, c.required_scope
from public.service_providers sp
cross join (values
  ('clicksend_send_sms', 'Send SMS', 1, 'sms'),
  ('clicksend_send_mms', 'Send MMS', 2, 'mms'),
  ('clicksend_get_balance', 'Check Account Balance', 3, 'balance'),
  ('clicksend_get_sms_history', 'Get SMS History', 4, 'history'),
  ('clicksend_get_mms_history', 'Get MMS History', 5, 'history'),
  ('clicksend_get_delivery_receipts', 'Get Delivery Receipts', 6, 'delivery_receipts')
) as c (capability_key, display_label, display_order, required_scope)
where sp.name = 'clicksend_sms'
on conflict (integration_id, capability_key) do update set
  display_label = excluded.display_label,
  display_order = excluded.display_order,
  required_scope = excluded.required_scope
where (integration_capabilities.display_label, integration_capabilities.display_order,
       integration_capabilities.required_scope)
  is distinct from (excluded.display_label, excluded.display_order, excluded.required_scope);

-- -------------------------------------------------------------------------------------
-- Step 3: permission validation. SECURITY DEFINER with an empty search_path and qualified names;
-- an authenticated caller may only ask about itself, the service role about anyone (defect 4).
-- "The service role" means the session's current role (set by the API from the verified JWT).
-- Empty or null p_required_scopes means "any active, unexpired grant" (defect 8, decided).
-- The grant, its connection and its provider are checked in one indexed query.
-- -------------------------------------------------------------------------------------
create or replace function public.validate_agent_clicksend_permissions(
  p_agent_id uuid,
  p_user_id uuid,
  p_required_scopes text[]
) returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_agent_id is null or p_user_id is null then
    return false;
  end if;
  -- The service role is the database role the API switched to (what EXECUTE grants see too),
  -- not a claim a caller could set for itself.
  if current_setting('role', true) is distinct from 'service_role'
     and p_user_id is distinct from (select auth.uid()) then
    return false;
  end if;

  return exists (
    select 1
      from public.agent_integration_permissions aip
      join public.user_oauth_connections uoc
        on uoc.id = aip.user_oauth_connection_id and uoc.user_id = aip.user_id
      join public.service_providers sp
        on sp.id = uoc.oauth_provider_id
     where aip.agent_id = p_agent_id
       and aip.user_id = p_user_id
       and aip.is_active
       and (aip.expires_at is null or aip.expires_at > now())
       and uoc.connection_status = 'active'
       and sp.name = 'clicksend_sms'
       and sp.is_enabled
       and (
         coalesce(cardinality(p_required_scopes), 0) = 0
         or aip.allowed_scopes @> to_jsonb(p_required_scopes)
       )
  );
end
$$;
comment on function public.validate_agent_clicksend_permissions(uuid, uuid, text[]) is
  'True when the agent has an active, unexpired grant on an active ClickSend connection of p_user_id covering every required scope (empty or null: any grant). Authenticated callers may only ask about themselves; the service role about anyone.';
revoke all on function public.validate_agent_clicksend_permissions(uuid, uuid, text[]) from public, anon;
grant execute on function public.validate_agent_clicksend_permissions(uuid, uuid, text[]) to authenticated, service_role;

-- -------------------------------------------------------------------------------------
-- Step 4: connection helper. Same caller rule as step 3; returns nothing for anyone else.
-- -------------------------------------------------------------------------------------
create or replace function public.get_user_clicksend_connection(p_user_id uuid)
returns table (
  connection_id uuid,
  connection_name text,
  external_username text,
  connection_status text,
  configuration jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- The service role is the database role the API switched to (what EXECUTE grants see too),
  -- not a claim a caller could set for itself.
  if current_setting('role', true) is distinct from 'service_role'
     and p_user_id is distinct from (select auth.uid()) then
    return;
  end if;

  return query
  select uoc.id, uoc.connection_name, uoc.external_username, uoc.connection_status, uoc.connection_metadata
    from public.user_oauth_connections uoc
    join public.service_providers sp on sp.id = uoc.oauth_provider_id
   where uoc.user_id = p_user_id
     and sp.name = 'clicksend_sms'
     and uoc.connection_status = 'active'
   order by uoc.created_at desc
   limit 1;
end
$$;
comment on function public.get_user_clicksend_connection(uuid) is
  'The newest active ClickSend connection of p_user_id (never credentials). Authenticated callers may only ask about themselves; the service role about anyone.';
revoke all on function public.get_user_clicksend_connection(uuid) from public, anon;
grant execute on function public.get_user_clicksend_connection(uuid) to authenticated, service_role;

-- -------------------------------------------------------------------------------------
-- Step 5: RLS policies on the connection table (a real table, defect 1), one per operation,
-- to authenticated, with USING and WITH CHECK so a row can never move to another user or
-- provider (defect 6); re-runnable (defect 2).
-- -------------------------------------------------------------------------------------
drop policy if exists "Users can view own ClickSend connections" on public.user_oauth_connections;
create policy "Users can view own ClickSend connections" on public.user_oauth_connections
  for select to authenticated
  using (
    user_id = (select auth.uid())
    and oauth_provider_id = (select sp.id from public.service_providers sp where sp.name = 'clicksend_sms')
  );

drop policy if exists "Users can create own ClickSend connections" on public.user_oauth_connections;
create policy "Users can create own ClickSend connections" on public.user_oauth_connections
  for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and oauth_provider_id = (select sp.id from public.service_providers sp where sp.name = 'clicksend_sms')
  );

drop policy if exists "Users can update own ClickSend connections" on public.user_oauth_connections;
create policy "Users can update own ClickSend connections" on public.user_oauth_connections
  for update to authenticated
  using (
    user_id = (select auth.uid())
    and oauth_provider_id = (select sp.id from public.service_providers sp where sp.name = 'clicksend_sms')
  )
  with check (
    user_id = (select auth.uid())
    and oauth_provider_id = (select sp.id from public.service_providers sp where sp.name = 'clicksend_sms')
  );

drop policy if exists "Users can delete own ClickSend connections" on public.user_oauth_connections;
create policy "Users can delete own ClickSend connections" on public.user_oauth_connections
  for delete to authenticated
  using (
    user_id = (select auth.uid())
    and oauth_provider_id = (select sp.id from public.service_providers sp where sp.name = 'clicksend_sms')
  );

-- -------------------------------------------------------------------------------------
-- Step 6: the view, security_invoker so the caller's RLS applies (defect 3); not for anon.
-- credential_hint is appended (never the key).
-- -------------------------------------------------------------------------------------
create or replace view public.clicksend_connections
with (security_invoker = true)
as
select
  uoc.id,
  uoc.user_id,
  uoc.connection_name,
  uoc.connection_status,
  uoc.connection_metadata,
  uoc.external_username,
  uoc.created_at,
  uoc.updated_at,
  sp.display_name as provider_name,
  sp.configuration_metadata as provider_config,
  uoc.credential_hint
from public.user_oauth_connections uoc
join public.service_providers sp on uoc.oauth_provider_id = sp.id
where sp.name = 'clicksend_sms'
  and uoc.connection_status = 'active';
comment on view public.clicksend_connections is
  'Active ClickSend connections with provider details; security_invoker, so each caller sees only their own rows.';
revoke all on public.clicksend_connections from public, anon;
revoke insert, update, delete, truncate on public.clicksend_connections from authenticated;
grant select on public.clicksend_connections to authenticated, service_role;

-- -------------------------------------------------------------------------------------
-- Step 7: verification. Counts rows as the seed did, and also checks the security properties
-- (defect 12): security_invoker view, fixed search_path and no PUBLIC/anon EXECUTE on every
-- SECURITY DEFINER function in public, RLS on every table in public.
-- -------------------------------------------------------------------------------------
do $$
declare
  v_provider_count integer;
  v_capability_count integer;
  v_bad text;
begin
  select count(*) into v_provider_count
    from public.service_providers where name = 'clicksend_sms';
  if v_provider_count <> 1 then
    raise exception 'ClickSend migration check failed: expected 1 provider row, found %', v_provider_count;
  end if;

  -- These six (later migrations add more: re-applying this one must not fail on them).
  select count(*) into v_capability_count
    from public.integration_capabilities ic
    join public.service_providers sp on sp.id = ic.integration_id
   where sp.name = 'clicksend_sms'
     and ic.capability_key in ('clicksend_send_sms', 'clicksend_send_mms', 'clicksend_get_balance',
       'clicksend_get_sms_history', 'clicksend_get_mms_history', 'clicksend_get_delivery_receipts');
  if v_capability_count <> 6 then
    raise exception 'ClickSend migration check failed: expected the 6 capabilities, found %', v_capability_count;
  end if;

  if to_regprocedure('public.validate_agent_clicksend_permissions(uuid, uuid, text[])') is null
     or to_regprocedure('public.get_user_clicksend_connection(uuid)') is null then
    raise exception 'ClickSend migration check failed: a ClickSend function is missing';
  end if;

  if not exists (
    select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relname = 'clicksend_connections'
       and 'security_invoker=true' = any (coalesce(c.reloptions, '{}'))
  ) then
    raise exception 'ClickSend migration check failed: clicksend_connections is not security_invoker';
  end if;

  select string_agg(p.oid::regprocedure::text, ', ') into v_bad
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'public' and p.prosecdef
     and (
       not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) cfg where cfg like 'search_path=%')
       or has_function_privilege('anon', p.oid, 'execute')
       or exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                   where a.grantee = 0 and a.privilege_type = 'EXECUTE')
     );
  if v_bad is not null then
    raise exception 'ClickSend migration check failed: SECURITY DEFINER functions without fixed search_path or executable by PUBLIC/anon: %', v_bad;
  end if;

  select string_agg(c.relname, ', ') into v_bad
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity;
  if v_bad is not null then
    raise exception 'ClickSend migration check failed: RLS is off on %', v_bad;
  end if;

  raise notice 'ClickSend SMS/MMS integration verified: provider, 6 capabilities, functions, invoker view, RLS';
end
$$;
