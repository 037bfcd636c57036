-- Test helpers in the style of supabase-test-helpers, written for this project.
-- Installed by the test run only (this file commits them into the throwaway test database);
-- never part of a migration. Every later file relies on them.
begin;

create extension if not exists pgtap with schema extensions;
-- New connections (each later test file) find pgTAP and the helpers without qualification.
do $$
begin
  execute format('alter database %I set search_path = "$user", public, extensions, tests', current_database());
end
$$;
set local search_path = "$user", public, extensions;

create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;
alter default privileges in schema tests grant execute on functions to anon, authenticated, service_role;

-- A user in auth.users, remembered by a short name (the persona), returning its id.
create or replace function tests.create_supabase_user(identifier text, email text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid := gen_random_uuid();
begin
  insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
  values (
    v_id, 'authenticated', 'authenticated',
    coalesce(email, identifier || '@test.local'),
    '{"provider": "email"}'::jsonb,
    jsonb_build_object('test_identifier', identifier),
    now(), now()
  );
  return v_id;
end
$$;

create or replace function tests.get_supabase_uid(identifier text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select u.id from auth.users u where u.raw_user_meta_data ->> 'test_identifier' = identifier
$$;

-- Act as a signed-in user: role authenticated and the JWT claims PostgREST would set.
create or replace function tests.authenticate_as(identifier text)
returns void
language plpgsql
as $$
declare
  v_id uuid := tests.get_supabase_uid(identifier);
begin
  if v_id is null then
    raise exception 'tests.authenticate_as: no test user named %', identifier;
  end if;
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', json_build_object(
    'sub', v_id, 'role', 'authenticated', 'aud', 'authenticated', 'email', identifier || '@test.local'
  )::text, true);
end
$$;

create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
end
$$;

create or replace function tests.authenticate_as_anon()
returns void
language plpgsql
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', '{"role": "anon"}', true);
end
$$;

-- Back to the test runner's own (superuser) session, no JWT.
create or replace function tests.clear_authentication()
returns void
language plpgsql
as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('request.jwt.claims', '', true);
end
$$;

-- pgTAP assertion: every table in the schema has row level security enabled.
create or replace function tests.rls_enabled(testing_schema text)
returns text
language sql
as $$
  select is(
    (select count(*)::integer from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = testing_schema and c.relkind in ('r', 'p') and not c.relrowsecurity),
    0,
    format('every table in schema %s has row level security enabled', testing_schema)
  )
$$;

-- Fixtures, created as the test runner (bypassing RLS), returning ids.
create or replace function tests.clicksend_provider_id()
returns uuid
language sql
stable
as $$
  select id from public.service_providers where name = 'clicksend_sms'
$$;

create or replace function tests.create_agent(owner text, agent_name text default 'Test agent')
returns uuid
language sql
security definer
set search_path = ''
as $$
  insert into public.agents (user_id, name) values (tests.get_supabase_uid(owner), agent_name) returning id
$$;

create or replace function tests.create_clicksend_connection(
  owner text,
  connection_name text default 'Test connection',
  status text default 'active'
)
returns uuid
language sql
security definer
set search_path = ''
as $$
  insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name, external_username, connection_status)
  values (
    tests.get_supabase_uid(owner), tests.clicksend_provider_id(), connection_name,
    -- one ClickSend username per connection name: a user has one active connection per account
    owner || '_cs' || case when connection_name = 'Test connection' then ''
                           else '_' || lower(regexp_replace(connection_name, '\W+', '_', 'g')) end,
    status
  )
  returning id
$$;

create or replace function tests.create_grant(
  agent uuid,
  connection uuid,
  scopes jsonb default '["sms"]'::jsonb
)
returns uuid
language sql
security definer
set search_path = ''
as $$
  insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
  select agent, connection, a.user_id, scopes from public.agents a where a.id = agent
  returning id
$$;

-- A second provider (API-key based, so no OAuth endpoints), created as the test runner.
create or replace function tests.create_provider(
  provider_name text,
  scopes jsonb default '["sms"]'::jsonb,
  enabled boolean default true
)
returns uuid
language sql
security definer
set search_path = ''
as $$
  insert into public.service_providers (name, display_name, authentication_type, scopes_supported, is_enabled)
  values (provider_name, provider_name, 'api_key', scopes, enabled)
  returning id
$$;

-- Every relation the current role may read (any schema but the system and temporary ones) whose
-- rows, rendered as JSON, contain the needle. Runs with the caller's rights, so RLS applies.
create or replace function tests.relations_containing(needle text)
returns setof text
language plpgsql
as $$
declare
  v_relation text;
  v_found boolean;
begin
  for v_relation in
    select format('%I.%I', n.nspname, c.relname)
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'f')
       and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
       and n.nspname not like 'pg_temp%'
       and n.nspname not like 'pg_toast_temp%'
       and has_schema_privilege(n.oid, 'usage')
       and has_table_privilege(c.oid, 'select')
     order by 1
  loop
    execute format('select exists (select 1 from %s t where strpos(row_to_json(t)::text, $1) > 0)', v_relation)
      into v_found using needle;
    if v_found then
      return next v_relation;
    end if;
  end loop;
end
$$;

-- The SQLSTATE a statement fails with (its effects rolled back), or null when it succeeds (its
-- effects kept). For assertions that must hold whatever the error code, next to a stricter one.
create or replace function tests.sqlstate_of(statement text)
returns text
language plpgsql
as $$
begin
  execute statement;
  return null;
exception when others then
  return sqlstate;
end
$$;

select plan(7);

select has_function('tests', 'authenticate_as', array['text'], 'tests.authenticate_as(text) is installed');
select has_function('tests', 'create_supabase_user', array['text', 'text'], 'tests.create_supabase_user(text, text) is installed');
select has_function('tests', 'create_provider', array['text', 'jsonb', 'boolean'], 'tests.create_provider(text, jsonb, boolean) is installed');
select has_function('tests', 'relations_containing', array['text'], 'tests.relations_containing(text) is installed');
select has_function('tests', 'sqlstate_of', array['text'], 'tests.sqlstate_of(text) is installed');
select has_extension('extensions', 'pgtap', 'pgTAP lives in the extensions schema');
select ok(
  not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where n.nspname = 'tests' and p.proname = 'authenticate_as' and p.prosecdef),
  'tests.authenticate_as runs as the caller (it only sets the session role and claims)'
);

select * from finish();
commit;
