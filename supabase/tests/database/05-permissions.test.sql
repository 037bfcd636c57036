-- agent_integration_permissions: every operation for owner, other_user, anon and the service role,
-- the same-tenant constraint and the allowed_scopes rules.
begin;
select plan(34);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.get_supabase_uid('owner') as owner_uid \gset
select tests.get_supabase_uid('other_user') as other_uid \gset
select tests.create_agent('owner', 'Owner agent') as owner_agent \gset
select tests.create_agent('owner', 'Owner second agent') as owner_second_agent \gset
select tests.create_agent('other_user', 'Other agent') as other_agent \gset
select tests.create_clicksend_connection('owner') as owner_connection \gset
select tests.create_clicksend_connection('other_user') as other_connection \gset
select tests.create_grant(:'owner_agent', :'owner_connection', '["sms"]') as owner_grant \gset
select tests.create_grant(:'other_agent', :'other_connection', '["sms", "balance"]') as other_grant \gset

-- Acting as owner
select tests.authenticate_as('owner');

select results_eq(
  'select id from public.agent_integration_permissions',
  format($$values (%L::uuid)$$, :'owner_grant'),
  'owner sees exactly their own grants'
);
select results_eq(
  format(
    $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, allowed_scopes)
      values (%L, %L, '["sms", "history"]') returning user_id$$,
    :'owner_second_agent', :'owner_connection'
  ),
  format($$values (%L::uuid)$$, :'owner_uid'),
  'owner can grant their agent scopes on their connection (user_id defaults to the caller)'
);
select coalesce(tests.sqlstate_of(format(
  $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, allowed_scopes)
    values (%L, %L, '["sms"]')$$,
  :'owner_agent', :'other_connection'
)), 'none') as link_to_foreign_connection \gset
select isnt(:'link_to_foreign_connection'::text, 'none', 'owner cannot link their agent to another user''s connection');
select throws_ok(
  format(
    $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, allowed_scopes)
      values (%L, %L, '["sms"]')$$,
    :'other_agent', :'owner_connection'
  ),
  '23503', null,
  'owner cannot link another user''s agent to their connection'
);
select coalesce(tests.sqlstate_of(format(
  $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
    values (%L, %L, %L, '["sms"]')$$,
  :'other_agent', :'other_connection', :'other_uid'
)), 'none') as grant_in_foreign_name \gset
select isnt(:'grant_in_foreign_name'::text, 'none', 'owner cannot create a grant in another user''s name');
select results_eq(
  format(
    $$update public.agent_integration_permissions set allowed_scopes = '["sms", "mms"]'
       where id = %L returning allowed_scopes$$,
    :'owner_grant'
  ),
  $$values ('["sms", "mms"]'::jsonb)$$,
  'owner can widen their own grant to more of the provider''s scopes'
);
select throws_ok(
  format($$update public.agent_integration_permissions set user_id = %L where id = %L$$, :'other_uid', :'owner_grant'),
  '42501', null,
  'owner cannot hand their grant to another user'
);
select coalesce(tests.sqlstate_of(format(
  $$update public.agent_integration_permissions set user_oauth_connection_id = %L where id = %L$$,
  :'other_connection', :'owner_grant'
)), 'none') as move_to_foreign_connection \gset
select isnt(:'move_to_foreign_connection'::text, 'none', 'owner cannot move their grant onto another user''s connection');
select is(:'link_to_foreign_connection'::text, '23503', 'linking to another user''s connection fails on the same-tenant foreign key');
select is(:'grant_in_foreign_name'::text, '42501', 'a grant in another user''s name fails on the INSERT policy');
select is(:'move_to_foreign_connection'::text, '23503', 'moving a grant to another user''s connection fails on the same-tenant foreign key');
select is_empty(
  format($$update public.agent_integration_permissions set allowed_scopes = '["sms", "mms"]' where id = %L returning id$$, :'other_grant'),
  'owner cannot change another user''s grant'
);
select is_empty(
  format($$delete from public.agent_integration_permissions where id = %L returning id$$, :'other_grant'),
  'owner cannot delete another user''s grant'
);
select isnt_empty(
  format($$delete from public.agent_integration_permissions where agent_id = %L returning id$$, :'owner_second_agent'),
  'owner can delete their own grant'
);

-- Acting as other_user
select tests.authenticate_as('other_user');

select results_eq(
  'select id from public.agent_integration_permissions',
  format($$values (%L::uuid)$$, :'other_grant'),
  'other_user sees only their own grant, none of owner''s'
);
select is_empty(
  format($$update public.agent_integration_permissions set is_active = false where id = %L returning id$$, :'owner_grant'),
  'other_user cannot deactivate owner''s grant'
);

-- Acting as anon
select tests.authenticate_as_anon();

select throws_ok('select * from public.agent_integration_permissions', '42501', null, 'anon cannot read grants');
select throws_ok(
  format(
    $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
      values (%L, %L, %L, '["sms"]')$$,
    :'owner_second_agent', :'owner_connection', :'owner_uid'
  ),
  '42501', null,
  'anon cannot create grants'
);
select throws_ok($$update public.agent_integration_permissions set is_active = false$$, '42501', null, 'anon cannot update grants');
select throws_ok('delete from public.agent_integration_permissions', '42501', null, 'anon cannot delete grants');

-- Acting as service
select tests.authenticate_as_service_role();

select is(
  (select count(*)::integer from public.agent_integration_permissions where id in (:'owner_grant', :'other_grant')),
  2,
  'the service role sees every user''s grants'
);
select throws_ok(
  format(
    $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
      values (%L, %L, %L, '["sms"]')$$,
    :'owner_second_agent', :'other_connection', :'owner_uid'
  ),
  '23503', null,
  'even the service role cannot link owner''s agent to other_user''s connection'
);
select throws_ok(
  format(
    $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
      values (%L, %L, %L, '["sms"]')$$,
    :'owner_second_agent', :'other_connection', :'other_uid'
  ),
  '23503', null,
  'even the service role cannot link other_user''s connection to owner''s agent'
);
select throws_ok(
  format(
    $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
      values (%L, %L, %L, '[]')$$,
    :'owner_second_agent', :'owner_connection', :'owner_uid'
  ),
  '23514', null,
  'an empty allowed_scopes array is rejected'
);
select throws_ok(
  format(
    $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
      values (%L, %L, %L, '"sms"')$$,
    :'owner_second_agent', :'owner_connection', :'owner_uid'
  ),
  '23514', null,
  'allowed_scopes that is not an array is rejected as a constraint violation'
);
select throws_ok(
  format(
    $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
      values (%L, %L, %L, '["sms", "voice"]')$$,
    :'owner_second_agent', :'owner_connection', :'owner_uid'
  ),
  '23514', null,
  'a scope the provider does not support (voice) is rejected'
);
select throws_ok(
  format(
    $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
      values (%L, %L, %L, '["sms", 1]')$$,
    :'owner_second_agent', :'owner_connection', :'owner_uid'
  ),
  '23514', null,
  'a non-string scope element is rejected'
);
select throws_ok(
  format($$update public.agent_integration_permissions set allowed_scopes = '["voice"]' where id = %L$$, :'owner_grant'),
  '23514', null,
  'changing a grant to an unsupported scope is rejected'
);
select throws_ok(
  format($$update public.agent_integration_permissions set allowed_scopes = '[]' where id = %L$$, :'owner_grant'),
  '23514', null,
  'changing a grant to an empty scope list is rejected'
);
select throws_ok(
  format($$update public.agent_integration_permissions set revoked_at = now() where id = %L$$, :'owner_grant'),
  '23514', null,
  'a grant cannot be revoked while it is still active'
);
select results_eq(
  format(
    $$update public.agent_integration_permissions set is_active = false, revoked_at = now()
       where id = %L returning is_active$$,
    :'other_grant'
  ),
  $$values (false)$$,
  'the service role can revoke any grant by deactivating it with revoked_at'
);
select lives_ok(
  format(
    $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
      values (%L, %L, %L, '["balance"]')$$,
    :'owner_second_agent', :'owner_connection', :'owner_uid'
  ),
  'the service role can create a same-tenant grant for any user'
);
select throws_ok(
  format(
    $$insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
      values (%L, %L, %L, '["sms"]')$$,
    :'owner_second_agent', :'owner_connection', :'owner_uid'
  ),
  '23505', null,
  'an agent has at most one grant per connection'
);
select isnt_empty(
  format($$delete from public.agent_integration_permissions where id = %L returning id$$, :'other_grant'),
  'the service role can delete any grant'
);

select * from finish();
rollback;
