-- Function security: SECURITY DEFINER hygiene over pg_proc, and who may execute what.
begin;
select plan(27);

select tests.create_supabase_user('owner');
select tests.create_clicksend_connection('owner') as owner_connection \gset

-- Acting as the test runner (catalogue queries)

select cmp_ok(
  (select count(*)::integer from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.prosecdef),
  '>=', 8,
  'the loops below cover at least the eight known SECURITY DEFINER functions'
);
select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by p.oid::regprocedure::text), '{}')
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.prosecdef
      and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) cfg where cfg like 'search_path=%')),
  '{}'::text[],
  'every SECURITY DEFINER function in public and private pins its search_path'
);
select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by p.oid::regprocedure::text), '{}')
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.prosecdef
      and not coalesce('search_path=""' = any (p.proconfig), false)),
  '{}'::text[],
  'every SECURITY DEFINER function in public and private uses an empty search_path'
);
select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by p.oid::regprocedure::text), '{}')
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.prosecdef
      and has_function_privilege('anon', p.oid, 'execute')),
  '{}'::text[],
  'anon can execute no SECURITY DEFINER function in public or private'
);
select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by p.oid::regprocedure::text), '{}')
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.prosecdef
      and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                   where a.grantee = 0 and a.privilege_type = 'EXECUTE')),
  '{}'::text[],
  'PUBLIC holds EXECUTE on no SECURITY DEFINER function in public or private'
);
select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by p.oid::regprocedure::text), '{}')
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private')
      and (has_function_privilege('anon', p.oid, 'execute')
           or exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                       where a.grantee = 0 and a.privilege_type = 'EXECUTE'))),
  '{}'::text[],
  'no function at all in public or private is executable by anon or PUBLIC'
);
select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by p.oid::regprocedure::text), '{}')
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'private'
      and (has_function_privilege('authenticated', p.oid, 'execute')
           or has_function_privilege('service_role', p.oid, 'execute'))),
  '{}'::text[],
  'no API role may call the private helpers directly'
);

select is(
  (select array_agg(f order by f) from unnest(array[
     'public.clicksend_store_api_key(uuid,text)', 'public.clicksend_rotate_api_key(uuid,text)',
     'public.clicksend_read_api_key(uuid)', 'public.clicksend_delete_api_key(uuid)'
   ]) f where has_function_privilege('service_role', f, 'execute')),
  array[
    'public.clicksend_delete_api_key(uuid)', 'public.clicksend_read_api_key(uuid)',
    'public.clicksend_rotate_api_key(uuid,text)', 'public.clicksend_store_api_key(uuid,text)'
  ],
  'the service role may execute all four credential functions'
);
select is(
  (select coalesce(array_agg(f order by f), '{}') from unnest(array[
     'public.clicksend_store_api_key(uuid,text)', 'public.clicksend_rotate_api_key(uuid,text)',
     'public.clicksend_read_api_key(uuid)', 'public.clicksend_delete_api_key(uuid)'
   ]) f where has_function_privilege('authenticated', f, 'execute')),
  '{}'::text[],
  'authenticated may execute none of the credential functions'
);
select is(
  (select coalesce(array_agg(f order by f), '{}') from unnest(array[
     'public.clicksend_store_api_key(uuid,text)', 'public.clicksend_rotate_api_key(uuid,text)',
     'public.clicksend_read_api_key(uuid)', 'public.clicksend_delete_api_key(uuid)'
   ]) f where has_function_privilege('anon', f, 'execute')),
  '{}'::text[],
  'anon may execute none of the credential functions'
);
select ok(
  (select bool_and(p.prosecdef) from pg_proc p
    where p.oid in ('public.clicksend_store_api_key(uuid,text)'::regprocedure, 'public.clicksend_rotate_api_key(uuid,text)'::regprocedure,
                    'public.clicksend_read_api_key(uuid)'::regprocedure, 'public.clicksend_delete_api_key(uuid)'::regprocedure,
                    'public.validate_agent_clicksend_permissions(uuid,uuid,text[])'::regprocedure,
                    'public.get_user_clicksend_connection(uuid)'::regprocedure)),
  'the credential and ClickSend helper functions are SECURITY DEFINER (so the loops above cover them)'
);
select function_privs_are(
  'public', 'validate_agent_clicksend_permissions', array['uuid', 'uuid', 'text[]'], 'authenticated', array['EXECUTE'],
  'authenticated may execute validate_agent_clicksend_permissions'
);
select function_privs_are(
  'public', 'validate_agent_clicksend_permissions', array['uuid', 'uuid', 'text[]'], 'service_role', array['EXECUTE'],
  'the service role may execute validate_agent_clicksend_permissions'
);
select function_privs_are(
  'public', 'validate_agent_clicksend_permissions', array['uuid', 'uuid', 'text[]'], 'anon', array[]::text[],
  'anon may not execute validate_agent_clicksend_permissions'
);
select function_privs_are(
  'public', 'get_user_clicksend_connection', array['uuid'], 'authenticated', array['EXECUTE'],
  'authenticated may execute get_user_clicksend_connection'
);
select function_privs_are(
  'public', 'get_user_clicksend_connection', array['uuid'], 'service_role', array['EXECUTE'],
  'the service role may execute get_user_clicksend_connection'
);
select function_privs_are(
  'public', 'get_user_clicksend_connection', array['uuid'], 'anon', array[]::text[],
  'anon may not execute get_user_clicksend_connection'
);

-- Guardrails (20250911000010): a signed-in user edits their opt-out list through two functions;
-- approvals are decided and recorded by the service role only.
select is(
  (select coalesce(array_agg(f order by f), '{}') from unnest(array[
     'public.clicksend_opt_out_add(uuid,text)', 'public.clicksend_opt_out_remove(text,text)',
     'public.agent_approval_decide(uuid,uuid,text,text)', 'public.agent_approval_record(uuid,jsonb)'
   ]) f where has_function_privilege('authenticated', f, 'execute')),
  array['public.clicksend_opt_out_add(uuid,text)', 'public.clicksend_opt_out_remove(text,text)'],
  'authenticated may execute the opt-out functions and neither approval function'
);
select is(
  (select coalesce(array_agg(f order by f), '{}') from unnest(array[
     'public.agent_approval_decide(uuid,uuid,text,text)', 'public.agent_approval_record(uuid,jsonb)'
   ]) f where has_function_privilege('service_role', f, 'execute')),
  array['public.agent_approval_decide(uuid,uuid,text,text)', 'public.agent_approval_record(uuid,jsonb)'],
  'the service role may execute both approval functions'
);

-- Agent tokens (20250911000011): made and checked by the service role only.
select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by p.oid::regprocedure::text), '{}')
     from pg_proc p
    where p.oid in ('public.agent_token_create(uuid,uuid,text,text,text)'::regprocedure,
                    'public.agent_token_verify(text)'::regprocedure)
      and p.prosecdef and p.proconfig = array['search_path=""']),
  array['agent_token_create(uuid,uuid,text,text,text)', 'agent_token_verify(text)'],
  'both agent token functions are SECURITY DEFINER with an empty search_path (so the loops above cover them)'
);
select is(
  (select coalesce(array_agg(f order by f), '{}') from unnest(array[
     'public.agent_token_create(uuid,uuid,text,text,text)', 'public.agent_token_verify(text)'
   ]) f where has_function_privilege('authenticated', f, 'execute') or has_function_privilege('anon', f, 'execute')),
  '{}'::text[],
  'neither authenticated nor anon may execute an agent token function'
);
select is(
  (select coalesce(array_agg(f order by f), '{}') from unnest(array[
     'public.agent_token_create(uuid,uuid,text,text,text)', 'public.agent_token_verify(text)'
   ]) f where has_function_privilege('service_role', f, 'execute')),
  array['public.agent_token_create(uuid,uuid,text,text,text)', 'public.agent_token_verify(text)'],
  'the service role may execute both agent token functions'
);

-- Acting as owner
select tests.authenticate_as('owner');

select throws_ok(
  format($$select public.clicksend_store_api_key(%L, 'OWNER-KEY-0000')$$, :'owner_connection'),
  '42501', null,
  'owner cannot store a key, even on their own connection'
);
select throws_ok(
  format('select public.clicksend_read_api_key(%L)', :'owner_connection'),
  '42501', null,
  'owner cannot read a key, even of their own connection'
);

-- Acting as owner with a forged service_role claim (the database role stays authenticated)
select tests.authenticate_as('owner');
select set_config('request.jwt.claims', '{"role": "service_role"}', true);

select throws_ok(
  format('select public.clicksend_read_api_key(%L)', :'owner_connection'),
  '42501', null,
  'a service_role claim without the service_role database role cannot read a key'
);
select throws_ok(
  format('select public.clicksend_delete_api_key(%L)', :'owner_connection'),
  '42501', null,
  'a service_role claim without the service_role database role cannot delete a key'
);

-- Acting as service
select tests.authenticate_as_service_role();

select lives_ok(
  format($$select public.clicksend_store_api_key(%L, 'SERVICE-KEY-0000')$$, :'owner_connection'),
  'the service role can call a credential function'
);

select * from finish();
rollback;
