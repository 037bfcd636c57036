-- agents: every operation for owner, other_user, anon and the service role.
begin;
select plan(17);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.create_agent('owner', 'Owner agent') as owner_agent \gset
select tests.create_agent('other_user', 'Other agent') as other_agent \gset

-- Acting as owner
select tests.authenticate_as('owner');

select results_eq(
  'select name from public.agents order by name',
  $$values ('Owner agent'::text)$$,
  'owner sees exactly their own agents'
);
select lives_ok(
  $$insert into public.agents (name) values ('Second owner agent')$$,
  'owner can create an agent (user_id defaults to the caller)'
);
select throws_ok(
  format($$insert into public.agents (user_id, name) values (%L, 'Planted')$$, tests.get_supabase_uid('other_user')),
  '42501', null,
  'owner cannot create an agent owned by someone else'
);
select results_eq(
  format($$update public.agents set name = 'Renamed' where id = %L returning name$$, :'owner_agent'),
  $$values ('Renamed'::text)$$,
  'owner can rename their agent'
);
select throws_ok(
  format($$update public.agents set user_id = %L where id = %L$$, tests.get_supabase_uid('other_user'), :'owner_agent'),
  '42501', null,
  'owner cannot hand their agent to another user'
);
-- Without a WHERE clause no SELECT policy checks the new row: only the UPDATE policy's WITH CHECK.
select throws_ok(
  format($$update public.agents set user_id = %L$$, tests.get_supabase_uid('other_user')),
  '42501', null,
  'owner cannot hand all their agents to another user in one unfiltered update'
);
select is_empty(
  format($$update public.agents set name = 'Hijacked' where id = %L returning id$$, :'other_agent'),
  'owner cannot update another user''s agent'
);
select is_empty(
  format($$delete from public.agents where id = %L returning id$$, :'other_agent'),
  'owner cannot delete another user''s agent'
);
select isnt_empty(
  $$delete from public.agents where name = 'Second owner agent' returning id$$,
  'owner can delete their own agent'
);

-- Acting as other_user
select tests.authenticate_as('other_user');

select results_eq(
  'select name from public.agents',
  $$values ('Other agent'::text)$$,
  'other_user sees only their own agent, none of owner''s'
);

-- Acting as anon
select tests.authenticate_as_anon();

select throws_ok('select * from public.agents', '42501', null, 'anon cannot read agents');
select throws_ok($$insert into public.agents (name) values ('x')$$, '42501', null, 'anon cannot create agents');
select throws_ok($$update public.agents set name = 'x'$$, '42501', null, 'anon cannot update agents');
select throws_ok('delete from public.agents', '42501', null, 'anon cannot delete agents');

-- Acting as service
select tests.authenticate_as_service_role();

select is(
  (select count(*)::integer from public.agents where id in (:'owner_agent', :'other_agent')),
  2,
  'the service role sees every user''s agents'
);
select lives_ok(
  format($$insert into public.agents (user_id, name) values (%L, 'Made by service')$$, tests.get_supabase_uid('other_user')),
  'the service role can create an agent for any user'
);
select isnt_empty(
  format($$delete from public.agents where id = %L returning id$$, :'other_agent'),
  'the service role can delete any agent'
);

select * from finish();
rollback;
