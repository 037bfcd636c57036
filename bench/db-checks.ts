// Sanity checks before anything is timed (never timing assertions): each path must return what it
// should. Our function must agree with the oracle on every pair that will be timed, the seed's on
// the pairs where it should; ours must refuse cross-user questions; the RLS list must equal the
// explicit one. A wrong answer fails the suite: a broken path is never timed.
import {
  claimsFor,
  describe,
  explicitList,
  log,
  ours,
  pkLookup,
  request,
  rlsList,
  seeds,
  SERVICE_CLAIMS,
  type Pair,
  type Sql,
} from "./db-operations.ts";
import { SIZES } from "./db-seed.ts";

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sortedB = [...b].sort();
  return [...a].sort().every((id, i) => id === sortedB[i]);
}

/** Runs both functions on every pair (untimed) and fails loudly on any wrong answer. */
export async function checkFunctions(api: Sql, pairs: readonly Pair[]): Promise<void> {
  const oursWrong: string[] = [];
  const seedWrong: string[] = [];
  let seedLooser = 0;
  for (const pair of pairs) {
    const claims = claimsFor(pair.userId);
    const mine = (await request(api, "authenticated", claims, (tx) => ours(tx, pair))).value;
    const theirs = (await request(api, "authenticated", claims, (tx) => seeds(tx, pair))).value;
    if (mine !== pair.expected)
      oursWrong.push(`${describe(pair)}: got ${mine}, expected ${pair.expected}`);
    if (theirs !== pair.seedExpected) {
      seedWrong.push(`${describe(pair)}: got ${theirs}, seed logic gives ${pair.seedExpected}`);
    }
    if (pair.expected && !theirs) {
      seedWrong.push(
        `${describe(pair)}: seed denies a grant that is active, unexpired and on an active connection`,
      );
    }
    if (theirs && !pair.expected) seedLooser++;
  }
  if (oursWrong.length > 0) {
    throw new Error(
      `SANITY FAILURE: public.validate_agent_clicksend_permissions gave ${oursWrong.length} wrong answers of ${pairs.length}; not timing a broken path:\n  ${oursWrong.slice(0, 10).join("\n  ")}`,
    );
  }
  if (seedWrong.length > 0) {
    throw new Error(
      `SANITY FAILURE: seed_scratch.validate_agent_clicksend_permissions disagrees with the seed's logic on ${seedWrong.length} pairs:\n  ${seedWrong.slice(0, 10).join("\n  ")}`,
    );
  }
  const allowed = pairs.filter((pair) => pair.expected).length;
  log(
    `sanity: ours matches the oracle on all ${pairs.length} pairs (${allowed} allowed, ${pairs.length - allowed} denied); ` +
      `the seed's agrees wherever access is due, and also allows ${seedLooser} of the denied ones (expired grants or grants on inactive connections: seed defects; never timed)`,
  );
}

/** An authenticated caller asking about someone else's agent must be refused by ours. */
export async function checkIdentity(api: Sql, pairs: readonly Pair[]): Promise<void> {
  const allowed = pairs.filter((pair) => pair.expected).slice(0, 50);
  let seedLeaks = 0;
  for (const [i, pair] of allowed.entries()) {
    const other = allowed[(i + 1) % allowed.length];
    if (other === undefined || other.userId === pair.userId) continue;
    const claims = claimsFor(other.userId);
    const mine = (await request(api, "authenticated", claims, (tx) => ours(tx, pair))).value;
    if (mine) {
      throw new Error(`SANITY FAILURE: ours lets user ${other.userId} ask about ${describe(pair)}`);
    }
    if ((await request(api, "authenticated", claims, (tx) => seeds(tx, pair))).value) seedLeaks++;
    const asService = (await request(api, "service_role", SERVICE_CLAIMS, (tx) => ours(tx, pair)))
      .value;
    if (!asService) {
      throw new Error(`SANITY FAILURE: ours denies the service role for ${describe(pair)}`);
    }
  }
  log(
    `sanity: ours refuses ${allowed.length} cross-user questions and answers them for service_role; the seed's answers ${seedLeaks} of them (defect 4)`,
  );
}

/** The RLS list must be exactly the explicit list, and the PK lookup must find the agent. */
export async function checkLists(
  api: Sql,
  pairs: readonly Pair[],
  providerId: string,
): Promise<void> {
  for (const pair of pairs.slice(0, 200)) {
    const viaRls = (await request(api, "authenticated", claimsFor(pair.userId), rlsList)).value;
    const explicit = (
      await request(api, "service_role", SERVICE_CLAIMS, (tx) =>
        explicitList(tx, pair.userId, providerId),
      )
    ).value;
    if (explicit.length !== SIZES.connectionsPerUser || !sameIds(viaRls, explicit)) {
      throw new Error(
        `SANITY FAILURE: user ${pair.userId} sees ${viaRls.length} connections through RLS, explicit query finds ${explicit.length} (expected ${SIZES.connectionsPerUser}, same ids)`,
      );
    }
    const found = (
      await request(api, "service_role", SERVICE_CLAIMS, (tx) => pkLookup(tx, pair.agentId))
    ).value;
    if (found !== 1)
      throw new Error(`SANITY FAILURE: PK lookup of agent ${pair.agentId} found ${found} rows`);
  }
  log(
    "sanity: RLS list equals the explicit service-role list for 200 users; PK lookups find their agent",
  );
}
