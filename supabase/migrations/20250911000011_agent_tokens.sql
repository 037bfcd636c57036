-- =====================================================================================
-- Agent tokens for the remote MCP endpoint (agent-mcp): one bearer token per MCP client,
-- belonging to one agent of its owner and dying with it. Idempotent.
-- =====================================================================================
-- 1. public.agent_tokens: the owner sees and revokes (deletes) their tokens under RLS; only the
--    token's SHA-256 is stored, and that column is not readable by anyone but the service role.
--    Tokens are made by the agent-tokens function (service role, agent_token_create), at most
--    MAX per agent.
-- 2. public.agent_token_create / agent_token_verify: service role only. verify finds a token by
--    its hash, notes when it was last used (at most once a minute), and answers its agent.
-- =====================================================================================

create table if not exists public.agent_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  agent_id uuid not null,
  name text not null check (length(btrim(name)) between 1 and 100 and name !~ '[[:cntrl:]]'),
  -- The token's first characters, shown to tell tokens apart (never enough to use it).
  token_prefix text not null check (token_prefix ~ '^csa_[A-Za-z0-9_-]{8}$'),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  constraint agent_tokens_agent_fk foreign key (agent_id, user_id)
    references public.agents (id, user_id) on delete cascade
);
comment on table public.agent_tokens is 'Bearer tokens of the remote MCP endpoint (agent-mcp), one agent each; only the SHA-256 of a token is kept.';
comment on column public.agent_tokens.token_hash is 'Hex SHA-256 of the token; readable by the service role only.';
comment on column public.agent_tokens.last_used_at is 'When agent-mcp last accepted the token (to the minute).';
create index if not exists agent_tokens_agent_user_idx on public.agent_tokens (agent_id, user_id);
create index if not exists agent_tokens_user_idx on public.agent_tokens (user_id);

alter table public.agent_tokens enable row level security;
revoke all on public.agent_tokens from anon, authenticated;
-- Every column but the hash; no insert or update: tokens are made by agent-tokens.
grant select (id, user_id, agent_id, name, token_prefix, created_at, last_used_at)
  on public.agent_tokens to authenticated;
grant delete on public.agent_tokens to authenticated;
drop policy if exists "Users can view own agent tokens" on public.agent_tokens;
create policy "Users can view own agent tokens" on public.agent_tokens
  for select to authenticated using (user_id = (select auth.uid()));
drop policy if exists "Users can delete own agent tokens" on public.agent_tokens;
create policy "Users can delete own agent tokens" on public.agent_tokens
  for delete to authenticated using (user_id = (select auth.uid()));

-- Makes a token for p_user_id's agent. Answers the row without its hash, or null when the agent
-- is not p_user_id's; raises 'too many tokens' (P0001, hint too_many_tokens) past 20 per agent.
create or replace function public.agent_token_create(p_user_id uuid, p_agent_id uuid, p_name text,
  p_prefix text, p_hash text)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_row public.agent_tokens;
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'agent tokens are made by the service role only' using errcode = '42501';
  end if;
  -- The agent's row, locked, so concurrent creations count each other.
  perform 1 from public.agents a where a.id = p_agent_id and a.user_id = p_user_id for update;
  if not found then
    return null;
  end if;
  if (select count(*) from public.agent_tokens t where t.agent_id = p_agent_id) >= 20 then
    raise exception 'An agent can have at most 20 tokens; revoke one first.'
      using errcode = 'P0001', hint = 'too_many_tokens';
  end if;
  insert into public.agent_tokens (user_id, agent_id, name, token_prefix, token_hash)
  values (p_user_id, p_agent_id, btrim(p_name), p_prefix, p_hash)
  returning * into v_row;
  return to_jsonb(v_row) - 'token_hash';
end
$$;
comment on function public.agent_token_create(uuid, uuid, text, text, text) is
  'Service role only: a new token row for p_user_id''s agent (null when not theirs), at most 20 per agent.';
revoke all on function public.agent_token_create(uuid, uuid, text, text, text) from public, anon, authenticated;
grant execute on function public.agent_token_create(uuid, uuid, text, text, text) to service_role;

-- The token with this hash: {token_id, user_id, agent_id}, or null. Notes the use at most once a
-- minute, so a busy client does not write on every request.
create or replace function public.agent_token_verify(p_hash text)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_row public.agent_tokens;
begin
  if current_setting('role', true) is distinct from 'service_role' then
    raise exception 'agent tokens are checked by the service role only' using errcode = '42501';
  end if;
  select * into v_row from public.agent_tokens t where t.token_hash = p_hash;
  if not found then
    return null;
  end if;
  if v_row.last_used_at is null or v_row.last_used_at < now() - interval '1 minute' then
    update public.agent_tokens set last_used_at = now() where id = v_row.id;
  end if;
  return jsonb_build_object('token_id', v_row.id, 'user_id', v_row.user_id, 'agent_id', v_row.agent_id);
end
$$;
comment on function public.agent_token_verify(text) is
  'Service role only: the agent of the token with this SHA-256 (null when none), noting its use.';
revoke all on function public.agent_token_verify(text) from public, anon, authenticated;
grant execute on function public.agent_token_verify(text) to service_role;
