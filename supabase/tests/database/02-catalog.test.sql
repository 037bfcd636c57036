-- service_providers and integration_capabilities: a read-only catalogue for users, written by the service role.
begin;
select plan(22);

select tests.create_supabase_user('owner');
select tests.clicksend_provider_id() as clicksend_provider \gset
select tests.create_clicksend_connection('owner');
select tests.create_provider('disabled_provider', '["sms"]', false) as disabled_provider \gset
insert into public.integration_capabilities (integration_id, capability_key, display_label, required_scope)
values (:'disabled_provider', 'disabled_send', 'Send (disabled)', 'sms');

-- Acting as owner
select tests.authenticate_as('owner');

select results_eq(
  'select name from public.service_providers',
  $$values ('clicksend_sms'::text)$$,
  'owner sees the enabled ClickSend provider and not the disabled one'
);
select is(
  (select count(*)::integer from public.integration_capabilities),
  7,
  'owner sees the seven ClickSend capabilities and none of a disabled provider'
);
select throws_ok(
  $$insert into public.service_providers (name, display_name, authentication_type) values ('planted', 'Planted', 'api_key')$$,
  '42501', null,
  'owner cannot add a provider'
);
select throws_ok(
  format($$update public.service_providers set display_name = 'Hijacked' where id = %L$$, :'clicksend_provider'),
  '42501', null,
  'owner cannot change a provider'
);
select throws_ok(
  format($$delete from public.service_providers where id = %L$$, :'clicksend_provider'),
  '42501', null,
  'owner cannot delete a provider'
);
select throws_ok(
  format(
    $$insert into public.integration_capabilities (integration_id, capability_key, display_label, required_scope)
      values (%L, 'clicksend_planted', 'Planted', 'sms')$$,
    :'clicksend_provider'
  ),
  '42501', null,
  'owner cannot add a capability'
);
select throws_ok(
  $$update public.integration_capabilities set required_scope = 'mms' where capability_key = 'clicksend_send_sms'$$,
  '42501', null,
  'owner cannot change a capability''s required scope'
);
select throws_ok(
  $$delete from public.integration_capabilities where capability_key = 'clicksend_send_sms'$$,
  '42501', null,
  'owner cannot delete a capability'
);

-- Acting as anon
select tests.authenticate_as_anon();

select throws_ok('select * from public.service_providers', '42501', null, 'anon cannot read providers');
select throws_ok('select * from public.integration_capabilities', '42501', null, 'anon cannot read capabilities');
select throws_ok(
  $$insert into public.service_providers (name, display_name, authentication_type) values ('planted', 'Planted', 'api_key')$$,
  '42501', null,
  'anon cannot add a provider'
);
select throws_ok(
  $$update public.integration_capabilities set display_label = 'x'$$,
  '42501', null,
  'anon cannot change capabilities'
);

-- Acting as service
select tests.authenticate_as_service_role();

select is(
  (select count(*)::integer from public.service_providers where id in (:'clicksend_provider', :'disabled_provider')),
  2,
  'the service role sees enabled and disabled providers'
);
select is(
  (select count(*)::integer from public.integration_capabilities where integration_id = :'disabled_provider'),
  1,
  'the service role sees capabilities of a disabled provider'
);
select lives_ok(
  $$insert into public.service_providers (name, display_name, authentication_type, scopes_supported)
    values ('service_provider', 'Made by service', 'api_key', '["sms", "voice"]')$$,
  'the service role can add a provider'
);
select lives_ok(
  $$insert into public.integration_capabilities (integration_id, capability_key, display_label, required_scope)
    select id, 'service_voice', 'Voice', 'voice' from public.service_providers where name = 'service_provider'$$,
  'the service role can add a capability with one of the provider''s scopes'
);
select results_eq(
  $$update public.service_providers set display_name = 'Renamed by service'
     where name = 'service_provider' returning display_name$$,
  $$values ('Renamed by service'::text)$$,
  'the service role can change a provider'
);
select results_eq(
  $$update public.integration_capabilities set display_label = 'Voice call'
     where capability_key = 'service_voice' returning display_label$$,
  $$values ('Voice call'::text)$$,
  'the service role can change a capability'
);
select isnt_empty(
  $$delete from public.integration_capabilities where capability_key = 'service_voice' returning id$$,
  'the service role can delete a capability'
);
select isnt_empty(
  $$delete from public.service_providers where name = 'service_provider' returning id$$,
  'the service role can delete a provider'
);
select throws_ok(
  format($$delete from public.service_providers where id = %L$$, :'clicksend_provider'),
  '23503', null,
  'the service role cannot delete a provider that users are connected to'
);

-- Acting as the test runner
select tests.clear_authentication();

select is(
  (select count(*)::integer from public.integration_capabilities where integration_id = :'clicksend_provider'),
  7,
  'nothing any persona tried changed the ClickSend capabilities'
);

select * from finish();
rollback;
