// The attacks of issue 11, replayed against the whole stack (gateway, real Deno functions,
// PGlite, ClickSend sandbox) by ordinary signed-up accounts. What ClickSend received is seen on
// the wire: the functions reach the sandbox through a counting proxy, so no test reads the
// sandbox's own state to decide what the product did.
import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFullStack, type FullStack } from "./full-stack.ts";
import { callFunction, signUpUser, type FunctionReply, type TestUser } from "./users.ts";

interface SeenRequest {
  method: string;
  path: string;
  username: string;
}

/** Forwards every request to the sandbox and remembers method, path and the Basic-auth user. */
class ClickSendWire {
  readonly seen: SeenRequest[] = [];
  target = "";
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const auth = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
      const username = Buffer.from(auth, "base64").toString().split(":")[0] ?? "";
      this.seen.push({
        method: req.method ?? "",
        path: (req.url ?? "").split("?")[0] ?? "",
        username,
      });
      const target = new URL(req.url ?? "/", this.target);
      const upstream = httpRequest(
        target,
        { method: req.method, headers: { ...req.headers, host: target.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => {
        res.destroy();
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${String(port)}/v3`;
  }

  /** Requests for one ClickSend username from `since` (an index into `seen`). */
  to(username: string, since = 0): SeenRequest[] {
    return this.seen.slice(since).filter((request) => request.username === username);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => {
        resolve();
      });
    });
  }
}

let stack: FullStack;
const wire = new ClickSendWire();
let userCount = 0;

const call = (
  token: string,
  fn: string,
  method: string,
  body?: unknown,
  localAddress?: string,
): Promise<FunctionReply> => callFunction(stack, token, fn, method, body, localAddress);

function newUser(): Promise<TestUser> {
  userCount += 1;
  return signUpUser(stack, `abuse${String(userCount)}@example.com`);
}

/** A fresh ClickSend account at the sandbox (set-up only), so each story has its own limits. */
async function clickSendAccount(): Promise<{ username: string; apiKey: string }> {
  const username = `acct_${randomBytes(4).toString("hex")}`;
  const apiKey = randomBytes(16).toString("hex").toUpperCase();
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, api_key: apiKey, balance: 50 }),
  });
  expect(response.status).toBe(200);
  return { username, apiKey };
}

/** The account's receipt rules as its owner sees them in ClickSend (the public API). */
async function receiptRules(account: {
  username: string;
  apiKey: string;
}): Promise<{ receipt_rule_id: number; action: string; action_address: string }[]> {
  const response = await fetch(`${stack.sandbox.url}/automations/sms/receipts?limit=100`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${account.username}:${account.apiKey}`).toString("base64")}`,
    },
  });
  const envelope = (await response.json()) as {
    data: { data: { receipt_rule_id: number; action: string; action_address: string }[] };
  };
  return envelope.data.data;
}

function webhookRules(
  rules: { receipt_rule_id: number; action: string; action_address: string }[],
): { receipt_rule_id: number; action_address: string }[] {
  return rules.filter(
    (rule) =>
      rule.action === "URL" &&
      rule.action_address.startsWith(`${stack.url}/functions/v1/clicksend-webhook`),
  );
}

async function connections(user: TestUser): Promise<{ id: string; connection_status: string }[]> {
  const { data, error } = await user.rest
    .from("user_oauth_connections")
    .select("id, connection_status");
  if (error) throw new Error(error.message);
  return data;
}

const wrongKey = (): string => randomBytes(12).toString("hex").toUpperCase();

beforeAll(async () => {
  const base = await wire.start();
  stack = await startFullStack({ functionsEnv: { CLICKSEND_API_BASE: base } });
  wire.target = stack.sandbox.origin;
}, 180_000);

afterAll(async () => {
  await stack.stop();
  await wire.close();
});

describe("a stolen-credential tester (clicksend-connect)", () => {
  it("gets 429 after three wrong keys, ClickSend sees none beyond them, and the owner's balance keeps working", async () => {
    const account = await clickSendAccount();
    const owner = await newUser();
    const connected = await owner.call("clicksend-connect", "POST", {
      username: account.username,
      api_key: account.apiKey,
    });
    expect(connected.status).toBe(201);
    const connectionId = (connected.body.connection as { id: string }).id;
    const balance = () =>
      owner.call("clicksend-api", "POST", { action: "get_balance", connection_id: connectionId });

    const attacker = await newUser();
    const start = wire.seen.length;
    const [attempts, balancesDuring] = await Promise.all([
      Promise.all(
        Array.from({ length: 30 }, () =>
          attacker.call("clicksend-connect", "POST", {
            username: account.username,
            api_key: wrongKey(),
          }),
        ),
      ),
      Promise.all(Array.from({ length: 3 }, () => balance())),
    ]);

    const refused = attempts.filter((reply) => reply.status === 400);
    const limited = attempts.filter((reply) => reply.status === 429);
    expect(refused).toHaveLength(3);
    for (const reply of refused)
      expect(reply.body.error).toMatchObject({ code: "invalid_credentials" });
    expect(limited).toHaveLength(27);
    for (const reply of limited) {
      expect(reply.body.error).toMatchObject({ code: "too_many_attempts", retryable: true });
      expect((reply.body.error as { message: string }).message).toMatch(
        /Try again in \d+ (second|minute)s?\./,
      );
      expect(Number(reply.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // Three GET /account with wrong keys reached ClickSend, plus the owner's balance reads.
    const wrongKeyReads = wire
      .to(account.username, start)
      .filter((request) => request.path === "/v3/account");
    expect(wrongKeyReads).toHaveLength(3 + balancesDuring.length);

    for (const reply of balancesDuring) expect(reply.status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await balance()).status).toBe(200);
    expect(await connections(attacker)).toEqual([]);

    // A second account takes over: the username's own limit stops it after 5 refusals in all.
    const accomplice = await newUser();
    const before = wire.seen.length;
    const more = [];
    for (let i = 0; i < 6; i++)
      more.push(
        await accomplice.call("clicksend-connect", "POST", {
          username: account.username,
          api_key: wrongKey(),
        }),
      );
    expect(more.map((reply) => reply.status)).toEqual([400, 400, 429, 429, 429, 429]);
    expect((more[2]?.body.error as { message: string }).message).toMatch(
      /wrong API keys were tried for this ClickSend username/,
    );
    expect(wire.to(account.username, before)).toHaveLength(2);
    expect(await connections(accomplice)).toEqual([]);
    // The owner can still read the balance and rotate the key.
    expect((await balance()).status).toBe(200);
  });

  it("limits verifications per client address, whichever account makes them", async () => {
    const users = await Promise.all(Array.from({ length: 21 }, () => newUser()));
    const replies: FunctionReply[] = [];
    for (const user of users)
      replies.push(
        await call(
          user.token,
          "clicksend-connect",
          "POST",
          { username: `nobody_${randomBytes(3).toString("hex")}`, api_key: wrongKey() },
          "127.0.0.7",
        ),
      );
    expect(replies.slice(0, 20).map((reply) => reply.status)).toEqual(Array(20).fill(400));
    expect(replies[20]?.status).toBe(429);
    expect((replies[20]?.body.error as { message: string }).message).toMatch(/from your network/);
    // The same user from another address is not affected.
    const elsewhere = await call(
      users[20]?.token ?? "",
      "clicksend-connect",
      "POST",
      { username: `nobody_${randomBytes(3).toString("hex")}`, api_key: wrongKey() },
      "127.0.0.8",
    );
    expect(elsewhere.status).toBe(400);
  });
});

describe("one connection per ClickSend account", () => {
  it("refuses a second connect of the same username before asking ClickSend, and adds no rule", async () => {
    const account = await clickSendAccount();
    const user = await newUser();
    const first = await user.call("clicksend-connect", "POST", {
      username: account.username,
      api_key: account.apiKey,
    });
    expect(first.status).toBe(201);
    expect(webhookRules(await receiptRules(account))).toHaveLength(1);

    const before = wire.seen.length;
    for (const username of [account.username, account.username.toUpperCase()]) {
      const again = await user.call("clicksend-connect", "POST", {
        username,
        api_key: account.apiKey,
      });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: "already_connected" });
      expect((again.body.error as { message: string }).message).toMatch(/rotate the key/);
    }
    expect(wire.seen.length).toBe(before);
    expect(await connections(user)).toHaveLength(1);
    expect(webhookRules(await receiptRules(account))).toHaveLength(1);
  });

  it("lets only one of two parallel connects of the same account through", async () => {
    const account = await clickSendAccount();
    const user = await newUser();
    const replies = await Promise.all(
      [1, 2].map(() =>
        user.call("clicksend-connect", "POST", {
          username: account.username,
          api_key: account.apiKey,
        }),
      ),
    );
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409]);
    const rows = await connections(user);
    expect(rows.filter((row) => row.connection_status === "active")).toHaveLength(1);
    expect(webhookRules(await receiptRules(account))).toHaveLength(1);
  });

  it("repoints a stale rule of ours instead of adding one, and leaves other rules alone", async () => {
    const account = await clickSendAccount();
    const auth = `Basic ${Buffer.from(`${account.username}:${account.apiKey}`).toString("base64")}`;
    const addRule = async (address: string): Promise<number> => {
      const response = await fetch(`${stack.sandbox.url}/automations/sms/receipts`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify({
          rule_name: "left behind",
          match_type: 0,
          action: "URL",
          action_address: address,
          enabled: 1,
        }),
      });
      const envelope = (await response.json()) as { data: { receipt_rule_id: number } };
      return envelope.data.receipt_rule_id;
    };
    // Two rules of ours whose tokens belong to nothing (a crash, an old merged duplicate), and
    // a rule of someone else's system.
    const ours = `${stack.url}/functions/v1/clicksend-webhook?token=`;
    const staleA = await addRule(`${ours}${"a".repeat(48)}`);
    await addRule(`${ours}${"b".repeat(48)}`);
    const foreign = await addRule("https://crm.example.com/clicksend/receipts");

    // A colleague on our platform connected the same account: their rule is live and stays.
    const colleague = await newUser();
    expect(
      (
        await colleague.call("clicksend-connect", "POST", {
          username: account.username,
          api_key: account.apiKey,
        })
      ).status,
    ).toBe(201);
    const afterColleague = webhookRules(await receiptRules(account));
    expect(afterColleague.map((rule) => rule.receipt_rule_id)).toEqual([staleA]);

    const user = await newUser();
    const connected = await user.call("clicksend-connect", "POST", {
      username: account.username,
      api_key: account.apiKey,
    });
    expect(connected.status).toBe(201);
    const rules = await receiptRules(account);
    const mine = webhookRules(rules);
    expect(mine).toHaveLength(2);
    expect(mine.find((rule) => rule.receipt_rule_id === staleA)).toBeDefined();
    expect(rules.map((rule) => rule.receipt_rule_id)).toContain(foreign);
    expect(new Set(mine.map((rule) => rule.action_address)).size).toBe(2);
  });
});
