// agent-webhooks (an agent's reply webhook, for its owner) with bad input, through the whole
// stack: each action's body with one field broken (agent_id, the URL, the action, unknown keys)
// is 400 invalid_request, and a well-formed agent id that is not the caller's (or an agent with
// no webhook) is 404, never 5xx, and nothing changes: the caller's agent keeps its webhook and
// secret, another user's agent keeps theirs. See support.ts for what every answer must be and
// how "nothing changed" is checked.
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/agent-webhooks.test.ts
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { signUpUser } from "../users.ts";
import {
  anyText,
  badUuid,
  deeplyNested,
  expectBadRequest,
  functionError,
  type JsonObject,
  MISSING,
  mutations,
  runs,
  tooLong,
  useBadInputStack,
  withNul,
  wrongType,
} from "./support.ts";

const bad = useBadInputStack();
const { send, unchanged, post, checkMutations } = bad;

/**
 * A URL the local stack accepts: while the functions talk to the ClickSend sandbox, plain http to
 * 127.0.0.1 is allowed (so tests can receive events); nothing listens on port 9.
 */
const HOOK = "http://127.0.0.1:9/hook";
/** A public address literal: accepted without resolving anything (no DNS in the test). */
const PUBLIC_HOOK = "https://8.8.8.8/hook";

/** URLs no agent's webhook may have: not https, not public, with credentials, or not as stored. */
const BAD_URLS = [
  "not a url at all",
  "example.com/hook",
  "//example.com/hook",
  "ftp://example.com/hook",
  "javascript:alert(1)//",
  "file:///etc/passwd",
  "data:text/plain,hello",
  "http://example.com/hook",
  "http://localhost:9/hook",
  "http://10.0.0.1/hook",
  "ws://8.8.8.8/hook",
  "https://127.0.0.1/hook",
  "https://127.1/hook",
  "https://2130706433/hook",
  "https://0x7f000001/hook",
  "https://0177.0.0.1/hook",
  "https://127.0.0.1./hook",
  "https://localhost/hook",
  "https://api.localhost/hook",
  "https://printer.local/hook",
  "https://10.0.0.1/hook",
  "https://172.16.0.1/hook",
  "https://192.168.1.1/hook",
  "https://100.64.0.1/hook",
  "https://0.0.0.0/hook",
  "https://224.0.0.1/hook",
  "https://169.254.169.254/latest/meta-data",
  "https://[::1]/hook",
  "https://[::]/hook",
  "https://[fe80::1]/hook",
  "https://[fd00::1]/hook",
  "https://[::ffff:127.0.0.1]/hook",
  "https://[::ffff:a9fe:a9fe]/hook",
  "https://user:pass@8.8.8.8/hook",
  "https://user@8.8.8.8/hook",
  "http://user:pass@127.0.0.1:9/hook",
  // The column keeps the URL as given, and refuses these (each was a 500): spaces or control
  // characters inside, a scheme in capitals, no slashes after it, broken UTF-16.
  "https://8.8.8.8/a b",
  "http://127.0.0.1:9/a\tb",
  "https://8.8.8.8/a\nb",
  "https://8.8.8.8/hook\u00a0x",
  "https://8.8.8.8/\u0085",
  "HTTPS://8.8.8.8/hook",
  "HTTP://127.0.0.1:9/hook",
  "https:8.8.8.8/hook",
  "https:\\\\8.8.8.8\\hook",
  "https://8.8.8.8/\ud800",
];

const badUrl = fc.oneof(
  fc.constantFrom(...BAD_URLS),
  wrongType("string"),
  // Under 10 characters once trimmed, or over 2000.
  fc.constantFrom("", " ", "https://a", " https://a\t"),
  tooLong(2000),
  fc.constant(`${PUBLIC_HOOK}/${"a".repeat(2000)}`),
  withNul(PUBLIC_HOOK),
  deeplyNested,
);

const ACTIONS = ["set", "rotate_secret", "remove"];
const badAction = fc.oneof(
  fc.constant(MISSING),
  wrongType("string"),
  anyText.filter((text) => !ACTIONS.includes(text)),
  fc.constantFrom(...ACTIONS).map((action) => action.toUpperCase()),
  fc.constantFrom(...ACTIONS).map((action) => `${action} `),
  fc.constantFrom("rotate", "delete", "get", "update", "__proto__", "constructor", ""),
);

/** Another user's agent, with a webhook of its own, and an agent of the caller's with none. */
let strangerAgentId = "";
let agentWithoutWebhook = "";

beforeAll(async () => {
  // The caller's agent has a webhook, so a rotate or remove that slipped through would show.
  const set = await send(
    "agent-webhooks",
    "POST",
    JSON.stringify({ action: "set", agent_id: bad.agentId, url: HOOK }),
  );
  expect(set.status, set.text).toBe(201);

  const stranger = await signUpUser(bad.stack, "bad-input-webhook-stranger@example.com");
  const { data: agent, error } = await stranger.rest
    .from("agents")
    .insert({ name: "Stranger's agent" })
    .select("id")
    .single();
  if (error) throw new Error(error.message);
  strangerAgentId = agent.id;
  const theirs = await stranger.call("agent-webhooks", "POST", {
    action: "set",
    agent_id: strangerAgentId,
    url: `${HOOK}/stranger`,
  });
  expect(theirs.status, JSON.stringify(theirs.body)).toBe(201);

  const [owner] = await bad.stack.db.query<{ user_id: string }>(
    "select user_id from public.agents where id = $1",
    [bad.agentId],
  );
  const [second] = await bad.stack.db.query<{ id: string }>(
    "insert into public.agents (user_id, name) values ($1, 'No webhook') returning id",
    [owner?.user_id],
  );
  agentWithoutWebhook = second?.id ?? "";
  expect(agentWithoutWebhook).not.toBe("");
}, 60_000);

describe("agent-webhooks with one field broken", () => {
  const target = { fn: "agent-webhooks" as const, method: "POST" };

  it("set: agent_id, url, action and unknown keys", async () => {
    await checkMutations(
      target,
      () => ({ action: "set", agent_id: bad.agentId, url: PUBLIC_HOOK }),
      mutations(
        [
          { path: ["agent_id"], names: "agent_id", bad: badUuid(true) },
          { path: ["url"], names: "url", bad: fc.oneof(fc.constant(MISSING), badUrl) },
          { path: ["action"], names: "action", bad: badAction },
        ],
        [{ path: [], known: ["action", "agent_id", "url"] }],
      ),
      ["invalid_request"],
      80,
    );
  });

  it.each(["rotate_secret", "remove"])("%s: agent_id, action and unknown keys", async (action) => {
    await checkMutations(
      target,
      () => ({ action, agent_id: bad.agentId }),
      mutations(
        [
          { path: ["agent_id"], names: "agent_id", bad: badUuid(true) },
          { path: ["action"], names: "action", bad: badAction },
          // The URL belongs to "set" only.
          { path: ["url"], names: "url", bad: fc.constantFrom<unknown>(HOOK, "", null) },
        ],
        [{ path: [], known: ["action", "agent_id"] }],
      ),
      ["invalid_request"],
      40,
    );
  });
});

describe("agent ids that are not the caller's, or agents with no webhook", () => {
  it("are 404 (a remove finds nothing to remove) and change nothing", async () => {
    const someone = fc.oneof(
      fc.uuid(),
      fc.constantFrom(
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "stranger",
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        someone,
        fc.constantFrom<JsonObject>(
          { action: "set", url: HOOK },
          { action: "set", url: PUBLIC_HOOK },
          { action: "rotate_secret" },
          { action: "remove" },
        ),
        async (id, body) => {
          const agentId = id === "stranger" ? strangerAgentId : id;
          fc.pre(agentId !== bad.agentId && agentId !== agentWithoutWebhook);
          const { reply } = await post("agent-webhooks", { ...body, agent_id: agentId });
          if (body.action === "remove") {
            // Removing is idempotent: nothing of the caller's to remove answers removed: false.
            expect(reply.status, reply.text).toBe(200);
            expect(JSON.parse(reply.text)).toEqual({ removed: false });
          } else {
            expect(reply.status, reply.text).toBe(404);
            expect(functionError(reply).code).toBe("agent_not_found");
          }
        },
      ),
      runs(30),
    );
  });

  it("rotating the secret of the caller's agent that has no webhook is 404 webhook_not_found", async () => {
    const rotated = await post("agent-webhooks", {
      action: "rotate_secret",
      agent_id: agentWithoutWebhook,
    });
    expect(rotated.reply.status, rotated.reply.text).toBe(404);
    expect(functionError(rotated.reply).code).toBe("webhook_not_found");
    const removed = await post("agent-webhooks", {
      action: "remove",
      agent_id: agentWithoutWebhook,
    });
    expect(removed.reply.status, removed.reply.text).toBe(200);
    expect(JSON.parse(removed.reply.text)).toEqual({ removed: false });
  });
});

// ---------------------------------------------------------------------------------------------
// Counterexamples the properties found, kept as plain tests (each answered 500, reached
// ClickSend, or changed a row before the fix).
// ---------------------------------------------------------------------------------------------
describe("regressions found by the properties", () => {
  it.each([
    ["a space", "https://8.8.8.8/a b"],
    ["a tab (allowed http to 127.0.0.1)", "http://127.0.0.1:9/a\tb"],
    ["a scheme in capitals", "HTTPS://8.8.8.8/hook"],
    ["an allowed http URL in capitals", "HTTP://127.0.0.1:9/hook"],
    ["no slashes after the scheme", "https:8.8.8.8/hook"],
    ["backslashes", "https:\\\\8.8.8.8\\hook"],
    ["an unpaired surrogate", "https://8.8.8.8/\ud800"],
  ])("a webhook URL with %s is refused (was 500: the column refused it)", async (_what, url) => {
    for (const agentId of [bad.agentId, agentWithoutWebhook]) {
      const { reply } = await post("agent-webhooks", { action: "set", agent_id: agentId, url });
      expectBadRequest(reply, ["invalid_request"], "url");
    }
  });
});

describe("the checks can see a change", () => {
  it("a valid rotate of the caller's webhook does change the checked tables", async () => {
    await expect(
      unchanged(() =>
        send(
          "agent-webhooks",
          "POST",
          JSON.stringify({ action: "rotate_secret", agent_id: bad.agentId }),
        ),
      ),
    ).rejects.toThrow(/tables changed by a request answered 200/);
  });
});
