-- validate_agent_clicksend_permissions and get_user_clicksend_connection: what each caller may learn.
begin;
select plan(31);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_user');
select tests.get_supabase_uid('owner') as owner_uid \gset
select tests.get_supabase_uid('other_user') as other_uid \gset

-- One agent per situation, each with at most one grant on owner's connections.
select tests.create_clicksend_connection('owner', 'Owner older', 'active') as owner_older \gset
select tests.create_clicksend_connection('owner', 'Owner newest', 'active') as owner_connection \gset
select tests.create_clicksend_connection('owner', 'Owner pending', 'inactive') as owner_pending \gset
select tests.create_clicksend_connection('other_user', 'Other active', 'active') as other_connection \gset
update public.user_oauth_connections set created_at = now() - interval '2 days' where id = :'owner_older';
update public.user_oauth_connections set created_at = now() - interval '1 day' where id = :'owner_connection';
update public.user_oauth_connections set created_at = now() where id = :'owner_pending';

select tests.create_agent('owner', 'SMS agent') as sms_agent \gset
select tests.create_agent('owner', 'Ungranted agent') as ungranted_agent \gset
select tests.create_agent('owner', 'Deactivated agent') as deactivated_agent \gset
select tests.create_agent('owner', 'Expired agent') as expired_agent \gset
select tests.create_agent('owner', 'Future agent') as future_agent \gset
select tests.create_agent('owner', 'Pending-connection agent') as pending_agent \gset
select tests.create_agent('owner', 'Other-provider agent') as elsewhere_agent \gset
select tests.create_agent('other_user', 'Other agent') as other_agent \gset

select tests.create_grant(:'sms_agent', :'owner_connection', '["sms"]');
select tests.create_grant(:'deactivated_agent', :'owner_connection', '["sms"]') as deactivated_grant \gset
select tests.create_grant(:'expired_agent', :'owner_connection', '["sms"]') as expired_grant \gset
select tests.create_grant(:'future_agent', :'owner_connection', '["sms"]') as future_grant \gset
select tests.create_grant(:'pending_agent', :'owner_pending', '["sms"]');
select tests.create_grant(:'other_agent', :'other_connection', '["sms", "mms"]');
update public.agent_integration_permissions set is_active = false where id = :'deactivated_grant';
update public.agent_integration_permissions set expires_at = now() - interval '1 minute' where id = :'expired_grant';
update public.agent_integration_permissions set expires_at = now() + interval '1 day' where id = :'future_grant';

-- An active connection to another provider that also has an sms scope.
select tests.create_provider('other_sms', '["sms"]') as other_provider \gset
insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name, connection_status)
values (:'owner_uid', :'other_provider', 'Owner elsewhere', 'active')
returning id as owner_elsewhere \gset
select tests.create_grant(:'elsewhere_agent', :'owner_elsewhere', '["sms"]');

-- Acting as owner
select tests.authenticate_as('owner');

select ok(
  validate_agent_clicksend_permissions(:'sms_agent', :'owner_uid', array['sms']),
  'owner: an agent granted sms may send SMS'
);
select ok(
  not validate_agent_clicksend_permissions(:'sms_agent', :'owner_uid', array['mms']),
  'owner: an sms-only grant does not allow mms'
);
select ok(
  not validate_agent_clicksend_permissions(:'sms_agent', :'owner_uid', array['sms', 'mms']),
  'owner: an sms-only grant does not cover sms and mms together'
);
select ok(
  validate_agent_clicksend_permissions(:'sms_agent', :'owner_uid', '{}'),
  'owner: an empty scope list means any active grant, and one exists'
);
select ok(
  validate_agent_clicksend_permissions(:'sms_agent', :'owner_uid', null),
  'owner: a null scope list means any active grant, and one exists'
);
select ok(
  not validate_agent_clicksend_permissions(:'ungranted_agent', :'owner_uid', '{}'),
  'owner: an empty scope list is false for an agent without any grant'
);
select ok(
  not validate_agent_clicksend_permissions(:'ungranted_agent', :'owner_uid', null),
  'owner: a null scope list is false for an agent without any grant'
);
select ok(
  not validate_agent_clicksend_permissions(:'deactivated_agent', :'owner_uid', array['sms']),
  'owner: a deactivated grant allows nothing'
);
select ok(
  not validate_agent_clicksend_permissions(:'expired_agent', :'owner_uid', array['sms']),
  'owner: an expired grant allows nothing'
);
select ok(
  validate_agent_clicksend_permissions(:'future_agent', :'owner_uid', array['sms']),
  'owner: a grant expiring in the future still counts'
);
select ok(
  not validate_agent_clicksend_permissions(:'pending_agent', :'owner_uid', array['sms']),
  'owner: a grant on a connection that is not active allows nothing'
);
select ok(
  not validate_agent_clicksend_permissions(:'elsewhere_agent', :'owner_uid', array['sms']),
  'owner: a grant on another provider''s connection does not count as ClickSend permission'
);
select ok(
  not validate_agent_clicksend_permissions(:'other_agent', :'owner_uid', '{}'),
  'owner: another user''s agent has no permission in owner''s name'
);
select ok(
  not validate_agent_clicksend_permissions(:'other_agent', :'other_uid', array['sms']),
  'owner cannot learn about other_user''s grant even though it exists'
);
select results_eq(
  format('select * from get_user_clicksend_connection(%L)', :'owner_uid'),
  format(
    $$values (%L::uuid, 'Owner newest'::text, 'owner_cs_owner_newest'::text, 'active'::text, '{}'::jsonb)$$,
    :'owner_connection'
  ),
  'owner gets their newest active ClickSend connection'
);
select is_empty(
  format('select * from get_user_clicksend_connection(%L)', :'other_uid'),
  'owner gets nothing when asking for other_user''s connection'
);

-- Acting as other_user
select tests.authenticate_as('other_user');

select ok(
  validate_agent_clicksend_permissions(:'other_agent', :'other_uid', array['sms', 'mms']),
  'other_user: their agent''s grant covers sms and mms'
);
select ok(
  not validate_agent_clicksend_permissions(:'sms_agent', :'owner_uid', array['sms']),
  'other_user cannot learn about owner''s grant'
);

-- Acting as other_user with a forged role claim: the database role decides, not the claim.
select set_config('request.jwt.claims', json_build_object('sub', :'other_uid', 'role', 'service_role')::text, true);
select ok(
  not validate_agent_clicksend_permissions(:'sms_agent', :'owner_uid', array['sms']),
  'a role claim of service_role does not make an authenticated session the service role'
);
select is_empty(
  format('select * from get_user_clicksend_connection(%L)', :'owner_uid'),
  'a forged service_role claim gets no one else''s connection either'
);

-- Acting as anon
select tests.authenticate_as_anon();

select throws_ok(
  format($$select public.validate_agent_clicksend_permissions(%L, %L, array['sms'])$$, :'sms_agent', :'owner_uid'),
  '42501', null,
  'anon cannot call validate_agent_clicksend_permissions'
);
select throws_ok(
  format('select * from public.get_user_clicksend_connection(%L)', :'owner_uid'),
  '42501', null,
  'anon cannot call get_user_clicksend_connection'
);

-- Acting as service
select tests.authenticate_as_service_role();

select ok(
  validate_agent_clicksend_permissions(:'other_agent', :'other_uid', array['mms']),
  'the service role may ask about any user''s agent'
);
select ok(
  validate_agent_clicksend_permissions(:'sms_agent', :'owner_uid', array['sms']),
  'the service role sees owner''s sms grant'
);
select ok(
  not validate_agent_clicksend_permissions(:'sms_agent', :'owner_uid', array['balance']),
  'the service role still gets false for a scope that was not granted'
);
select ok(
  not validate_agent_clicksend_permissions(:'sms_agent', :'other_uid', '{}'),
  'the service role gets false when the agent and user do not belong together'
);
select ok(
  not validate_agent_clicksend_permissions(null, :'owner_uid', '{}'),
  'a null agent id is never permitted'
);
select results_eq(
  format('select connection_id, connection_name from get_user_clicksend_connection(%L)', :'other_uid'),
  format($$values (%L::uuid, 'Other active'::text)$$, :'other_connection'),
  'the service role gets other_user''s active connection'
);

-- Acting as the test runner
select tests.clear_authentication();

select is(
  (select array_agg(a order by a) from unnest(
     (select proargnames[2:] from pg_proc where oid = 'public.get_user_clicksend_connection(uuid)'::regprocedure)
   ) a),
  array['configuration', 'connection_id', 'connection_name', 'connection_status', 'external_username'],
  'get_user_clicksend_connection returns only non-secret connection fields'
);
update public.user_oauth_connections set connection_status = 'revoked' where user_id = :'owner_uid';

-- Acting as owner, after the runner revoked all their connections
select tests.authenticate_as('owner');
select is_empty(
  format('select * from get_user_clicksend_connection(%L)', :'owner_uid'),
  'owner gets nothing once none of their connections is active'
);
select ok(
  not validate_agent_clicksend_permissions(:'sms_agent', :'owner_uid', '{}'),
  'a grant on a revoked connection no longer counts'
);

select * from finish();
rollback;
