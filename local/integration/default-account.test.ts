// An agent granted on two ClickSend accounts sends from the one its owner chose (issue 13, point
// 11), through the whole stack: the owner stores the default with a plain REST update (RLS and a
// composite foreign key guard it), execute-agent-tool names the account in its answer, and the
// message is on record under that connection. What the product did is read through the product
// (the tool's answer, REST as the user); the sandbox's internals are never consulted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFullStack, type FullStack } from "./full-stack.ts";
import { agentWithGrant, signUpUser, type TestUser } from "./users.ts";

let stack: FullStack;
let accounts = 0;
const HANDSET = "+61411111111";

beforeAll(async () => {
  stack = await startFullStack();
}, 240_000);

afterAll(async () => {
  await stack.stop();
});

/** A ClickSend account of the test's own in the sandbox. */
async function newAccount(): Promise<{ username: string; apiKey: string }> {
  accounts += 1;
  const made = {
    username: `default_account_${String(accounts)}`,
    apiKey: `DEFAULT-ACCOUNT-${String(accounts)}-KEY-0000`,
  };
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: made.username, api_key: made.apiKey, balance: 25 }),
  });
  expect(response.status).toBe(200);
  return made;
}

/** Connects a new sandbox account as `name`; answers the connection id. */
async function connect(user: TestUser, name: string): Promise<string> {
  const account = await newAccount();
  const reply = await user.call("clicksend-connect", "POST", {
    username: account.username,
    api_key: account.apiKey,
    connection_name: name,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return (reply.body.connection as { id: string }).id;
}

async function grant(user: TestUser, agentId: string, connectionId: string): Promise<void> {
  const { error } = await user.rest.from("agent_integration_permissions").insert({
    agent_id: agentId,
    user_oauth_connection_id: connectionId,
    user_id: user.id,
    allowed_scopes: ["sms"],
  });
  expect(error).toBeNull();
}

async function setDefault(user: TestUser, agentId: string, connectionId: string) {
  return user.rest
    .from("agents")
    .update({ default_connection_id: connectionId })
    .eq("id", agentId)
    .select("id, default_connection_id");
}

interface SendAnswer {
  account: { connection_id: string; name: string; username: string };
  result: { messages: { message_id: string | null }[] };
}

/** The agent sends one SMS; answers the tool's answer (200 expected). */
async function agentSends(user: TestUser, agentId: string, body: string): Promise<SendAnswer> {
  const sent = await user.call("execute-agent-tool", "POST", {
    agent_id: agentId,
    tool: "clicksend_send_sms",
    arguments: { to: [HANDSET], body },
  });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  return sent.body as unknown as SendAnswer;
}

/** The connection our own record holds the agent's message with this text under. */
async function recordedConnection(user: TestUser, agentId: string, body: string) {
  const { data, error } = await user.rest
    .from("clicksend_messages")
    .select("user_oauth_connection_id")
    .eq("agent_id", agentId)
    .eq("body", body);
  expect(error).toBeNull();
  return (data ?? []).map((row) => row.user_oauth_connection_id);
}

describe("an agent on two ClickSend accounts", () => {
  let owner: TestUser;
  let agentId: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    owner = await signUpUser(stack, "default-account-owner@example.com");
    first = await connect(owner, "Shop");
    second = await connect(owner, "Office");
    // Granted on Shop first, then on Office: Office is the newest grant, which the executor took
    // before there was a default.
    agentId = await agentWithGrant(owner, first, ["sms"], "Two accounts");
    await grant(owner, agentId, second);
  });

  it("sends from the default its owner chose, names it in the answer, and records the message under it", async () => {
    const chosen = await setDefault(owner, agentId, first);
    expect(chosen.error).toBeNull();
    expect(chosen.data).toEqual([{ id: agentId, default_connection_id: first }]);

    const answer = await agentSends(owner, agentId, "From the shop");
    expect(answer.account).toEqual({
      connection_id: first,
      name: "Shop",
      username: expect.stringMatching(/^default_account_\d+$/) as string,
    });
    expect(answer.result.messages[0]?.message_id).toEqual(expect.any(String));
    expect(await recordedConnection(owner, agentId, "From the shop")).toEqual([first]);
  });

  it("sends from the other account once the default is switched to it", async () => {
    const switched = await setDefault(owner, agentId, second);
    expect(switched.error).toBeNull();

    const answer = await agentSends(owner, agentId, "From the office");
    expect(answer.account).toMatchObject({ connection_id: second, name: "Office" });
    expect(await recordedConnection(owner, agentId, "From the office")).toEqual([second]);

    // And back: the choice, not the order of grants, decides.
    await setDefault(owner, agentId, first);
    const back = await agentSends(owner, agentId, "Shop again");
    expect(back.account).toMatchObject({ connection_id: first, name: "Shop" });
    expect(await recordedConnection(owner, agentId, "Shop again")).toEqual([first]);
  });

  it("names no account when refused before one was chosen (no grant with the tool's scope)", async () => {
    await setDefault(owner, agentId, first);
    const refused = await owner.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_get_sms_history",
      arguments: {},
    });
    expect(refused.status).toBe(403);
    expect(refused.body).not.toHaveProperty("account");
  });

  it("cannot be pointed at another user's account, nor changed by another user", async () => {
    const intruder = await signUpUser(stack, "default-account-intruder@example.com");
    const theirs = await connect(intruder, "Intruder");
    const theirAgent = await agentWithGrant(intruder, theirs, ["sms"], "Intruder's agent");
    await setDefault(owner, agentId, second);

    // The intruder's update reaches no row of the owner's (RLS), whichever connection it names.
    for (const target of [theirs, first]) {
      const attempt = await setDefault(intruder, agentId, target);
      expect(attempt.data ?? []).toEqual([]);
    }
    // Their own agent cannot send from the owner's account (the composite foreign key).
    const borrowed = await setDefault(intruder, theirAgent, first);
    expect(borrowed.error?.code).toBe("23503");
    // Nor can the owner's agent be given the intruder's account by its owner.
    const foreign = await setDefault(owner, agentId, theirs);
    expect(foreign.error?.code).toBe("23503");

    const { data } = await owner.rest
      .from("agents")
      .select("default_connection_id")
      .eq("id", agentId)
      .single();
    expect(data?.default_connection_id).toBe(second);
    const answer = await agentSends(owner, agentId, "Still the office");
    expect(answer.account.connection_id).toBe(second);
    expect(await recordedConnection(owner, agentId, "Still the office")).toEqual([second]);
  });
});
