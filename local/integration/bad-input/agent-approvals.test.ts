// agent-approvals (a person's decision on an agent's held send) with bad input, through the whole
// stack. A real approval is pending: the caller's agent has approval_mode 'always' and its send
// through execute-agent-tool was held (202). Every decision body with one field broken (the
// approval id, the decision, the edited text, unknown keys) is 400 invalid_request naming the
// field; another user's approval (or none) is 404 approval_not_found; methods but GET and POST are
// 405; no token or not a user's is 401 (the service key 403). Each time nothing changes: the
// approval stays pending, and ClickSend's own history (GET /v3/sms/history, as the account's
// holder reads it) counts the same number of messages sent. See support.ts for what every answer
// must be and how "nothing changed" is checked (every table the product writes, approvals
// included, and the sandbox account's whole state).
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/agent-approvals.test.ts
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_USERNAME } from "../../clicksend-sandbox/server.ts";
import { agentWithGrant, signUpUser, type TestUser } from "../users.ts";
import {
  anyText,
  badUuid,
  CONTENT_TYPES,
  deeplyNested,
  expectBadRequest,
  functionError,
  MISSING,
  mutations,
  type Reply,
  runs,
  serialize,
  smallJson,
  tooLong,
  useBadInputStack,
  withNul,
  wrongType,
} from "./support.ts";

const bad = useBadInputStack();
const { send, unchanged, checkMutations } = bad;

/** The stranger's own ClickSend account in the sandbox (so their sends are counted apart). */
const STRANGER_USERNAME = "bad_input_approvals_stranger";
const STRANGER_API_KEY = "BAD-INPUT-APPROVALS-STRANGER-KEY";

/** The caller's pending approval: what every bad decision must leave pending. */
let approvalId = "";
/** Another user's pending approval, on their own agent and account. */
let strangerApprovalId = "";
let stranger: TestUser;

/** How many SMS an account has sent, as ClickSend's own history API counts them. */
async function sentCount(username: string, apiKey: string): Promise<number> {
  const basic = Buffer.from(`${username}:${apiKey}`).toString("base64");
  const response = await fetch(`${bad.stack.sandbox.url}/sms/history?limit=1`, {
    headers: { authorization: `Basic ${basic}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { total: number } }).data.total;
}

const callerSent = () => sentCount(SANDBOX_USERNAME, SANDBOX_API_KEY);
const strangerSent = () => sentCount(STRANGER_USERNAME, STRANGER_API_KEY);

/** An approval's state as its owner reads it through REST (RLS: their own rows only). */
async function stateOf(token: string, id: string): Promise<string | undefined> {
  const response = await fetch(
    `${bad.stack.url}/rest/v1/agent_approvals?id=eq.${id}&select=status,decided_at,outcome`,
    { headers: { apikey: bad.stack.anonKey, authorization: `Bearer ${token}` } },
  );
  expect(response.status).toBe(200);
  const rows = (await response.json()) as {
    status: string;
    decided_at: string | null;
    outcome: unknown;
  }[];
  const [row] = rows;
  if (row === undefined) return undefined;
  // Pending means undecided and unsent, not only the status word.
  return row.status === "pending" && row.decided_at === null && row.outcome === null
    ? "pending"
    : row.status;
}

/** The caller's agent holds every send for a person, through REST as the owner (the API). */
async function holdEverySend(token: string, agentId: string): Promise<void> {
  const response = await fetch(`${bad.stack.url}/rest/v1/agent_policies?on_conflict=agent_id`, {
    method: "POST",
    headers: {
      apikey: bad.stack.anonKey,
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      prefer: "resolution=merge-duplicates",
    },
    body: JSON.stringify({ agent_id: agentId, approval_mode: "always" }),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

/** A send of the agent's, held for approval (202); answers the approval's id. */
async function heldSend(token: string, agentId: string, key: string): Promise<string> {
  const reply = await send(
    "execute-agent-tool",
    "POST",
    JSON.stringify({
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: ["+61411111111"], body: "Held for a person" },
      idempotency_key: key,
    }),
    { token },
  );
  expect(reply.status, reply.text).toBe(202);
  const body = JSON.parse(reply.text) as { status: string; approval_id: string };
  expect(body.status).toBe("pending_approval");
  return body.approval_id;
}

beforeAll(async () => {
  await holdEverySend(bad.token, bad.agentId);
  const before = await callerSent();
  approvalId = await heldSend(bad.token, bad.agentId, "bad-input-held");
  expect(await callerSent()).toBe(before);

  const created = await fetch(`${bad.stack.sandbox.origin}/_sandbox/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: STRANGER_USERNAME, api_key: STRANGER_API_KEY, balance: 50 }),
  });
  expect(created.status).toBe(200);
  stranger = await signUpUser(bad.stack, "bad-input-approvals-stranger@example.com");
  const connected = await stranger.call("clicksend-connect", "POST", {
    username: STRANGER_USERNAME,
    api_key: STRANGER_API_KEY,
  });
  expect(connected.status, JSON.stringify(connected.body)).toBe(201);
  const connection = (connected.body.connection as { id: string }).id;
  const strangerAgent = await agentWithGrant(stranger, connection, ["sms"], "Stranger's agent");
  await holdEverySend(stranger.token, strangerAgent);
  strangerApprovalId = await heldSend(stranger.token, strangerAgent, "stranger-held");
  expect(await strangerSent()).toBe(0);
}, 60_000);

/**
 * Runs one request with nothing changed (support.ts's checksums and sandbox state), then checks
 * what this file is about in the product's own terms: both approvals still pending, and neither
 * account's ClickSend history any longer.
 */
async function unchangedDecision(run: () => Promise<Reply>): Promise<Reply> {
  const [callerBefore, strangerBefore] = [await callerSent(), await strangerSent()];
  const { reply, audited } = await unchanged(run);
  expect(audited).toBe(0);
  expect(await stateOf(bad.token, approvalId)).toBe("pending");
  expect(await stateOf(stranger.token, strangerApprovalId)).toBe("pending");
  expect(await callerSent()).toBe(callerBefore);
  expect(await strangerSent()).toBe(strangerBefore);
  return reply;
}

const DECISIONS = ["approve", "reject"];
const badDecision = fc.oneof(
  fc.constant(MISSING),
  wrongType("string"),
  anyText.filter((text) => !DECISIONS.includes(text)),
  fc.constantFrom(...DECISIONS).map((decision) => decision.toUpperCase()),
  fc.constantFrom(...DECISIONS).map((decision) => ` ${decision}`),
  fc.constantFrom("approved", "rejected", "accept", "deny", "yes", "cancel", "expire", ""),
  fc.constantFrom(...DECISIONS).chain(withNul),
  deeplyNested,
);

/** Text with a UTF-16 surrogate that has no partner: no text Postgres can store. */
const LONE_SURROGATES = ["\ud800", "Hello \udc00 there", "Hi \ud83d", "\udfff\ud800"];

/** Edited texts no decision takes (absent is fine: the held text is sent as it is). */
const badEditedBody = fc.oneof(
  wrongType("string"),
  // Empty once trimmed.
  fc.constantFrom("", " ", "\t\n", " ".repeat(40), "\u00a0", "\u3000"),
  tooLong(1600),
  withNul("Edited text"),
  fc.constantFrom(...LONE_SURROGATES),
  deeplyNested,
);

describe("agent-approvals POST with one field broken", () => {
  const target = { fn: "agent-approvals" as const, method: "POST" };

  it.each([
    ["approve", { decision: "approve" }],
    ["approve with an edited text", { decision: "approve", body: "Edited text" }],
    ["reject", { decision: "reject" }],
  ])("%s: approval_id, decision, body and unknown keys", async (_what, decision) => {
    const sentBefore = await callerSent();
    await checkMutations(
      target,
      () => ({ approval_id: approvalId, ...decision }),
      mutations(
        [
          { path: ["approval_id"], names: "approval_id", bad: badUuid(true) },
          { path: ["decision"], names: "decision", bad: badDecision },
          { path: ["body"], names: "body", bad: badEditedBody },
        ],
        [{ path: [], known: ["approval_id", "decision", "body"] }],
      ),
      ["invalid_request"],
      60,
    );
    expect(await stateOf(bad.token, approvalId)).toBe("pending");
    expect(await callerSent()).toBe(sentBefore);
  });

  it("an edited text the held SMS could not carry (over 1224 characters) is 400 naming body", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1225, max: 1600 }),
        // One UTF-16 unit each: the decision's limit (1600) and the SMS's (1224) count alike.
        fc.constantFrom("x", "é", "字"),
        fc.constantFrom(...CONTENT_TYPES),
        async (length, char, contentType) => {
          const text = char.repeat(length);
          const reply = await unchangedDecision(() =>
            send(
              "agent-approvals",
              "POST",
              serialize({ approval_id: approvalId, decision: "approve", body: text }),
              { contentType },
            ),
          );
          expectBadRequest(reply, ["invalid_request"], "body");
        },
      ),
      runs(20),
    );
  });
});

describe("approvals that are not the caller's", () => {
  it("another user's approval, or no approval, is 404 approval_not_found and nothing changes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant("stranger"),
          fc.uuid(),
          fc.constantFrom(
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
          ),
        ),
        fc.constantFrom<Record<string, string>>(
          { decision: "approve" },
          { decision: "approve", body: "Mine now" },
          { decision: "reject" },
          { decision: "reject", body: "Mine now" },
        ),
        async (id, decision) => {
          const target = id === "stranger" ? strangerApprovalId : id;
          fc.pre(target !== approvalId);
          const reply = await unchangedDecision(() =>
            send("agent-approvals", "POST", JSON.stringify({ approval_id: target, ...decision })),
          );
          expect(reply.status, reply.text).toBe(404);
          expect(functionError(reply).code).toBe("approval_not_found");
        },
      ),
      runs(30),
    );
  });

  it("the stranger's approval is not in the caller's list", async () => {
    const reply = await unchangedDecision(() => send("agent-approvals", "GET", undefined));
    expect(reply.status, reply.text).toBe(200);
    const ids = (JSON.parse(reply.text) as { approvals: { id: string }[] }).approvals.map(
      (approval) => approval.id,
    );
    expect(ids).toEqual([approvalId]);
  });
});

describe("methods and callers agent-approvals does not take", () => {
  const anyBody = fc.oneof(
    fc.constant(undefined),
    smallJson.map(serialize),
    fc.constantFrom("{}", ""),
    fc.constant(null).map(() => JSON.stringify({ approval_id: approvalId, decision: "approve" })),
  );

  it("answers 405 JSON to PUT, PATCH and DELETE, whatever the body", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("PUT", "PATCH", "DELETE"), anyBody, async (method, body) => {
        const reply = await unchangedDecision(() => send("agent-approvals", method, body));
        expect(reply.status, reply.text).toBe(405);
        expect(functionError(reply).code).toBe("method_not_allowed");
      }),
      runs(20),
    );
  });

  it("answers 401 without a user's token (and 403 to the service key), for a decision or the list", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<string | null>(
          null,
          "",
          "not-a-jwt",
          "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
          bad.stack.anonKey,
          bad.stack.serviceRoleKey,
        ),
        fc.constantFrom("GET", "POST"),
        async (token, method) => {
          const body =
            method === "GET"
              ? undefined
              : JSON.stringify({ approval_id: approvalId, decision: "approve" });
          const reply = await unchangedDecision(() =>
            send("agent-approvals", method, body, { token }),
          );
          expect(reply.contentType).toMatch(/^application\/json/);
          if (token === bad.stack.serviceRoleKey) {
            expect(reply.status, reply.text).toBe(403);
            expect(functionError(reply).code).toBe("forbidden");
          } else {
            // The gateway (verify_jwt) answers a missing or unsigned token in its own words.
            expect(reply.status, reply.text).toBe(401);
            expect(reply.text).not.toContain(approvalId);
          }
        },
      ),
      runs(20),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Counterexamples the properties found, kept as plain tests.
// ---------------------------------------------------------------------------------------------
describe("regressions found by the properties", () => {
  it.each(LONE_SURROGATES.flatMap((text) => DECISIONS.map((decision) => [decision, text])))(
    "%s with an edited text holding a lone surrogate (%j) is 400 naming body (was 500 database_error)",
    async (decision, text) => {
      const reply = await unchangedDecision(() =>
        send(
          "agent-approvals",
          "POST",
          JSON.stringify({ approval_id: approvalId, decision, body: text }),
        ),
      );
      expectBadRequest(reply, ["invalid_request"], "body");
    },
  );
});

describe("the checks can see a change", () => {
  it("a valid reject, and a valid approve, of other held sends change what is checked", async () => {
    const rejected = await heldSend(bad.token, bad.agentId, "bad-input-rejected");
    await expect(
      unchangedDecision(() =>
        send(
          "agent-approvals",
          "POST",
          JSON.stringify({ approval_id: rejected, decision: "reject" }),
        ),
      ),
    ).rejects.toThrow(/tables changed by a request answered 200/);
    expect(await stateOf(bad.token, rejected)).toBe("rejected");

    const approved = await heldSend(bad.token, bad.agentId, "bad-input-approved");
    const before = await callerSent();
    const reply = await send(
      "agent-approvals",
      "POST",
      JSON.stringify({ approval_id: approved, decision: "approve" }),
    );
    expect(reply.status, reply.text).toBe(200);
    expect(await stateOf(bad.token, approved)).toBe("approved");
    expect(await callerSent()).toBe(before + 1);
    // The bad input's approval was not the one decided.
    expect(await stateOf(bad.token, approvalId)).toBe("pending");
  });
});
