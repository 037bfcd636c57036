// Receipt pushes to URL rules (clicksend-api.md §2.16–2.17): form-encoded POSTs with the legacy
// duplicate keys, match_type respected, retried on anything but 200.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./server.ts";
import { client, control, eventually, messagesOf, obj, str } from "./testing.ts";

interface Push {
  contentType: string;
  form: URLSearchParams;
}

let pushes: Push[] = [];
/** Status codes the receiver answers, in turn; 200 once they run out. */
let answers: number[] = [];
let receiver: Server;
let receiverUrl = "";
let sandbox: Sandbox;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      pushes.push({
        contentType: req.headers["content-type"] ?? "",
        form: new URLSearchParams(Buffer.concat(chunks).toString("utf8")),
      });
      res.writeHead(answers.shift() ?? 200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/receipts?token=s3cret`;
  sandbox = await startSandbox({
    port: 0,
    receiptDelayMs: 30,
    webhook: { retryDelaysMs: [20, 20], timeoutMs: 1000 },
  });
});
afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  sandbox.reset();
  pushes = [];
  answers = [];
});

const api = () => client(sandbox);

async function urlRule(matchType: number, enabled = 1): Promise<void> {
  const response = await api().post("/automations/sms/receipts", {
    rule_name: "Push receipts",
    match_type: matchType,
    action: "URL",
    action_address: receiverUrl,
    enabled,
  });
  expect(response.status).toBe(200);
}

async function send(to: string): Promise<string> {
  const response = await api().post("/sms/send", {
    messages: [{ to, body: "hi", custom_string: "order-1042" }],
  });
  return str(messagesOf(response)[0]?.message_id);
}

const PUSH_KEYS = [
  "timestamp_send",
  "timestamp",
  "message_id",
  "messageid",
  "status",
  "status_code",
  "status_text",
  "error_code",
  "error_text",
  "custom_string",
  "customstring",
  "user_id",
  "subaccount_id",
  "message_type",
];

describe("receipt pushes", () => {
  it("POSTs each receipt form-encoded with the legacy duplicate keys", async () => {
    await urlRule(0);
    const id = await send("+61412345678");
    await eventually(() => {
      expect(pushes.map((push) => push.form.get("status_code"))).toEqual(["200", "201"]);
    });
    const account = obj((await api().get("/account")).body.data);
    for (const push of pushes) {
      expect(push.contentType).toBe("application/x-www-form-urlencoded");
      expect([...push.form.keys()]).toEqual(PUSH_KEYS);
      expect(push.form.get("message_id")).toBe(id);
      expect(push.form.get("messageid")).toBe(id);
      expect(push.form.get("custom_string")).toBe("order-1042");
      expect(push.form.get("customstring")).toBe("order-1042");
      expect(push.form.get("user_id")).toBe(str(account.user_id));
      expect(push.form.get("subaccount_id")).toBe(str(obj(account._subaccount).subaccount_id));
      expect(push.form.get("message_type")).toBe("sms");
      expect(push.form.get("status")).toBe("Sent");
      expect(push.form.get("error_code")).toBe("");
      expect(push.form.get("error_text")).toBe("");
      expect(push.form.get("timestamp_send")).toMatch(/^\d{10}$/);
      expect(push.form.get("timestamp")).toMatch(/^\d{10}$/);
    }
    expect(pushes[1]?.form.get("status_text")).toBe("Success: Message received on handset.");
  });

  it("pushes failures with their error code and text", async () => {
    await urlRule(0);
    await send("+61400000301");
    await eventually(() => {
      expect(pushes).toHaveLength(2);
    });
    const failed = pushes[1]?.form;
    expect(failed?.get("status")).toBe("Failed");
    expect(failed?.get("status_code")).toBe("301");
    expect(failed?.get("error_code")).toBe("8");
    expect(failed?.get("error_text")).not.toBe("");
  });

  it("respects match_type 1 (failed only) and 2 (successful only)", async () => {
    await urlRule(1);
    await send("+61412345678");
    await send("+61400000301");
    await eventually(() => {
      expect(pushes.map((push) => push.form.get("status_code"))).toEqual(["301"]);
    });

    sandbox.reset();
    pushes = [];
    await urlRule(2);
    await send("+61400000301");
    await eventually(() => {
      expect(sandbox.state.receipts).toHaveLength(2);
    });
    await eventually(() => {
      expect(pushes.map((push) => push.form.get("status_code"))).toEqual(["200"]);
    });
  });

  it("pushes nothing for a disabled rule or a test number", async () => {
    await urlRule(0, 0);
    await send("+61412345678");
    await eventually(() => {
      expect(sandbox.state.receipts).toHaveLength(2);
    });
    await urlRule(0, 1);
    await send("+61411111111");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pushes).toEqual([]);
  });

  it("retries a push that is not answered with 200", async () => {
    answers = [500, 404];
    await urlRule(2);
    await send("+61400000200"); // only a 200 receipt
    await eventually(() => {
      expect(pushes).toHaveLength(3);
    });
    const state = await control(sandbox, "GET", "state");
    expect(state.webhooks).toMatchObject({ attempts: 3, delivered: 1, failed: 0 });
  });

  it("gives up after the configured retries", async () => {
    answers = [503, 503, 503, 503];
    await urlRule(0);
    await send("+61400000200");
    await eventually(async () => {
      const state = await control(sandbox, "GET", "state");
      expect(state.webhooks).toMatchObject({ attempts: 3, delivered: 0, failed: 1, pending: 0 });
    });
    expect(pushes).toHaveLength(3);
  });

  it("POST /sms/receipts pushes a test receipt to the URL given", async () => {
    const response = await api().post("/sms/receipts", { url: receiverUrl });
    const id = obj(response.body.data).message_id;
    await eventually(() => {
      expect(pushes.map((push) => push.form.get("messageid"))).toEqual([id]);
    });
  });
});
