-- Demo data for local runs (`npm start`, `supabase db reset`). Never a real account's secrets:
-- the demo user has no ClickSend connection until you connect the sandbox (or your own account)
-- through the Connect ClickSend dialog, so the API key only ever enters through the Edge Function.
--
-- Demo sign-in: demo@example.com / demo-password-123

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, confirmed_at,
  raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at
) values (
  '00000000-0000-0000-0000-000000000000',
  'd3d0d3d0-0000-4000-8000-00000000de30',
  'authenticated',
  'authenticated',
  'demo@example.com',
  extensions.crypt('demo-password-123', extensions.gen_salt('bf', 10)),
  now(),
  now(),
  '{"provider": "email", "providers": ["email"]}'::jsonb,
  '{"display_name": "Demo user"}'::jsonb,
  false,
  now(),
  now()
)
on conflict (id) do nothing;

insert into public.agents (user_id, name, description)
select u.id, a.name, a.description
from auth.users u
cross join (values
  ('Support assistant', 'Answers customer questions and sends appointment reminders by SMS.'),
  ('Marketing helper', 'Drafts campaign messages; should not send without approval.')
) as a (name, description)
where u.email = 'demo@example.com'
  and not exists (select 1 from public.agents x where x.user_id = u.id and x.name = a.name);
