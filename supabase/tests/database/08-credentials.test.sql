-- ClickSend API keys in Vault: store, read, rotate, delete as the service role; unreachable for everyone else.
begin;
select plan(42);

\set test_key 'TEST-KEY-1234-ABCD'
\set rotated_key 'ROTATED-KEY-5678-WXYZ'
\set second_key 'SECOND-KEY-9999-QRST'

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.create_agent('owner') as owner_agent \gset
select tests.create_clicksend_connection('owner', 'Owner ClickSend', 'inactive') as owner_connection \gset
select tests.create_clicksend_connection('owner', 'Owner disposable', 'inactive') as owner_disposable \gset
select tests.create_clicksend_connection('other_user', 'Other ClickSend', 'inactive') as other_connection \gset
select tests.create_grant(:'owner_agent', :'owner_connection', '["sms", "balance"]') as owner_grant \gset
select tests.create_provider('other_api', '["sms"]') as other_provider \gset
insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name)
values (tests.get_supabase_uid('owner'), :'other_provider', 'Owner elsewhere')
returning id as owner_elsewhere \gset
select count(*) as secrets_before from vault.secrets \gset

-- Acting as service: store and read
select tests.authenticate_as_service_role();

select lives_ok(
  format('select public.clicksend_store_api_key(%L, %L)', :'owner_connection', :'test_key'),
  'the service role can store a key for a connection'
);
select results_eq(
  format('select connection_status, credential_hint from public.user_oauth_connections where id = %L', :'owner_connection'),
  format('values (%L::text, %L::text)', 'active', right(:'test_key', 4)),
  'storing a key activates the connection and keeps only its last four characters as a hint'
);
select is(
  public.clicksend_read_api_key(:'owner_connection'),
  :'test_key',
  'the service role reads back the stored key'
);
select throws_ok(
  format('select public.clicksend_store_api_key(%L, %L)', :'owner_connection', :'second_key'),
  '23505', null,
  'storing a second key for the same connection is refused (rotate instead)'
);
select is(
  public.clicksend_read_api_key(:'owner_connection'),
  :'test_key',
  'the refused second store left the first key in place'
);
select throws_ok(
  format($$select public.clicksend_store_api_key(%L, 'bad key with spaces')$$, :'other_connection'),
  '22023',
  'The API key is malformed (expected 8-200 characters without spaces)',
  'a malformed key is rejected with a message that does not echo it'
);
select throws_ok(
  format($$select public.clicksend_store_api_key(%L, 'short')$$, :'other_connection'),
  '22023',
  'The API key is malformed (expected 8-200 characters without spaces)',
  'a key that is too short is rejected with a message that does not echo it'
);
select throws_ok(
  format('select public.clicksend_read_api_key(%L)', :'other_connection'),
  'P0002', null,
  'reading a connection that never stored a key raises P0002 (the rejected key was not kept)'
);
select throws_ok(
  format('select public.clicksend_read_api_key(%L)', :'owner_elsewhere'),
  'P0002', null,
  'reading a connection to another provider raises P0002'
);
select throws_ok(
  format('select public.clicksend_read_api_key(%L)', gen_random_uuid()),
  'P0002', null,
  'reading an unknown connection raises P0002'
);
select throws_ok(
  format('select public.clicksend_store_api_key(%L, %L)', :'owner_elsewhere', :'second_key'),
  'P0002', null,
  'storing a key on a connection to another provider raises P0002'
);
select lives_ok(
  format('select public.clicksend_store_api_key(%L, %L)', :'owner_disposable', :'second_key'),
  'the service role stores a key on owner''s second connection'
);

-- Acting as the test runner: the stored keys exist only in Vault
select tests.clear_authentication();

select is(
  (select count(*)::integer from vault.secrets),
  :secrets_before + 2,
  'each stored key is one Vault secret'
);
select results_eq(
  format('select * from tests.relations_containing(%L)', :'test_key'),
  $$values ('vault.decrypted_secrets'::text)$$,
  'the plaintext key is found only in vault.decrypted_secrets, not in any table'
);
select vault_secret_id as first_secret from private.clicksend_credentials where connection_id = :'owner_connection' \gset

-- Acting as owner
select tests.authenticate_as('owner');

select results_eq(
  $$select * from tests.relations_containing('Owner ClickSend')$$,
  $$values ('public.clicksend_connections'::text), ('public.user_oauth_connections')$$,
  'the scan reads owner''s rows: their connection''s name is found in the table and the view'
);
select is_empty(
  format('select * from tests.relations_containing(%L)', :'test_key'),
  'the key appears in no row of any relation owner can read'
);
select is_empty(
  format('select * from tests.relations_containing(%L)', :'second_key'),
  'the key of owner''s second connection appears in no row owner can read either'
);
select throws_ok('select * from private.clicksend_credentials', '42501', null, 'owner cannot read the private credential table');
select throws_ok('select * from vault.secrets', '42501', null, 'owner cannot read vault.secrets');
select throws_ok('select * from vault.decrypted_secrets', '42501', null, 'owner cannot read vault.decrypted_secrets');
select throws_ok(
  format('select public.clicksend_read_api_key(%L)', :'owner_connection'),
  '42501', null,
  'owner cannot read their own key back'
);
select throws_ok(
  format('select public.clicksend_rotate_api_key(%L, %L)', :'owner_connection', :'rotated_key'),
  '42501', null,
  'owner cannot rotate their key directly'
);
select throws_ok(
  format('select public.clicksend_delete_api_key(%L)', :'owner_connection'),
  '42501', null,
  'owner cannot delete their key directly'
);

-- Acting as other_user
select tests.authenticate_as('other_user');

select throws_ok('select * from private.clicksend_credentials', '42501', null, 'other_user cannot read the private credential table');
select throws_ok('select * from vault.decrypted_secrets', '42501', null, 'other_user cannot read vault.decrypted_secrets');
select throws_ok(
  format('select public.clicksend_store_api_key(%L, %L)', :'other_connection', :'second_key'),
  '42501', null,
  'other_user cannot store a key directly'
);

-- Acting as anon
select tests.authenticate_as_anon();

select throws_ok('select * from private.clicksend_credentials', '42501', null, 'anon cannot read the private credential table');
select throws_ok('select * from vault.secrets', '42501', null, 'anon cannot read vault.secrets');
select throws_ok('select * from vault.decrypted_secrets', '42501', null, 'anon cannot read vault.decrypted_secrets');
select throws_ok(
  format('select public.clicksend_read_api_key(%L)', :'owner_connection'),
  '42501', null,
  'anon cannot read a key'
);

-- Acting as service: rotate and delete
select tests.authenticate_as_service_role();

select lives_ok(
  format('select public.clicksend_rotate_api_key(%L, %L)', :'owner_connection', :'rotated_key'),
  'the service role can rotate a key'
);
select is(
  public.clicksend_read_api_key(:'owner_connection'),
  :'rotated_key',
  'after rotation the new key is read back'
);
select is(
  (select credential_hint from public.user_oauth_connections where id = :'owner_connection'),
  right(:'rotated_key', 4),
  'after rotation the hint shows the new key''s last four characters'
);
select is(
  public.clicksend_delete_api_key(:'owner_connection'),
  true,
  'deleting a stored key reports that a key existed'
);
select results_eq(
  format('select connection_status, credential_hint from public.user_oauth_connections where id = %L', :'owner_connection'),
  $$values ('revoked'::text, null::text)$$,
  'after deletion the connection is revoked and has no hint'
);
select results_eq(
  format('select is_active, revoked_at is not null from public.agent_integration_permissions where id = %L', :'owner_grant'),
  $$values (false, true)$$,
  'after deletion every grant on the connection is inactive with revoked_at set'
);
select throws_ok(
  format('select public.clicksend_read_api_key(%L)', :'owner_connection'),
  'P0002', null,
  'after deletion reading the key raises P0002'
);

-- Acting as the test runner: no secret left behind
select tests.clear_authentication();

select is(
  (select count(*)::integer from vault.secrets where id = :'first_secret'),
  0,
  'rotation deleted the old Vault secret'
);
select is(
  (select count(*)::integer from vault.secrets),
  :secrets_before + 1,
  'after rotation and deletion only the second connection''s secret remains'
);
select vault_secret_id as disposable_secret from private.clicksend_credentials where connection_id = :'owner_disposable' \gset

-- Acting as owner: deleting the connection row itself
select tests.authenticate_as('owner');

select isnt_empty(
  format('delete from public.user_oauth_connections where id = %L returning id', :'owner_disposable'),
  'owner can delete a connection that still has a stored key'
);

-- Acting as the test runner
select tests.clear_authentication();

select is(
  (select count(*)::integer from vault.secrets where id = :'disposable_secret'),
  0,
  'deleting the connection deleted its Vault secret (no orphan)'
);
select is(
  (select count(*)::integer from vault.secrets),
  :secrets_before,
  'no Vault secret stored in this test is left'
);

select * from finish();
rollback;
