-- Agent tokens (issue 16, migration 20250911000011): public.agent_tokens (the owner reads every
-- column but the hash and revokes by deleting; nobody else sees them), agent_token_create (service
-- role only, the user's own agent, at most 20 per agent, no hash in its answer) and
-- agent_token_verify (service role only, the token's agent, last use noted at most once a minute),
-- the table's checks, and the tokens dying with their agent and their user.
begin;
select plan(72);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.get_supabase_uid('owner') as owner_uid \gset
select tests.get_supabase_uid('other_user') as other_uid \gset
select tests.create_agent('owner', 'Tokened') as agent \gset
select tests.create_agent('owner', 'Second') as second_agent \gset
select tests.create_agent('owner', 'Full') as full_agent \gset
select tests.create_agent('owner', 'Checks') as checks_agent \gset
select tests.create_agent('other_user', 'Other agent') as other_agent \gset

-- A token is named by a seed: its hash is the seed's SHA-256, its prefix csa_ and 8 hex digits.
create function tests.t19_hash(p_seed text) returns text
language sql immutable as $$ select encode(sha256(convert_to(p_seed, 'UTF8')), 'hex') $$;
create function tests.t19_prefix(p_seed text) returns text
language sql immutable as $$ select 'csa_' || left(md5(p_seed), 8) $$;
-- A token made through agent_token_create with the caller's rights: call it as the service role.
create function tests.t19_make(p_user uuid, p_agent uuid, p_name text, p_seed text) returns jsonb
language sql as $$
  select public.agent_token_create(p_user, p_agent, p_name, tests.t19_prefix(p_seed), tests.t19_hash(p_seed))
$$;
-- The SQLSTATE and hint a statement fails with ('P0001 too_many_tokens'), or null when it succeeds.
create function tests.t19_error_of(statement text) returns text
language plpgsql as $$
declare
  v_state text;
  v_hint text;
begin
  execute statement;
  return null;
exception when others then
  get stacked diagnostics v_state = returned_sqlstate, v_hint = pg_exception_hint;
  return concat_ws(' ', v_state, nullif(v_hint, ''));
end
$$;
-- How many rows a statement changed, with the caller's rights (so RLS applies).
create function tests.t19_rows(statement text) returns integer
language plpgsql as $$
declare
  v_count integer;
begin
  execute statement;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
-- The SQLSTATE of inserting a token row for the agent 'Checks' directly (null: the row is kept).
create function tests.t19_insert(p_name text, p_prefix text, p_hash text) returns text
language sql as $$
  select tests.sqlstate_of(format(
    'insert into public.agent_tokens (user_id, agent_id, name, token_prefix, token_hash)
     select a.user_id, a.id, %L, %L, %L from public.agents a where a.name = %L',
    p_name, p_prefix, p_hash, 'Checks'))
$$;

-- =============================================================================================
-- The table (acting as the test runner: catalogue queries)
-- =============================================================================================
select has_table('public', 'agent_tokens', 'public.agent_tokens exists');
select columns_are('public', 'agent_tokens',
  array['id', 'user_id', 'agent_id', 'name', 'token_prefix', 'token_hash', 'created_at', 'last_used_at'],
  'agent_tokens has exactly its eight columns');
select ok((select relrowsecurity from pg_class where oid = 'public.agent_tokens'::regclass),
  'agent_tokens has row level security enabled');
select policies_are('public', 'agent_tokens',
  array['Users can view own agent tokens', 'Users can delete own agent tokens'],
  'agent_tokens has only its SELECT and DELETE policies');
select col_is_unique('public', 'agent_tokens', array['token_hash']::name[], 'a token hash is unique');
select table_privs_are('public', 'agent_tokens', 'anon', array[]::text[], 'anon has no privilege on agent_tokens');
select ok(not has_any_column_privilege('anon', 'public.agent_tokens', 'select'),
  'anon may read no column of agent_tokens');
select table_privs_are('public', 'agent_tokens', 'authenticated', array['DELETE'],
  'authenticated holds DELETE on agent_tokens and no table-wide SELECT, INSERT or UPDATE');
select is(
  (select array_agg(a.attname::text order by a.attnum) from pg_attribute a
    where a.attrelid = 'public.agent_tokens'::regclass and a.attnum > 0 and not a.attisdropped
      and has_column_privilege('authenticated', a.attrelid, a.attnum, 'select')),
  array['id', 'user_id', 'agent_id', 'name', 'token_prefix', 'created_at', 'last_used_at'],
  'authenticated may read every column but token_hash');
select ok(not has_any_column_privilege('authenticated', 'public.agent_tokens', 'insert')
          and not has_any_column_privilege('authenticated', 'public.agent_tokens', 'update'),
  'authenticated may insert or update no column of agent_tokens');

-- =============================================================================================
-- agent_token_create (acting as service)
-- =============================================================================================
select tests.authenticate_as_service_role();
select tests.t19_make(:'owner_uid', :'agent', '  Laptop  ', 'laptop') as laptop \gset
select tests.t19_make(:'owner_uid', :'agent', 'Desktop', 'desktop') as desktop \gset
select tests.t19_make(:'other_uid', :'other_agent', 'Other laptop', 'other') as other_token \gset
select :'laptop'::jsonb ->> 'id' as laptop_id, :'desktop'::jsonb ->> 'id' as desktop_id,
       :'other_token'::jsonb ->> 'id' as other_token_id \gset

select is(
  :'laptop'::jsonb - 'id' - 'created_at',
  jsonb_build_object('user_id', :'owner_uid', 'agent_id', :'agent', 'name', 'Laptop',
                     'token_prefix', tests.t19_prefix('laptop'), 'last_used_at', null),
  'the service role makes a token for the user''s agent: its user, agent, trimmed name and prefix, never used');
select is(
  (select array_agg(k order by k) from jsonb_object_keys(:'laptop'::jsonb) k),
  array['agent_id', 'created_at', 'id', 'last_used_at', 'name', 'token_prefix', 'user_id'],
  'agent_token_create answers every column but token_hash');
select is(tests.t19_make(:'owner_uid', :'other_agent', 'Stolen', 'stolen'), null,
  'agent_token_create answers null for another user''s agent');
select is(tests.t19_make(:'other_uid', :'agent', 'Stolen', 'stolen-too'), null,
  'and null when the agent belongs to someone else than the user named');
select is(tests.t19_make(:'owner_uid', gen_random_uuid(), 'Nowhere', 'nowhere'), null,
  'and null for an unknown agent');
select is(
  tests.t19_error_of(format('select tests.t19_make(%L, %L, %L, %L)', :'owner_uid', :'agent', '   ', 'blank')),
  '23514', 'agent_token_create refuses a blank name (the table''s check)');
select is(
  tests.t19_error_of(format('select public.agent_token_create(%L, %L, %L, %L, %L)',
    :'owner_uid', :'agent', 'Bad prefix', 'csa_short', tests.t19_hash('bad-prefix'))),
  '23514', 'agent_token_create refuses a malformed prefix (the table''s check)');

-- Twenty tokens per agent, then no more.
select is(
  (select count(*)::integer from generate_series(1, 20) g
    where tests.t19_make(:'owner_uid', :'full_agent', 'Token ' || g, 'full-' || g) is not null),
  20, 'an agent can have 20 tokens');
select is(
  tests.t19_error_of(format('select tests.t19_make(%L, %L, %L, %L)', :'owner_uid', :'full_agent', 'Token 21', 'full-21')),
  'P0001 too_many_tokens', 'the 21st token of an agent is refused: P0001 with hint too_many_tokens');
select throws_ok(
  format('select tests.t19_make(%L, %L, %L, %L)', :'owner_uid', :'full_agent', 'Token 21', 'full-21'),
  'P0001', 'An agent can have at most 20 tokens; revoke one first.',
  'and the message says to revoke one first');
select isnt(tests.t19_make(:'owner_uid', :'second_agent', 'Second laptop', 'second'), null,
  'another agent of the same user can still have a token');

-- Acting as the test runner
select tests.clear_authentication();
select is(
  (select count(*)::integer from public.agent_tokens
    where token_hash in (tests.t19_hash('stolen'), tests.t19_hash('stolen-too'), tests.t19_hash('nowhere'),
                         tests.t19_hash('blank'), tests.t19_hash('bad-prefix'), tests.t19_hash('full-21'))),
  0, 'no refused call left a row');
select is((select count(*)::integer from public.agent_tokens where agent_id = :'full_agent'), 20,
  'the full agent has its 20 tokens');
select is((select token_hash from public.agent_tokens where id = :'laptop_id'), tests.t19_hash('laptop'),
  'the row keeps the SHA-256 it was given');
select is(
  tests.sqlstate_of(format(
    'insert into public.agent_tokens (user_id, agent_id, name, token_prefix, token_hash) values (%L, %L, %L, %L, %L)',
    :'owner_uid', :'other_agent', 'Crossed', tests.t19_prefix('crossed'), tests.t19_hash('crossed'))),
  '23503', 'a token belongs to an agent of its own user (the foreign key is on both columns)');

-- =============================================================================================
-- Only the service role makes or checks tokens
-- =============================================================================================
select tests.authenticate_as_anon();
select throws_ok(
  format('select public.agent_token_create(%L, %L, %L, %L, %L)', :'owner_uid', :'agent', 'Anon', 'csa_anonanon', tests.t19_hash('anon')),
  '42501', null, 'anon cannot make a token');
select throws_ok(format('select public.agent_token_verify(%L)', tests.t19_hash('laptop')),
  '42501', null, 'anon cannot verify a token');

select tests.authenticate_as('owner');
select throws_ok(
  format('select public.agent_token_create(%L, %L, %L, %L, %L)', :'owner_uid', :'agent', 'Mine', 'csa_minemine', tests.t19_hash('mine')),
  '42501', null, 'a signed-in user cannot make a token, even for their own agent');
select throws_ok(format('select public.agent_token_verify(%L)', tests.t19_hash('laptop')),
  '42501', null, 'a signed-in user cannot verify a token, even their own');

-- The functions check the role themselves: with EXECUTE granted by mistake they still refuse.
select tests.clear_authentication();
grant execute on function public.agent_token_create(uuid, uuid, text, text, text) to authenticated;
grant execute on function public.agent_token_verify(text) to authenticated;
select tests.authenticate_as('owner');
select throws_ok(
  format('select public.agent_token_create(%L, %L, %L, %L, %L)', :'owner_uid', :'agent', 'Mine', 'csa_minemine', tests.t19_hash('mine')),
  '42501', 'agent tokens are made by the service role only',
  'agent_token_create refuses any role but the service role, even with EXECUTE granted');
select throws_ok(format('select public.agent_token_verify(%L)', tests.t19_hash('laptop')),
  '42501', 'agent tokens are checked by the service role only',
  'agent_token_verify refuses any role but the service role, even with EXECUTE granted');
select tests.clear_authentication();
revoke execute on function public.agent_token_create(uuid, uuid, text, text, text) from authenticated;
revoke execute on function public.agent_token_verify(text) from authenticated;

-- =============================================================================================
-- The table's checks (acting as the test runner, inserting directly)
-- =============================================================================================
select results_eq(
  $$select tests.t19_insert('Prefix', p, tests.t19_hash('prefix ' || p)) from (values
      ('csa_short'), ('csa_toolong12'), ('xyz_AAAAAAAA'), ('CSA_AAAAAAAA'), ('csa_AAAA AAA'), ('csa_AAAA.AAA'),
      ('csa_AAAA+AAA'), (E'csa_AAAAAAAA\n'), ('csa_'), ('')) v (p)$$,
  $$values ('23514'::text), ('23514'), ('23514'), ('23514'), ('23514'), ('23514'), ('23514'), ('23514'),
      ('23514'), ('23514')$$,
  'a prefix that is not csa_ and exactly eight base64url characters is refused');
select results_eq(
  $$select tests.t19_insert('Prefix', p, tests.t19_hash('prefix ' || p)) from (values
      ('csa_AbCd-_09'), ('csa_________'), ('csa_zzzzzzzz')) v (p)$$,
  $$values (null::text), (null), (null)$$,
  'a prefix of csa_ and eight base64url characters is accepted');
select results_eq(
  $$select tests.t19_insert('Hash', 'csa_hashhash', h) from (values
      (upper(tests.t19_hash('h1'))), (left(tests.t19_hash('h2'), 63)), (tests.t19_hash('h3') || '0'),
      (repeat('g', 64)), (' ' || left(tests.t19_hash('h4'), 63)), (tests.t19_hash('h5') || E'\n'), ('')) v (h)$$,
  $$values ('23514'::text), ('23514'), ('23514'), ('23514'), ('23514'), ('23514'), ('23514')$$,
  'a hash that is not 64 lowercase hex digits is refused');
select is(tests.t19_insert('Hash', 'csa_hashhash', tests.t19_hash('h6')), null,
  'a hash of 64 lowercase hex digits is accepted');
select is(tests.t19_insert('Copy', 'csa_copycopy', tests.t19_hash('laptop')), '23505',
  'a hash already stored is refused (unique)');
select results_eq(
  $$select tests.t19_insert(n, 'csa_namename', tests.t19_hash('name ' || n)) from (values
      (''), ('   '), (E'two\nlines'), (E'tab\there'), (E'bell\x07'), ('del' || chr(127)), (E'\r'),
      (repeat('x', 101)), (repeat('é', 101))) v (n)$$,
  $$values ('23514'::text), ('23514'), ('23514'), ('23514'), ('23514'), ('23514'), ('23514'), ('23514'),
      ('23514')$$,
  'a name that is blank, holds a control character or is longer than 100 characters is refused');
select results_eq(
  $$select tests.t19_insert(n, 'csa_namename', tests.t19_hash('name ' || n)) from (values
      ('x'), (repeat('x', 100)), ('  ' || repeat('y', 100) || '  '), (repeat('é', 100)), ('Claude Desktop (work) 🔑')) v (n)$$,
  $$values (null::text), (null), (null), (null), (null)$$,
  'a name of 1 to 100 characters (spaces around not counted) without control characters is accepted');

-- =============================================================================================
-- Who sees and revokes tokens
-- =============================================================================================
select count(*)::integer as owner_total from public.agent_tokens where user_id = :'owner_uid' \gset

select tests.authenticate_as('owner');
select results_eq(
  format($$select id, user_id, agent_id, name, token_prefix, last_used_at from public.agent_tokens
            where agent_id = %L order by name$$, :'agent'),
  format($$values (%L::uuid, %L::uuid, %L::uuid, 'Desktop'::text, %L::text, null::timestamptz),
                  (%L, %L, %L, 'Laptop', %L, null)$$,
         :'desktop_id', :'owner_uid', :'agent', tests.t19_prefix('desktop'),
         :'laptop_id', :'owner_uid', :'agent', tests.t19_prefix('laptop')),
  'the owner sees their tokens of an agent: id, user, agent, name, prefix and last use');
select lives_ok(
  'select id, user_id, agent_id, name, token_prefix, created_at, last_used_at from public.agent_tokens',
  'the owner may read every column but token_hash');
select is((select count(*)::integer from public.agent_tokens), :owner_total,
  'the owner sees every one of their tokens and no other');
select throws_ok('select token_hash from public.agent_tokens', '42501', null,
  'the owner cannot read token_hash (column privilege)');
select throws_ok('select * from public.agent_tokens', '42501', null,
  'select * is refused: it includes token_hash');
select throws_ok(
  format('select id from public.agent_tokens where token_hash = %L', tests.t19_hash('laptop')),
  '42501', null, 'nor can token_hash be used in a filter');
select throws_ok(
  format($$insert into public.agent_tokens (user_id, agent_id, name, token_prefix, token_hash)
           values (%L, %L, 'Self-made', 'csa_selfmade', %L)$$, :'owner_uid', :'agent', tests.t19_hash('self-made')),
  '42501', null, 'the owner cannot insert a token');
select throws_ok(
  format($$update public.agent_tokens set name = 'Renamed' where id = %L$$, :'laptop_id'),
  '42501', null, 'the owner cannot update a token');
select throws_ok(
  format($$update public.agent_tokens set last_used_at = null where id = %L$$, :'laptop_id'),
  '42501', null, 'nor its last use');

select tests.authenticate_as('other_user');
select results_eq('select id from public.agent_tokens', format('values (%L::uuid)', :'other_token_id'),
  'another user sees their own token and none of the owner''s');
select is(tests.t19_rows(format('delete from public.agent_tokens where id = %L', :'laptop_id')), 0,
  'another user cannot delete the owner''s token');
select is(tests.t19_rows('delete from public.agent_tokens'), 1,
  'a delete of every row another user may touch removes their own token only');

select tests.authenticate_as_anon();
select throws_ok('select count(*) from public.agent_tokens', '42501', null, 'anon cannot read agent tokens');
select throws_ok('delete from public.agent_tokens', '42501', null, 'anon cannot delete agent tokens');

select tests.clear_authentication();
select is((select count(*)::integer from public.agent_tokens where user_id = :'owner_uid'), :owner_total,
  'every one of the owner''s tokens is still there');
select is((select count(*)::integer from public.agent_tokens where id = :'other_token_id'), 0,
  'and the other user''s own token is gone');

select tests.authenticate_as('owner');
select is(tests.t19_rows(format('delete from public.agent_tokens where id = %L', :'desktop_id')), 1,
  'the owner revokes their token by deleting it');
select is(
  tests.t19_rows(format('delete from public.agent_tokens where agent_id = %L and name = %L', :'full_agent', 'Token 20')), 1,
  'and one of the full agent''s');
select tests.authenticate_as_service_role();
select isnt(tests.t19_make(:'owner_uid', :'full_agent', 'Token 21', 'full-21'), null,
  'with one revoked, the full agent can have a new token');
select tests.clear_authentication();
select is((select count(*)::integer from public.agent_tokens where id = :'desktop_id'), 0,
  'the revoked token is gone');

-- =============================================================================================
-- agent_token_verify
-- =============================================================================================
select is((select last_used_at from public.agent_tokens where id = :'laptop_id'), null,
  'a token never used has no last use');
select tests.authenticate_as_service_role();
select is(public.agent_token_verify(tests.t19_hash('unknown')), null, 'an unknown hash verifies as null');
select is(public.agent_token_verify(tests.t19_hash('desktop')), null, 'a revoked token verifies as null');
select is(public.agent_token_verify(tests.t19_hash('laptop')),
  jsonb_build_object('token_id', :'laptop_id', 'user_id', :'owner_uid', 'agent_id', :'agent'),
  'a known hash answers its token, user and agent');
select tests.clear_authentication();
select is((select last_used_at from public.agent_tokens where id = :'laptop_id'), now(),
  'the first use sets last_used_at');

-- Used again half a minute later: the use is not written again.
update public.agent_tokens set last_used_at = now() - interval '30 seconds' where id = :'laptop_id';
select tests.authenticate_as_service_role();
select isnt(public.agent_token_verify(tests.t19_hash('laptop')), null, 'the token verifies again');
select tests.clear_authentication();
select is((select last_used_at from public.agent_tokens where id = :'laptop_id'), now() - interval '30 seconds',
  'used again within a minute, last_used_at is not rewritten');

-- Used again a minute and a second later: it is.
update public.agent_tokens set last_used_at = now() - interval '61 seconds' where id = :'laptop_id';
select tests.authenticate_as_service_role();
select isnt(public.agent_token_verify(tests.t19_hash('laptop')), null, 'the token verifies once more');
select tests.clear_authentication();
select is((select last_used_at from public.agent_tokens where id = :'laptop_id'), now(),
  'used again after more than a minute, last_used_at is set to now');

-- =============================================================================================
-- Tokens die with their agent and with their user (acting as the test runner)
-- =============================================================================================
select is((select count(*)::integer from public.agent_tokens where agent_id = :'second_agent'), 1,
  'the second agent has its token');
delete from public.agents where id = :'second_agent';
select is((select count(*)::integer from public.agent_tokens where agent_id = :'second_agent'), 0,
  'deleting an agent deletes its tokens');
select is((select count(*)::integer from public.agent_tokens where agent_id = :'agent'), 1,
  'and no other agent''s');

select tests.authenticate_as_service_role();
select isnt(tests.t19_make(:'other_uid', :'other_agent', 'Other again', 'other-again'), null,
  'the other user gets a new token');
select tests.clear_authentication();
delete from auth.users where id = :'other_uid';
select is((select count(*)::integer from public.agent_tokens where user_id = :'other_uid'), 0,
  'deleting a user deletes their tokens');

select * from finish();
rollback;
