-- user_oauth_connections and the clicksend_connections view: every operation for owner, other_user,
-- anon and the service role.
begin;
select plan(34);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.get_supabase_uid('owner') as owner_uid \gset
select tests.get_supabase_uid('other_user') as other_uid \gset
select tests.clicksend_provider_id() as clicksend_provider \gset
select tests.create_provider('other_provider', '["sms"]') as other_provider \gset
select tests.create_clicksend_connection('owner', 'Owner active', 'active') as owner_connection \gset
select tests.create_clicksend_connection('owner', 'Owner pending', 'inactive') as owner_pending \gset
select tests.create_clicksend_connection('other_user', 'Other active', 'active') as other_connection \gset
select tests.create_clicksend_connection('other_user', 'Other pending', 'inactive') as other_pending \gset
insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name, connection_status)
values (:'owner_uid', :'other_provider', 'Owner elsewhere', 'active')
returning id as owner_elsewhere \gset

-- Acting as owner
select tests.authenticate_as('owner');

select results_eq(
  'select connection_name from public.user_oauth_connections order by connection_name',
  $$values ('Owner active'::text), ('Owner pending')$$,
  'owner sees their own ClickSend connections only (not other_user''s, not other providers'')'
);
select results_eq(
  $$insert into public.user_oauth_connections (oauth_provider_id, connection_name, external_username)
    select id, 'Owner new', 'owner_new' from public.service_providers where name = 'clicksend_sms'
    returning connection_status$$,
  $$values ('inactive'::text)$$,
  'owner can create a ClickSend connection for themself, and it starts inactive'
);
select throws_ok(
  format(
    $$insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name) values (%L, %L, 'Planted')$$,
    :'other_uid', :'clicksend_provider'
  ),
  '42501', null,
  'owner cannot create a connection for another user'
);
select throws_ok(
  format(
    $$insert into public.user_oauth_connections (oauth_provider_id, connection_name) values (%L, 'Other provider')$$,
    :'other_provider'
  ),
  '42501', null,
  'owner cannot create a connection to a provider other than ClickSend'
);
select throws_ok(
  format(
    $$insert into public.user_oauth_connections (oauth_provider_id, connection_name, connection_status)
      values (%L, 'Self-activated', 'active')$$,
    :'clicksend_provider'
  ),
  '42501', null,
  'owner cannot create a connection that is already active'
);
select throws_ok(
  format(
    $$insert into public.user_oauth_connections (oauth_provider_id, connection_name, credential_hint)
      values (%L, 'Self-hinted', 'ABCD')$$,
    :'clicksend_provider'
  ),
  '42501', null,
  'owner cannot create a connection with a credential hint'
);
select results_eq(
  format($$update public.user_oauth_connections set connection_name = 'Owner renamed' where id = %L returning connection_name$$, :'owner_connection'),
  $$values ('Owner renamed'::text)$$,
  'owner can rename their connection'
);
select throws_ok(
  format($$update public.user_oauth_connections set connection_status = 'active' where id = %L$$, :'owner_pending'),
  '42501', null,
  'owner cannot activate a connection themself'
);
select throws_ok(
  format($$update public.user_oauth_connections set credential_hint = 'WXYZ' where id = %L$$, :'owner_connection'),
  '42501', null,
  'owner cannot set a connection''s credential hint'
);
select throws_ok(
  format($$update public.user_oauth_connections set user_id = %L where id = %L$$, :'other_uid', :'owner_connection'),
  '42501', null,
  'owner cannot hand their connection to another user'
);
select throws_ok(
  format($$update public.user_oauth_connections set oauth_provider_id = %L where id = %L$$, :'other_provider', :'owner_connection'),
  '42501', null,
  'owner cannot move their connection to another provider'
);
select is_empty(
  format($$update public.user_oauth_connections set connection_name = 'Hijacked' where id = %L returning id$$, :'other_connection'),
  'owner cannot rename another user''s connection'
);
select is_empty(
  format($$update public.user_oauth_connections set connection_name = 'Renamed elsewhere' where id = %L returning id$$, :'owner_elsewhere'),
  'owner cannot change their connection to another provider through the ClickSend policies'
);
select is_empty(
  format($$delete from public.user_oauth_connections where id = %L returning id$$, :'other_connection'),
  'owner cannot delete another user''s connection'
);
select isnt_empty(
  format($$delete from public.user_oauth_connections where id = %L returning id$$, :'owner_pending'),
  'owner can delete their own connection'
);
select results_eq(
  'select connection_name, credential_hint from public.clicksend_connections',
  $$values ('Owner renamed'::text, null::text)$$,
  'through the view owner sees only their own active ClickSend connection'
);
select ok(
  not has_table_privilege('public.clicksend_connections', 'insert, update, delete, truncate'),
  'owner holds no write privilege on the view'
);

-- Acting as other_user
select tests.authenticate_as('other_user');

select results_eq(
  'select connection_name from public.user_oauth_connections order by connection_name',
  $$values ('Other active'::text), ('Other pending')$$,
  'other_user sees only their own connections, none of owner''s'
);
select results_eq(
  'select id, user_id from public.clicksend_connections',
  format($$values (%L::uuid, %L::uuid)$$, :'other_connection', :'other_uid'),
  'through the view other_user sees only their own active connection'
);
select is_empty(
  format($$delete from public.user_oauth_connections where id = %L returning id$$, :'owner_connection'),
  'other_user cannot delete owner''s connection'
);

-- Acting as anon
select tests.authenticate_as_anon();

select throws_ok('select * from public.user_oauth_connections', '42501', null, 'anon cannot read connections');
select throws_ok(
  format($$insert into public.user_oauth_connections (oauth_provider_id, connection_name) values (%L, 'Anon')$$, :'clicksend_provider'),
  '42501', null,
  'anon cannot create connections'
);
select throws_ok($$update public.user_oauth_connections set connection_name = 'x'$$, '42501', null, 'anon cannot update connections');
select throws_ok('delete from public.user_oauth_connections', '42501', null, 'anon cannot delete connections');
select throws_ok('select * from public.clicksend_connections', '42501', null, 'anon cannot read the clicksend_connections view');
select ok(
  not has_table_privilege('anon', 'public.clicksend_connections', 'select'),
  'anon holds no SELECT privilege on the view itself (not only on the table under it)'
);

-- Acting as service
select tests.authenticate_as_service_role();

select is(
  (select count(*)::integer from public.user_oauth_connections
    where id in (:'owner_connection', :'other_connection', :'other_pending', :'owner_elsewhere')),
  4,
  'the service role sees every user''s connections of every provider'
);
select is(
  (select count(*)::integer from public.clicksend_connections where id in (:'owner_connection', :'other_connection', :'other_pending')),
  2,
  'through the view the service role sees every user''s active ClickSend connections, and no inactive one'
);
select lives_ok(
  format(
    $$insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name) values (%L, %L, 'Made by service')$$,
    :'other_uid', :'clicksend_provider'
  ),
  'the service role can create a connection for any user'
);
select results_eq(
  format($$update public.user_oauth_connections set connection_status = 'error' where id = %L returning connection_status$$, :'other_connection'),
  $$values ('error'::text)$$,
  'the service role can change any connection''s status'
);
select throws_ok(
  format($$update public.user_oauth_connections set credential_hint = 'TOOLONG' where id = %L$$, :'other_connection'),
  '23514', null,
  'a credential hint longer than four characters is rejected, even for the service role'
);
select throws_ok(
  format($$update public.user_oauth_connections set connection_status = 'connected' where id = %L$$, :'other_connection'),
  '23514', null,
  'an unknown connection status is rejected'
);
select isnt_empty(
  format($$delete from public.user_oauth_connections where id = %L returning id$$, :'other_pending'),
  'the service role can delete any connection'
);

-- Acting as the test runner
select tests.clear_authentication();

select results_eq(
  format($$select connection_name, connection_status from public.user_oauth_connections where id = %L$$, :'owner_elsewhere'),
  $$values ('Owner elsewhere'::text, 'active'::text)$$,
  'owner''s connection to another provider was left untouched'
);

select * from finish();
rollback;
