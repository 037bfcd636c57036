// Which (agent, user, scopes) pairs the db suite times, with the answer each function must give:
// candidates drawn at random with two SQL oracles written independently of both functions (ours,
// and the seed design's weaker logic), then the timed subset.
import { shuffled } from "./stats.ts";
import type { Pair, Sql } from "./db-operations.ts";

/** Share of timed permission checks whose answer is true (the rest are denials). */
const ALLOWED_SHARE = 0.75;

const SCOPES = ["sms", "mms", "balance", "history", "delivery_receipts"] as const;

/** Candidate (agent, own user, required scopes) pairs with both oracles' answers. */
export async function candidatePairs(
  admin: Sql,
  count: number,
  random: () => number,
): Promise<Pair[]> {
  const agents = await admin<{ id: string; user_id: string }[]>`
    select id, user_id from public.agents order by id`;
  const picked = shuffled(agents, random).slice(0, count);
  const scopeCsv = picked.map(() => {
    const first = SCOPES[Math.floor(random() * SCOPES.length)] ?? "sms";
    if (random() < 0.7) return first;
    const second = SCOPES[Math.floor(random() * SCOPES.length)] ?? "sms";
    return second === first ? first : `${first},${second}`;
  });
  // The oracles, written independently of both functions: one `?` test per required scope.
  const rows = await admin<{ ord: string; expected: boolean; seed_expected: boolean }[]>`
    with c as (
      select ord, agent_id, user_id, string_to_array(scopes_csv, ',') as scopes
      from unnest(${picked.map((a) => a.id)}::uuid[], ${picked.map((a) => a.user_id)}::uuid[], ${scopeCsv}::text[])
        with ordinality as t (agent_id, user_id, scopes_csv, ord)
    )
    select
      c.ord::text as ord,
      exists (
        select 1
        from public.agent_integration_permissions g
        join public.user_oauth_connections uc on uc.id = g.user_oauth_connection_id
        join public.service_providers p on p.id = uc.oauth_provider_id
        where g.agent_id = c.agent_id and g.user_id = c.user_id
          and g.is_active and coalesce(g.expires_at > now(), true)
          and uc.connection_status = 'active' and p.name = 'clicksend_sms' and p.is_enabled
          and (select bool_and(g.allowed_scopes ? s) from unnest(c.scopes) s)
      ) as expected,
      exists (
        select 1
        from public.user_oauth_connections uc
        join public.service_providers p on p.id = uc.oauth_provider_id
        where uc.user_id = c.user_id and p.name = 'clicksend_sms' and uc.connection_status = 'active'
      ) and exists (
        select 1
        from public.agent_integration_permissions g
        join public.user_oauth_connections uc on uc.id = g.user_oauth_connection_id
        join public.service_providers p on p.id = uc.oauth_provider_id
        where g.agent_id = c.agent_id and uc.user_id = c.user_id and p.name = 'clicksend_sms'
          and g.is_active
          and (select bool_and(g.allowed_scopes ? s) from unnest(c.scopes) s)
      ) as seed_expected
    from c
    order by c.ord`;
  return rows.map((row) => {
    const index = Number(row.ord) - 1;
    const agent = picked[index];
    const csv = scopeCsv[index];
    if (agent === undefined || csv === undefined)
      throw new Error(`oracle row ${row.ord} has no pair`);
    return {
      agentId: agent.id,
      userId: agent.user_id,
      scopes: csv.split(","),
      expected: row.expected,
      seedExpected: row.seed_expected,
    };
  });
}

/** Timed pairs: both functions agree on them, ALLOWED_SHARE allowed, the rest denied. */
export function timingPairs(
  candidates: readonly Pair[],
  count: number,
  random: () => number,
): Pair[] {
  const agreeing = candidates.filter((pair) => pair.expected === pair.seedExpected);
  const allowed = agreeing.filter((pair) => pair.expected);
  const denied = agreeing.filter((pair) => !pair.expected);
  const wantAllowed = Math.round(count * ALLOWED_SHARE);
  const wantDenied = count - wantAllowed;
  if (allowed.length < wantAllowed || denied.length < wantDenied) {
    throw new Error(
      `not enough candidate pairs: ${allowed.length} allowed (need ${wantAllowed}), ${denied.length} denied (need ${wantDenied})`,
    );
  }
  return shuffled([...allowed.slice(0, wantAllowed), ...denied.slice(0, wantDenied)], random);
}
