-- =====================================================================================
-- CLICKSEND CREDENTIALS IN VAULT (seed "Credential Storage Strategy", defect 14)
-- =====================================================================================
-- The API key lives only in Vault. The Vault secret id is kept in the `private` schema, which
-- anon and authenticated cannot even look into. Four service-role-only functions store, rotate,
-- read and delete a connection's key; nothing else touches Vault. Deleting a connection (or its
-- credential row, by cascade) deletes the secret too, so no secret is ever orphaned.
-- =====================================================================================

create schema if not exists private;
comment on schema private is 'Objects no API role may reach: never exposed by PostgREST, no grants to anon/authenticated.';
revoke all on schema private from public, anon, authenticated;

-- -------------------------------------------------------------------------------------
-- private.clicksend_credentials: connection -> Vault secret id
-- -------------------------------------------------------------------------------------
create table if not exists private.clicksend_credentials (
  connection_id uuid primary key references public.user_oauth_connections (id) on delete cascade,
  vault_secret_id uuid not null unique,
  created_at timestamptz not null default now(),
  rotated_at timestamptz
);
comment on table private.clicksend_credentials is 'Which Vault secret holds each ClickSend connection''s API key. Service-role functions only.';
revoke all on private.clicksend_credentials from public, anon, authenticated, service_role;
alter table private.clicksend_credentials enable row level security;

-- Deleting the reference deletes the secret (covers connection deletes by cascade).
create or replace function private.delete_clicksend_vault_secret() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from vault.secrets where id = old.vault_secret_id;
  return old;
end
$$;
comment on function private.delete_clicksend_vault_secret() is 'Trigger: removes the Vault secret when its credential row goes.';
revoke all on function private.delete_clicksend_vault_secret() from public, anon, authenticated;

drop trigger if exists clicksend_credentials_delete_secret on private.clicksend_credentials;
create trigger clicksend_credentials_delete_secret after delete on private.clicksend_credentials
  for each row execute function private.delete_clicksend_vault_secret();

-- -------------------------------------------------------------------------------------
-- Guard shared by the four functions: the service role only, and a ClickSend connection.
-- -------------------------------------------------------------------------------------
create or replace function private.assert_clicksend_service_call(p_connection_id uuid) returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'ClickSend credentials are available to the service role only'
      using errcode = '42501';
  end if;
  if not exists (
    select 1 from public.user_oauth_connections uoc
      join public.service_providers sp on sp.id = uoc.oauth_provider_id
     where uoc.id = p_connection_id and sp.name = 'clicksend_sms'
  ) then
    raise exception 'ClickSend connection % not found', p_connection_id
      using errcode = 'P0002';
  end if;
end
$$;
comment on function private.assert_clicksend_service_call(uuid) is 'Raises unless the caller is the service role and the id is a ClickSend connection.';
revoke all on function private.assert_clicksend_service_call(uuid) from public, anon, authenticated;

create or replace function private.assert_clicksend_api_key(p_api_key text) returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  -- Never echo the key in the message.
  if p_api_key is null or length(p_api_key) not between 8 and 200 or p_api_key ~ '\s' then
    raise exception 'The API key is malformed (expected 8-200 characters without spaces)'
      using errcode = '22023';
  end if;
end
$$;
comment on function private.assert_clicksend_api_key(text) is 'Raises (without echoing it) when an API key is obviously malformed.';
revoke all on function private.assert_clicksend_api_key(text) from public, anon, authenticated;

-- -------------------------------------------------------------------------------------
-- Store: the first key of a connection; marks the connection active.
-- -------------------------------------------------------------------------------------
create or replace function public.clicksend_store_api_key(p_connection_id uuid, p_api_key text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_secret_id uuid;
begin
  perform private.assert_clicksend_service_call(p_connection_id);
  perform private.assert_clicksend_api_key(p_api_key);
  if exists (select 1 from private.clicksend_credentials where connection_id = p_connection_id) then
    raise exception 'ClickSend connection % already has a key; rotate it instead', p_connection_id
      using errcode = '23505';
  end if;

  v_secret_id := vault.create_secret(p_api_key, 'clicksend:' || p_connection_id::text, 'ClickSend API key');
  insert into private.clicksend_credentials (connection_id, vault_secret_id)
  values (p_connection_id, v_secret_id);
  update public.user_oauth_connections
     set credential_hint = right(p_api_key, 4),
         connection_status = 'active'
   where id = p_connection_id;
end
$$;
comment on function public.clicksend_store_api_key(uuid, text) is
  'Service role only: stores a verified API key in Vault for a ClickSend connection and activates it.';
revoke all on function public.clicksend_store_api_key(uuid, text) from public, anon, authenticated;
grant execute on function public.clicksend_store_api_key(uuid, text) to service_role;

-- -------------------------------------------------------------------------------------
-- Rotate: a new secret replaces the old one, which is deleted.
-- -------------------------------------------------------------------------------------
create or replace function public.clicksend_rotate_api_key(p_connection_id uuid, p_api_key text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_old_id uuid;
  v_new_id uuid;
begin
  perform private.assert_clicksend_service_call(p_connection_id);
  perform private.assert_clicksend_api_key(p_api_key);
  select vault_secret_id into v_old_id
    from private.clicksend_credentials where connection_id = p_connection_id
     for update;
  if v_old_id is null then
    raise exception 'ClickSend connection % has no key to rotate', p_connection_id
      using errcode = 'P0002';
  end if;

  v_new_id := vault.create_secret(p_api_key, null, 'ClickSend API key');
  update private.clicksend_credentials
     set vault_secret_id = v_new_id, rotated_at = now()
   where connection_id = p_connection_id;
  delete from vault.secrets where id = v_old_id;
  perform vault.update_secret(v_new_id, new_name => 'clicksend:' || p_connection_id::text);
  update public.user_oauth_connections
     set credential_hint = right(p_api_key, 4),
         connection_status = 'active'
   where id = p_connection_id;
end
$$;
comment on function public.clicksend_rotate_api_key(uuid, text) is
  'Service role only: replaces a connection''s API key with a new Vault secret and deletes the old secret.';
revoke all on function public.clicksend_rotate_api_key(uuid, text) from public, anon, authenticated;
grant execute on function public.clicksend_rotate_api_key(uuid, text) to service_role;

-- -------------------------------------------------------------------------------------
-- Read: the plaintext key, for the Edge Functions that call ClickSend.
-- -------------------------------------------------------------------------------------
create or replace function public.clicksend_read_api_key(p_connection_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_key text;
begin
  perform private.assert_clicksend_service_call(p_connection_id);
  select ds.decrypted_secret into v_key
    from private.clicksend_credentials cc
    join vault.decrypted_secrets ds on ds.id = cc.vault_secret_id
   where cc.connection_id = p_connection_id;
  if v_key is null then
    raise exception 'ClickSend connection % has no stored key', p_connection_id
      using errcode = 'P0002';
  end if;
  return v_key;
end
$$;
comment on function public.clicksend_read_api_key(uuid) is
  'Service role only: the decrypted API key of a ClickSend connection.';
revoke all on function public.clicksend_read_api_key(uuid) from public, anon, authenticated;
grant execute on function public.clicksend_read_api_key(uuid) to service_role;

-- -------------------------------------------------------------------------------------
-- Delete (disconnect): secret gone, connection revoked, every grant on it deactivated.
-- -------------------------------------------------------------------------------------
create or replace function public.clicksend_delete_api_key(p_connection_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_deleted integer;
begin
  perform private.assert_clicksend_service_call(p_connection_id);
  delete from private.clicksend_credentials where connection_id = p_connection_id;
  get diagnostics v_deleted = row_count;
  update public.user_oauth_connections
     set connection_status = 'revoked', credential_hint = null
   where id = p_connection_id;
  update public.agent_integration_permissions
     set is_active = false, revoked_at = coalesce(revoked_at, now())
   where user_oauth_connection_id = p_connection_id and is_active;
  return v_deleted > 0;
end
$$;
comment on function public.clicksend_delete_api_key(uuid) is
  'Service role only: deletes the connection''s Vault secret, marks it revoked and deactivates its grants. True if a key existed.';
revoke all on function public.clicksend_delete_api_key(uuid) from public, anon, authenticated;
grant execute on function public.clicksend_delete_api_key(uuid) to service_role;
