-- =====================================================================================
-- PLATFORM BASE: providers, capabilities, connections, agents, grants, tool logs
-- =====================================================================================
-- The tables the ClickSend design (seed) assumes already exist. Idempotent: every statement
-- can run again and changes nothing the second time.
--
-- Security model (see ARCHITECTURE.md):
--   * RLS on every table; one policy per operation, `to authenticated`, ownership through
--     (select auth.uid()) so it is evaluated once per query.
--   * user_oauth_connections has RLS on but no policies here: each provider's migration adds
--     the policies for its own connections (the ClickSend ones come with the ClickSend migration).
--   * Agents, connections and grants carry their owner's user_id, and a grant references both
--     its agent and its connection through (id, user_id) pairs, so a grant can only ever link
--     an agent and a connection of the same user (a constraint, not just a policy).
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- Default privileges: functions created from here on are not executable by PUBLIC/anon
-- unless granted explicitly right after their definition.
-- -------------------------------------------------------------------------------------
alter default privileges in schema public revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;

-- -------------------------------------------------------------------------------------
-- Shared trigger: updated_at
-- -------------------------------------------------------------------------------------
create or replace function public.set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
comment on function public.set_updated_at() is 'Trigger: stamps updated_at on every UPDATE.';
revoke execute on function public.set_updated_at() from public, anon, authenticated;

-- -------------------------------------------------------------------------------------
-- service_providers: the catalogue of integrations
-- -------------------------------------------------------------------------------------
create table if not exists public.service_providers (
  id uuid primary key default gen_random_uuid(),
  name text not null unique check (name ~ '^[a-z][a-z0-9_]{1,62}$'),
  display_name text not null check (length(display_name) between 1 and 200),
  -- 'oauth2' providers need real endpoints; 'api_key' providers (ClickSend) have none.
  authentication_type text not null default 'oauth2' check (authentication_type in ('oauth2', 'api_key')),
  authorization_endpoint text,
  token_endpoint text,
  revoke_endpoint text,
  discovery_endpoint text,
  scopes_supported jsonb not null default '[]'::jsonb check (jsonb_typeof(scopes_supported) = 'array'),
  pkce_required boolean not null default false,
  client_credentials_location text not null default 'header' check (client_credentials_location in ('header', 'body')),
  is_enabled boolean not null default true,
  configuration_metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(configuration_metadata) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint service_providers_oauth_endpoints check (
    authentication_type <> 'oauth2' or (authorization_endpoint is not null and token_endpoint is not null)
  ),
  constraint service_providers_api_key_no_oauth_endpoints check (
    authentication_type <> 'api_key' or (authorization_endpoint is null and token_endpoint is null)
  )
);
comment on table public.service_providers is 'Integrations users can connect (OAuth or API-key based), with the scopes each supports.';
comment on column public.service_providers.scopes_supported is 'JSON array of scope names; grants may only use these.';
comment on column public.service_providers.authentication_type is 'oauth2 (endpoints required) or api_key (no OAuth endpoints: credentials are verified by an Edge Function).';

drop trigger if exists service_providers_updated_at on public.service_providers;
create trigger service_providers_updated_at before update on public.service_providers
  for each row execute function public.set_updated_at();

alter table public.service_providers enable row level security;
revoke all on public.service_providers from anon;
revoke insert, update, delete, truncate on public.service_providers from authenticated;

drop policy if exists "Signed-in users can read enabled providers" on public.service_providers;
create policy "Signed-in users can read enabled providers" on public.service_providers
  for select to authenticated
  using (is_enabled);

-- -------------------------------------------------------------------------------------
-- integration_capabilities: the tools each provider offers, and the scope each needs
-- -------------------------------------------------------------------------------------
create table if not exists public.integration_capabilities (
  id uuid primary key default gen_random_uuid(),
  integration_id uuid not null references public.service_providers (id) on delete cascade,
  capability_key text not null check (capability_key ~ '^[a-z][a-z0-9_]{1,63}$'),
  display_label text not null,
  display_order integer not null default 0,
  required_scope text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (integration_id, capability_key)
);
comment on table public.integration_capabilities is 'Tools a provider offers to agents; capability_key is the tool name, required_scope the grant scope it needs.';
comment on column public.integration_capabilities.required_scope is 'Must be one of the provider''s scopes_supported (enforced by trigger).';

create or replace function public.check_capability_scope() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.service_providers sp
     where sp.id = new.integration_id
       and sp.scopes_supported ? new.required_scope
  ) then
    raise exception 'required_scope "%" is not a scope of this provider', new.required_scope
      using errcode = '23514';
  end if;
  return new;
end
$$;
comment on function public.check_capability_scope() is 'Trigger: a capability''s required_scope must be one of its provider''s scopes.';
revoke execute on function public.check_capability_scope() from public, anon, authenticated;

drop trigger if exists integration_capabilities_scope on public.integration_capabilities;
create trigger integration_capabilities_scope before insert or update on public.integration_capabilities
  for each row execute function public.check_capability_scope();
drop trigger if exists integration_capabilities_updated_at on public.integration_capabilities;
create trigger integration_capabilities_updated_at before update on public.integration_capabilities
  for each row execute function public.set_updated_at();

alter table public.integration_capabilities enable row level security;
revoke all on public.integration_capabilities from anon;
revoke insert, update, delete, truncate on public.integration_capabilities from authenticated;

drop policy if exists "Signed-in users can read capabilities of enabled providers" on public.integration_capabilities;
create policy "Signed-in users can read capabilities of enabled providers" on public.integration_capabilities
  for select to authenticated
  using (exists (select 1 from public.service_providers sp where sp.id = integration_id and sp.is_enabled));

-- -------------------------------------------------------------------------------------
-- user_oauth_connections: a user's account at a provider (a real table, defect 1)
-- -------------------------------------------------------------------------------------
create table if not exists public.user_oauth_connections (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  oauth_provider_id uuid not null references public.service_providers (id) on delete restrict,
  connection_name text not null check (length(btrim(connection_name)) between 1 and 100),
  external_username text,
  connection_status text not null default 'inactive'
    check (connection_status in ('active', 'inactive', 'revoked', 'error', 'expired')),
  connection_metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(connection_metadata) = 'object'),
  -- Never a credential: at most the last four characters of the key, for recognition.
  credential_hint text check (credential_hint is null or length(credential_hint) <= 4),
  last_used_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Target of the (id, user_id) foreign keys that keep grants inside one tenant.
  unique (id, user_id)
);
comment on table public.user_oauth_connections is 'A user''s connection to a provider account. Holds no secrets: credentials live in Vault, referenced from the private schema.';
comment on column public.user_oauth_connections.credential_hint is 'Last four characters of the stored key, so the user can recognise it; never the key.';

create index if not exists user_oauth_connections_user_provider_idx
  on public.user_oauth_connections (user_id, oauth_provider_id);
create index if not exists user_oauth_connections_provider_idx
  on public.user_oauth_connections (oauth_provider_id);

drop trigger if exists user_oauth_connections_updated_at on public.user_oauth_connections;
create trigger user_oauth_connections_updated_at before update on public.user_oauth_connections
  for each row execute function public.set_updated_at();

alter table public.user_oauth_connections enable row level security;
-- Column privileges: a user may create a connection (it starts 'inactive') and rename or annotate
-- it; status and hint change only through the service-role credential functions, i.e. after the
-- provider has verified the credentials.
revoke all on public.user_oauth_connections from anon;
revoke insert, update, truncate on public.user_oauth_connections from authenticated;
grant insert (user_id, oauth_provider_id, connection_name, external_username, connection_metadata)
  on public.user_oauth_connections to authenticated;
grant update (connection_name, connection_metadata) on public.user_oauth_connections to authenticated;

-- -------------------------------------------------------------------------------------
-- agents
-- -------------------------------------------------------------------------------------
create table if not exists public.agents (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 100),
  description text check (description is null or length(description) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, user_id)
);
comment on table public.agents is 'AI agents owned by a user; each may be granted scopes on that user''s connections.';

create index if not exists agents_user_id_idx on public.agents (user_id);

drop trigger if exists agents_updated_at on public.agents;
create trigger agents_updated_at before update on public.agents
  for each row execute function public.set_updated_at();

alter table public.agents enable row level security;
revoke all on public.agents from anon;

drop policy if exists "Users can view own agents" on public.agents;
create policy "Users can view own agents" on public.agents
  for select to authenticated
  using (user_id = (select auth.uid()));

drop policy if exists "Users can create own agents" on public.agents;
create policy "Users can create own agents" on public.agents
  for insert to authenticated
  with check (user_id = (select auth.uid()));

drop policy if exists "Users can update own agents" on public.agents;
create policy "Users can update own agents" on public.agents
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

drop policy if exists "Users can delete own agents" on public.agents;
create policy "Users can delete own agents" on public.agents
  for delete to authenticated
  using (user_id = (select auth.uid()));

-- -------------------------------------------------------------------------------------
-- agent_integration_permissions: which scopes an agent may use on one connection
-- -------------------------------------------------------------------------------------
create table if not exists public.agent_integration_permissions (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null,
  user_oauth_connection_id uuid not null,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  allowed_scopes jsonb not null
    check (jsonb_typeof(allowed_scopes) = 'array' and jsonb_array_length(allowed_scopes) > 0),
  is_active boolean not null default true,
  granted_at timestamptz not null default now(),
  revoked_at timestamptz,
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (agent_id, user_oauth_connection_id),
  -- Same owner on both ends: A's agent can never be linked to B's connection, or the reverse.
  constraint agent_integration_permissions_agent_fk foreign key (agent_id, user_id)
    references public.agents (id, user_id) on delete cascade,
  constraint agent_integration_permissions_connection_fk foreign key (user_oauth_connection_id, user_id)
    references public.user_oauth_connections (id, user_id) on delete cascade,
  constraint agent_integration_permissions_revoked_inactive check (revoked_at is null or not is_active)
);
comment on table public.agent_integration_permissions is 'Grants: the scopes an agent may use on one of its owner''s connections.';
comment on column public.agent_integration_permissions.allowed_scopes is 'Non-empty JSON array, a subset of the provider''s scopes_supported (enforced by trigger).';
comment on column public.agent_integration_permissions.expires_at is 'After this instant the grant no longer counts, even if is_active.';

create index if not exists agent_integration_permissions_user_id_idx on public.agent_integration_permissions (user_id);
create index if not exists agent_integration_permissions_agent_user_idx on public.agent_integration_permissions (agent_id, user_id);
create index if not exists agent_integration_permissions_connection_user_idx
  on public.agent_integration_permissions (user_oauth_connection_id, user_id);

-- SECURITY DEFINER so the provider lookup is not hidden by the caller's RLS (a connection of
-- another provider, or of another user, must reach the foreign key and policy checks instead).
create or replace function public.check_allowed_scopes() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_supported jsonb;
begin
  if jsonb_typeof(new.allowed_scopes) is distinct from 'array' then
    raise exception 'allowed_scopes must be a non-empty JSON array of scope names'
      using errcode = '23514';
  end if;

  select sp.scopes_supported into v_supported
    from public.user_oauth_connections uoc
    join public.service_providers sp on sp.id = uoc.oauth_provider_id
   where uoc.id = new.user_oauth_connection_id and uoc.user_id = new.user_id;
  if not found then
    -- Unknown, or another user's connection: the same-tenant foreign key rejects the row next.
    return new;
  end if;

  if exists (
    select 1 from jsonb_array_elements(new.allowed_scopes) e
     where jsonb_typeof(e) <> 'string' or not coalesce(v_supported ? (e #>> '{}'), false)
  ) then
    raise exception 'allowed_scopes must be a non-empty subset of the provider''s scopes %', v_supported
      using errcode = '23514';
  end if;
  return new;
end
$$;
comment on function public.check_allowed_scopes() is 'Trigger: a grant''s allowed_scopes must all be scopes of its connection''s provider.';
revoke all on function public.check_allowed_scopes() from public, anon, authenticated;

drop trigger if exists agent_integration_permissions_scopes on public.agent_integration_permissions;
create trigger agent_integration_permissions_scopes
  before insert or update of allowed_scopes, user_oauth_connection_id on public.agent_integration_permissions
  for each row execute function public.check_allowed_scopes();
drop trigger if exists agent_integration_permissions_updated_at on public.agent_integration_permissions;
create trigger agent_integration_permissions_updated_at before update on public.agent_integration_permissions
  for each row execute function public.set_updated_at();

alter table public.agent_integration_permissions enable row level security;
revoke all on public.agent_integration_permissions from anon;

drop policy if exists "Users can view own agent grants" on public.agent_integration_permissions;
create policy "Users can view own agent grants" on public.agent_integration_permissions
  for select to authenticated
  using (user_id = (select auth.uid()));

drop policy if exists "Users can create own agent grants" on public.agent_integration_permissions;
create policy "Users can create own agent grants" on public.agent_integration_permissions
  for insert to authenticated
  with check (user_id = (select auth.uid()));

drop policy if exists "Users can update own agent grants" on public.agent_integration_permissions;
create policy "Users can update own agent grants" on public.agent_integration_permissions
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

drop policy if exists "Users can delete own agent grants" on public.agent_integration_permissions;
create policy "Users can delete own agent grants" on public.agent_integration_permissions
  for delete to authenticated
  using (user_id = (select auth.uid()));

-- -------------------------------------------------------------------------------------
-- tool_execution_logs: every tool call an agent made, written by the executor
-- -------------------------------------------------------------------------------------
create table if not exists public.tool_execution_logs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  agent_id uuid,
  user_oauth_connection_id uuid,
  tool_name text not null,
  arguments_redacted jsonb not null default '{}'::jsonb,
  success boolean not null,
  error_code text,
  error_message text,
  http_status integer,
  latency_ms integer check (latency_ms is null or latency_ms >= 0),
  created_at timestamptz not null default now(),
  constraint tool_execution_logs_agent_fk foreign key (agent_id, user_id)
    references public.agents (id, user_id) on delete set null (agent_id),
  constraint tool_execution_logs_connection_fk foreign key (user_oauth_connection_id, user_id)
    references public.user_oauth_connections (id, user_id) on delete set null (user_oauth_connection_id),
  constraint tool_execution_logs_failure_has_code check (success or error_code is not null)
);
comment on table public.tool_execution_logs is 'Audit of every tool call (success and failure) with redacted arguments; written by the service role only.';

create index if not exists tool_execution_logs_user_created_idx on public.tool_execution_logs (user_id, created_at desc);
create index if not exists tool_execution_logs_agent_user_idx on public.tool_execution_logs (agent_id, user_id);
create index if not exists tool_execution_logs_connection_user_idx on public.tool_execution_logs (user_oauth_connection_id, user_id);

alter table public.tool_execution_logs enable row level security;
revoke all on public.tool_execution_logs from anon;
revoke insert, update, delete, truncate on public.tool_execution_logs from authenticated;

drop policy if exists "Users can view own tool logs" on public.tool_execution_logs;
create policy "Users can view own tool logs" on public.tool_execution_logs
  for select to authenticated
  using (user_id = (select auth.uid()));
