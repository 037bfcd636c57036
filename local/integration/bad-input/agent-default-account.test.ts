// An agent's default ClickSend account (agents.default_connection_id, issue 13 point 11) with bad
// input, through the whole stack: the owner sets it with a plain REST update, so that update is
// the endpoint. Any value that is not one of the owner's connections (not a uuid, another type,
// deeply nested, a connection that does not exist, another user's) is a 4xx with nothing changed;
// another user's update of the owner's agent reaches no row, whatever it names. See support.ts
// for how "nothing changed" is checked (every table the product writes, and ClickSend's side).
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/agent-default-account.test.ts
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { signUpUser } from "../users.ts";
import { badUuid, runs, serialize, useBadInputStack, type Reply } from "./support.ts";

const bad = useBadInputStack();
const { unchanged } = bad;

let strangerToken = "";
let strangerConnection = "";

/** PATCH /rest/v1/agents?id=eq.<agent> as the given user, answering the changed rows. */
async function patchDefault(token: string, agentId: string, body: string): Promise<Reply> {
  const response = await fetch(`${bad.stack.url}/rest/v1/agents?id=eq.${agentId}`, {
    method: "PATCH",
    headers: {
      apikey: bad.stack.anonKey,
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      prefer: "return=representation",
    },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    retryAfter: response.headers.get("retry-after"),
    text: await response.text(),
  };
}

beforeAll(async () => {
  // The owner's agent starts with its own connection as the default, so a change would show.
  const set = await patchDefault(
    bad.token,
    bad.agentId,
    JSON.stringify({ default_connection_id: bad.connectionId }),
  );
  expect(set.status, set.text).toBe(200);

  const stranger = await signUpUser(bad.stack, "bad-input-default-stranger@example.com");
  strangerToken = stranger.token;
  const [row] = await bad.stack.db.query<{ id: string }>(
    `insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name, connection_status)
     select $1, sp.id, 'Stranger', 'inactive' from public.service_providers sp where sp.name = 'clicksend_sms'
     returning id`,
    [stranger.id],
  );
  strangerConnection = row?.id ?? "";
  expect(strangerConnection).not.toBe("");
}, 60_000);

describe("an agent's default account", () => {
  it("refuses anything but one of the owner's connections with a 4xx, changing nothing", async () => {
    const value = fc.oneof(
      // Not a uuid at all (null clears the default: that one is allowed).
      badUuid(false).filter((candidate) => candidate !== null),
      // A uuid of no connection, or of another user's connection.
      fc.uuid(),
      fc.constant(strangerConnection),
    );
    await fc.assert(
      fc.asyncProperty(value, async (candidate) => {
        const body = `{"default_connection_id":${serialize(candidate)}}`;
        const { reply } = await unchanged(() => patchDefault(bad.token, bad.agentId, body));
        expect(reply.status, `${body} -> ${reply.text}`).toBeGreaterThanOrEqual(400);
        expect(reply.status, `${body} -> ${reply.text}`).toBeLessThan(500);
      }),
      runs(60),
    );
  });

  it("is never changed by another user, whatever they name", async () => {
    const value = fc.oneof(
      fc.constantFrom<string | null>(null, bad.connectionId, strangerConnection),
      fc.uuid(),
    );
    await fc.assert(
      fc.asyncProperty(value, async (candidate) => {
        const body = JSON.stringify({ default_connection_id: candidate });
        const { reply } = await unchanged(() => patchDefault(strangerToken, bad.agentId, body));
        expect(reply.status, reply.text).toBeLessThan(500);
        if (reply.status < 300) expect(JSON.parse(reply.text)).toEqual([]);
      }),
      runs(30),
    );
  });
});
