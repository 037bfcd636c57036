-- =====================================================================================
-- BENCH ONLY: bulk data for bench/db.ts, set-based (generate_series), run as the superuser in one
-- transaction after the bootstrap and every migration. Nothing is disabled: the foreign keys
-- (including the composite (id, user_id) ones), check constraints and the allowed_scopes trigger
-- all run for every row.
--
-- psql variables (set by bench/db.ts with -v):
--   users                 number of auth.users rows
--   agents_per_user       agents per user
--   connections_per_user  ClickSend connections per user
--   grants_per_agent      permission rows per agent, each on a different connection of the same user
--
-- Ids are md5-derived, so the data is the same on every run; rows are inserted in a hashed order
-- so one user's rows are spread over the heap as they would be after months of real use.
-- Variety: ~88% of connections active (the rest inactive/revoked/error/expired); ~90% of grants
-- active (the rest revoked); ~5% expired, ~10% expiring in the future; allowed_scopes a non-empty
-- subset of the five ClickSend scopes, all 31 subsets about equally often.
-- =====================================================================================

insert into auth.users (
  id, aud, role, email, encrypted_password, email_confirmed_at, confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at
)
select
  md5('bench-user:' || u)::uuid,
  'authenticated',
  'authenticated',
  'bench-user-' || u || '@example.test',
  '',
  now() - interval '90 days',
  now() - interval '90 days',
  '{"provider": "email", "providers": ["email"]}'::jsonb,
  '{}'::jsonb,
  now() - interval '90 days' + u * interval '1 second',
  now()
from generate_series(1, :users) as u
order by md5('order:' || u);

insert into public.user_oauth_connections (
  id, user_id, oauth_provider_id, connection_name, external_username, connection_status,
  connection_metadata, credential_hint, created_at, updated_at
)
select
  md5('bench-connection:' || c.j)::uuid,
  md5('bench-user:' || c.u)::uuid,
  sp.id,
  'ClickSend account ' || c.k,
  'bench' || c.u || '_' || c.k,
  case
    when abs(hashtext('status:' || c.j)::bigint) % 100 < 88 then 'active'
    else (array['inactive', 'revoked', 'error', 'expired'])[abs(hashtext('status-kind:' || c.j)::bigint) % 4 + 1]
  end,
  jsonb_build_object('default_sender_id', 'Bench' || c.k),
  lpad((c.j % 10000)::text, 4, '0'),
  now() - interval '60 days' + c.j * interval '1 second',
  now()
from (
  select j, (j - 1) / :connections_per_user + 1 as u, (j - 1) % :connections_per_user + 1 as k
  from generate_series(1, :users * :connections_per_user) as j
) as c
cross join public.service_providers as sp
where sp.name = 'clicksend_sms'
order by md5('order:' || c.j);

insert into public.agents (id, user_id, name, description, created_at, updated_at)
select
  md5('bench-agent:' || a.i)::uuid,
  md5('bench-user:' || a.u)::uuid,
  'Agent ' || a.k,
  'Benchmark agent ' || a.k || ' of user ' || a.u,
  now() - interval '60 days' + a.i * interval '1 second',
  now()
from (
  select i, (i - 1) / :agents_per_user + 1 as u, (i - 1) % :agents_per_user + 1 as k
  from generate_series(1, :users * :agents_per_user) as i
) as a
order by md5('order:' || a.i);

-- Agent k (0-based) of user u is granted connections (2k + m) mod connections_per_user of the same
-- user, m = 0 .. grants_per_agent - 1: distinct connections per agent, and every grant stays
-- inside one tenant, as the composite foreign keys require.
insert into public.agent_integration_permissions (
  agent_id, user_oauth_connection_id, user_id, allowed_scopes, is_active, granted_at, revoked_at,
  expires_at, created_at, updated_at
)
select
  md5('bench-agent:' || g.i)::uuid,
  md5('bench-connection:' || g.j)::uuid,
  md5('bench-user:' || g.u)::uuid,
  (
    select jsonb_agg(s.scope order by s.ord)
    from unnest(array['sms', 'mms', 'balance', 'history', 'delivery_receipts']) with ordinality as s (scope, ord)
    where (g.mask >> (s.ord::int - 1)) & 1 = 1
  ),
  g.active,
  now() - interval '30 days',
  case when g.active then null else now() - interval '3 days' end,
  case
    when g.expiry < 5 then now() - interval '1 day'
    when g.expiry < 15 then now() + interval '30 days'
  end,
  now() - interval '30 days',
  now()
from (
  select
    a.i,
    m,
    a.u,
    (a.u - 1) * :connections_per_user + (2 * a.k + m) % :connections_per_user + 1 as j,
    (abs(hashtext('scopes:' || a.i || ':' || m)::bigint) % 31 + 1)::int as mask,
    abs(hashtext('active:' || a.i || ':' || m)::bigint) % 100 < 90 as active,
    abs(hashtext('expiry:' || a.i || ':' || m)::bigint) % 100 as expiry
  from (
    select i, (i - 1) / :agents_per_user + 1 as u, (i - 1) % :agents_per_user as k
    from generate_series(1, :users * :agents_per_user) as i
  ) as a
  cross join generate_series(0, :grants_per_agent - 1) as m
) as g
order by md5('order:' || g.i || ':' || g.m);
