-- =====================================================================================
-- Platform bootstrap for plain PostgreSQL 15 and embedded PGlite
-- =====================================================================================
-- What a Supabase project already provides before any migration runs, re-created so the
-- migrations in supabase/migrations run unchanged on one machine:
--   * the API roles anon, authenticated, service_role (and authenticator, which the API logs in as)
--     with Supabase's grants and default privileges on schema public;
--   * the auth schema: auth.users with GoTrue's column names, auth.uid(), auth.role(), auth.jwt()
--     reading the request.jwt.claims setting the way Supabase's helpers do;
--   * a Vault shim on pgcrypto with Vault's API: vault.secrets, vault.create_secret,
--     vault.update_secret and vault.decrypted_secrets, reachable only by postgres and service_role.
-- This file is NEVER a migration: on a real Supabase project the platform owns these objects.
-- It is idempotent; it runs as the database owner (a superuser) before the migrations.
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- Roles
-- -------------------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;

-- -------------------------------------------------------------------------------------
-- Schemas, extensions and Supabase's default privileges
-- -------------------------------------------------------------------------------------
create schema if not exists extensions;
create extension if not exists pgcrypto with schema extensions;
grant usage on schema extensions to anon, authenticated, service_role;

grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

-- -------------------------------------------------------------------------------------
-- auth: users and the JWT helpers
-- -------------------------------------------------------------------------------------
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  phone text,
  banned_until timestamptz,
  is_sso_user boolean not null default false,
  is_anonymous boolean not null default false,
  deleted_at timestamptz,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
create unique index if not exists users_email_partial_key on auth.users (email) where is_sso_user = false;
comment on table auth.users is 'Local re-creation of GoTrue''s auth.users (only the columns this project uses).';

create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
comment on function auth.uid() is 'The caller''s user id: the sub claim of the request JWT, or null.';

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
comment on function auth.role() is 'The role claim of the request JWT (anon, authenticated, service_role), or null.';

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
comment on function auth.jwt() is 'All claims of the request JWT as jsonb, or null.';

grant execute on function auth.uid(), auth.role(), auth.jwt() to anon, authenticated, service_role;

-- -------------------------------------------------------------------------------------
-- Vault shim (pgcrypto). Same names and signatures as supabase_vault; different cipher.
-- -------------------------------------------------------------------------------------
create schema if not exists vault;
revoke all on schema vault from public;

-- The shim's one symmetric key, generated per database and readable by nobody but the owner.
create table if not exists vault.shim_key (
  id boolean primary key default true check (id),
  key text not null default encode(extensions.gen_random_bytes(32), 'hex')
);
insert into vault.shim_key (id) values (true) on conflict (id) do nothing;
revoke all on vault.shim_key from public;

create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea default extensions.gen_random_bytes(16),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index if not exists secrets_name_idx on vault.secrets (name) where name is not null;
comment on table vault.secrets is 'Vault shim: secrets encrypted at rest (pgp_sym_encrypt, base64).';

create or replace function vault.create_secret(
  new_secret text,
  new_name text default null,
  new_description text default '',
  new_key_id uuid default null
) returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  insert into vault.secrets (name, description, secret, key_id)
  values (
    new_name,
    coalesce(new_description, ''),
    encode(extensions.pgp_sym_encrypt(new_secret, (select key from vault.shim_key)), 'base64'),
    new_key_id
  )
  returning id into v_id;
  return v_id;
end
$$;
comment on function vault.create_secret(text, text, text, uuid) is 'Vault shim: store a secret encrypted, return its id.';

create or replace function vault.update_secret(
  secret_id uuid,
  new_secret text default null,
  new_name text default null,
  new_description text default null,
  new_key_id uuid default null
) returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  update vault.secrets s
     set secret = coalesce(
           encode(extensions.pgp_sym_encrypt(new_secret, (select key from vault.shim_key)), 'base64'),
           s.secret),
         name = coalesce(new_name, s.name),
         description = coalesce(new_description, s.description),
         key_id = coalesce(new_key_id, s.key_id),
         updated_at = now()
   where s.id = secret_id;
end
$$;
comment on function vault.update_secret(uuid, text, text, text, uuid) is 'Vault shim: replace parts of a stored secret.';

-- Runs with its owner's rights (not security_invoker) so it can read the shim key; who may
-- select from it is decided by the grants below.
create or replace view vault.decrypted_secrets as
select
  s.id,
  s.name,
  s.description,
  s.secret,
  extensions.pgp_sym_decrypt(decode(s.secret, 'base64'), k.key) as decrypted_secret,
  s.key_id,
  s.nonce,
  s.created_at,
  s.updated_at
from vault.secrets s
cross join vault.shim_key k;
comment on view vault.decrypted_secrets is 'Vault shim: secrets with their plaintext, for postgres and service_role only.';

-- Supabase grants Vault to postgres and service_role, never to anon or authenticated.
revoke all on vault.secrets, vault.decrypted_secrets from public, anon, authenticated;
revoke all on function vault.create_secret(text, text, text, uuid) from public, anon, authenticated;
revoke all on function vault.update_secret(uuid, text, text, text, uuid) from public, anon, authenticated;
grant usage on schema vault to service_role;
grant select, delete on vault.secrets, vault.decrypted_secrets to service_role;
grant execute on function vault.create_secret(text, text, text, uuid) to service_role;
grant execute on function vault.update_secret(uuid, text, text, text, uuid) to service_role;

-- =====================================================================================
-- GoTrue (Supabase Auth) state used by the local gateway's /auth/v1
-- =====================================================================================
-- Sessions, rotating refresh tokens and email identities, with GoTrue's table and column
-- names so SQL written against a Supabase project reads the same here. Owned by the database
-- owner and reachable by no API role (on Supabase only supabase_auth_admin touches them).
-- Deliberate differences from GoTrue: refresh_tokens.user_id is a uuid with a foreign key (GoTrue
-- keeps a varchar(255)); refresh_tokens.session_id is required; sessions.aal is text with a check
-- instead of the auth.aal_level enum. Logging out deletes sessions, and their refresh tokens go
-- with them (on delete cascade), exactly as GoTrue does.
-- -------------------------------------------------------------------------------------
create table if not exists auth.identities (
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  email text generated always as (lower(identity_data ->> 'email')) stored,
  id uuid primary key default gen_random_uuid(),
  constraint identities_provider_id_provider_unique unique (provider_id, provider)
);
create index if not exists identities_user_id_idx on auth.identities (user_id);
create index if not exists identities_email_idx on auth.identities (email text_pattern_ops);
comment on table auth.identities is 'Local re-creation of GoTrue''s auth.identities: one row per sign-in provider of a user.';

create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  factor_id uuid,
  aal text not null default 'aal1' check (aal in ('aal1', 'aal2', 'aal3')),
  not_after timestamptz,
  refreshed_at timestamptz,
  user_agent text,
  ip inet,
  tag text
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);
create index if not exists user_id_created_at_idx on auth.sessions (user_id, created_at);
comment on table auth.sessions is 'Local re-creation of GoTrue''s auth.sessions: a JWT''s session_id must name a row here.';

create table if not exists auth.refresh_tokens (
  instance_id uuid,
  id bigserial primary key,
  token varchar(255) not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  revoked boolean not null default false,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  parent varchar(255),
  session_id uuid not null references auth.sessions (id) on delete cascade,
  constraint refresh_tokens_token_unique unique (token)
);
create index if not exists refresh_tokens_parent_idx on auth.refresh_tokens (parent);
create index if not exists refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);
create index if not exists refresh_tokens_user_id_idx on auth.refresh_tokens (user_id);
comment on table auth.refresh_tokens is 'Local re-creation of GoTrue''s auth.refresh_tokens: rotated on every use; parent links a token family.';

revoke all on auth.identities, auth.sessions, auth.refresh_tokens from public, anon, authenticated, service_role;
revoke all on sequence auth.refresh_tokens_id_seq from public, anon, authenticated, service_role;
