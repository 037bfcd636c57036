// POST /v3/mms/send, /v3/mms/price and /v3/uploads?convert=mms (clicksend-api.md §2.4–2.6).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  SANDBOX_API_KEY,
  SANDBOX_USERNAME,
  startSandbox,
  TEST_ACCOUNT_API_KEY,
  type Sandbox,
} from "./server.ts";
import {
  anyNumber,
  anyString,
  basic,
  client,
  keys,
  matching,
  messagesOf,
  obj,
  sorted,
  str,
  UUID_UPPER,
  type ApiResponse,
  type JsonObject,
} from "./testing.ts";

let clock = Date.UTC(2026, 10, 24, 12, 0, 0);
const nowSeconds = (): number => Math.floor(clock / 1000);
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => clock });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

const api = () => client(sandbox);
const JPG = "https://example.com/images/photo.jpg";
const MMS_KEYS = sorted([
  "to",
  "subject",
  "from",
  "body",
  "country",
  "custom_string",
  "schedule",
  "message_id",
  "message_parts",
  "message_price",
  "_media_file_url",
  "list_id",
  "contact_id",
  "status",
]);
const MMS_MINIMAL_KEYS = sorted([
  "to",
  "subject",
  "body",
  "from",
  "schedule",
  "message_id",
  "custom_string",
  "status",
]);

const sendMms = (mediaFile: unknown, messages: JsonObject[]): Promise<ApiResponse> =>
  api().post("/mms/send", { media_file: mediaFile, messages });

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(100),
]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100)]);

async function uploadMms(bytes: Buffer): Promise<ApiResponse> {
  const response = await fetch(`${sandbox.url}/uploads?convert=mms`, {
    method: "POST",
    headers: {
      authorization: basic(SANDBOX_USERNAME, SANDBOX_API_KEY),
      "content-type": "application/json",
    },
    body: JSON.stringify({ content: bytes.toString("base64") }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as ApiResponse["body"],
  };
}

describe("POST /v3/mms/send", () => {
  it("answers the documented shape, charges per message and keeps schedule empty when immediate", async () => {
    const response = await sendMms(JPG, [
      { to: "+61412345678", subject: "Hello", body: "see this", custom_string: "m-1" },
    ]);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      http_code: 200,
      response_code: "SUCCESS",
      response_msg: "Messages queued for delivery.",
    });
    const data = obj(response.body.data);
    expect(keys(data)).toEqual(
      sorted(["total_price", "total_count", "queued_count", "messages", "_currency"]),
    );
    expect(data).toMatchObject({ total_price: 0.44, total_count: 1, queued_count: 1 });
    const [message] = messagesOf(response);
    expect(keys(message)).toEqual(MMS_KEYS);
    expect(message).toEqual({
      to: "+61412345678",
      subject: "Hello",
      from: anyString,
      body: "see this",
      country: "AU",
      custom_string: "m-1",
      schedule: "",
      message_id: matching(UUID_UPPER),
      message_parts: 1,
      message_price: "0.4400",
      _media_file_url: JPG,
      list_id: null,
      contact_id: null,
      status: "SUCCESS",
    });
    expect(sandbox.state.accounts.get(SANDBOX_USERNAME)).toMatchObject({
      balanceMicros: 24_560_000,
      mmsSent: 1,
    });
  });

  it("echoes a future schedule and charges test numbers nothing", async () => {
    const at = nowSeconds() + 600;
    const response = await sendMms("https://example.com/a.GIF?size=small", [
      { to: "+61411111111", subject: "s", body: "b", schedule: at },
    ]);
    expect(messagesOf(response)[0]).toMatchObject({
      status: "SUCCESS",
      schedule: at,
      message_parts: 0,
      message_price: "0.0000",
    });
    expect(obj(response.body.data).total_price).toBe(0);
  });

  it.each([
    ["SUBJECT_REQUIRED", JPG, { to: "+61412345678", body: "b" }],
    ["SUBJECT_REQUIRED", JPG, { to: "+61412345678", subject: "   ", body: "b" }],
    ["SUBJECT_REQUIRED", JPG, { to: "+61412345678", subject: "x".repeat(21), body: "b" }],
    ["INVALID_MEDIA_FILE", undefined, { to: "+61412345678", subject: "s", body: "b" }],
    [
      "INVALID_MEDIA_FILE",
      "https://example.com/a.png",
      { to: "+61412345678", subject: "s", body: "b" },
    ],
    [
      "INVALID_MEDIA_FILE",
      "https://example.com/a.jpeg",
      { to: "+61412345678", subject: "s", body: "b" },
    ],
    [
      "INVALID_MEDIA_FILE",
      "ftp://example.com/a.jpg",
      { to: "+61412345678", subject: "s", body: "b" },
    ],
    ["INVALID_MEDIA_FILE", "not a url", { to: "+61412345678", subject: "s", body: "b" }],
    ["EMPTY_MESSAGE", JPG, { to: "+61412345678", subject: "s", body: "" }],
    ["INVALID_RECIPIENT", JPG, { to: "12", subject: "s", body: "b" }],
    ["INVALID_SENDER_ID", JPG, { to: "+61412345678", subject: "s", body: "b", from: "MyBiz" }],
    ["INVALID_SCHEDULE", JPG, { to: "+61412345678", subject: "s", body: "b", schedule: "soon" }],
  ])("answers %s per message with the minimal shape", async (status, media, message) => {
    const response = await sendMms(media, [message]);
    expect(response.status).toBe(200);
    const [result] = messagesOf(response);
    expect(keys(result)).toEqual(MMS_MINIMAL_KEYS);
    expect(result).toMatchObject({ status, schedule: "" });
    expect(obj(response.body.data)).toMatchObject({ queued_count: 0, total_price: 0 });
    expect(sandbox.state.messages).toHaveLength(0);
  });

  it("accepts a subject of exactly 20 characters", async () => {
    const response = await sendMms(JPG, [
      { to: "+61412345678", subject: "x".repeat(20), body: "b" },
    ]);
    expect(messagesOf(response)[0]?.status).toBe("SUCCESS");
  });

  it("blocks a country that is not enabled and a sender without credit", async () => {
    const blocked = messagesOf(
      await sendMms(JPG, [{ to: "+33612345678", subject: "s", body: "b" }]),
    )[0];
    expect(keys(blocked)).toEqual(MMS_KEYS);
    expect(blocked).toMatchObject({
      status: "COUNTRY_NOT_ENABLED",
      message_parts: 0,
      message_price: "0.0000",
    });
    const poor = await client(sandbox, "nocredit", TEST_ACCOUNT_API_KEY).post("/mms/send", {
      media_file: JPG,
      messages: [{ to: "+61412345678", subject: "s", body: "b" }],
    });
    expect(messagesOf(poor)[0]?.status).toBe("INSUFFICIENT_CREDIT");
  });

  it("truncates long bodies instead of splitting them: 1500 GSM, 500 Unicode", async () => {
    const response = await sendMms(JPG, [
      { to: "+61412345678", subject: "s", body: "a".repeat(1600) },
      { to: "+61412345678", subject: "s", body: "ж".repeat(600) },
    ]);
    const [gsm, unicode] = messagesOf(response);
    expect(str(gsm?.body)).toHaveLength(1500);
    expect(str(unicode?.body)).toHaveLength(500);
    expect(gsm?.message_parts).toBe(1);
  });

  it("refuses more than 1000 messages", async () => {
    const messages = Array.from({ length: 1001 }, () => ({
      to: "+61411111111",
      subject: "s",
      body: "b",
    }));
    const response = await sendMms(JPG, messages);
    expect(response.status).toBe(400);
    expect(response.body.response_code).toBe("TOO_MANY_RECIPIENTS");
  });
});

describe("POST /v3/mms/price", () => {
  it("prices like a send without sending or charging", async () => {
    const response = await api().post("/mms/price", {
      media_file: JPG,
      messages: [
        { to: "+61412345678", subject: "s", body: "b" },
        { to: "+12025550123", subject: "s", body: "b" },
      ],
    });
    expect(obj(response.body.data)).toMatchObject({
      total_price: 0.605,
      total_count: 2,
      queued_count: 2,
    });
    expect(messagesOf(response).map((message) => message.message_price)).toEqual([
      "0.4400",
      "0.1650",
    ]);
    expect(messagesOf(response)[0]?.message_id).toBe("");
    expect(sandbox.state.messages).toHaveLength(0);
    expect(sandbox.state.accounts.get(SANDBOX_USERNAME)?.balanceMicros).toBe(25_000_000);
  });
});

describe("POST /v3/uploads?convert=mms", () => {
  it("stores an image, serves it back and makes its URL valid media", async () => {
    const response = await uploadMms(PNG);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      http_code: 200,
      response_code: "SUCCESS",
      response_msg: "Your file has been uploaded.",
    });
    const data = obj(response.body.data);
    expect(keys(data)).toEqual(
      sorted(["_url", "date_added", "date_delete", "file_name", "upload_id", "user_id"]),
    );
    expect(data).toMatchObject({
      date_added: nowSeconds(),
      date_delete: nowSeconds() + 600,
      file_name: matching(/^[0-9A-F-]{36}\.jpg$/),
      upload_id: 1,
      user_id: anyNumber,
    });
    expect(data._url).toBe(`${sandbox.origin}/uploads/${str(data.file_name)}`);

    const served = await fetch(str(data._url));
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    const sent = await sendMms(data._url, [{ to: "+61412345678", subject: "s", body: "b" }]);
    expect(messagesOf(sent)[0]?.status).toBe("SUCCESS");
  });

  it("expires uploads after 10 minutes", async () => {
    const data = obj((await uploadMms(JPEG)).body.data);
    clock += 600_000;
    expect((await fetch(str(data._url))).status).toBe(404);
    const sent = await sendMms(data._url, [{ to: "+61412345678", subject: "s", body: "b" }]);
    expect(messagesOf(sent)[0]?.status).toBe("INVALID_MEDIA_FILE");
  });

  it("refuses images over 250 kB and files that are not images", async () => {
    const big = Buffer.concat([JPEG, Buffer.alloc(250 * 1024)]);
    const tooBig = await uploadMms(big);
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toMatchObject({ response_code: "BAD_REQUEST", data: null });
    const exactly = Buffer.concat([JPEG, Buffer.alloc(250 * 1024 - JPEG.length)]);
    expect((await uploadMms(exactly)).status).toBe(200);
    expect((await uploadMms(Buffer.from("hello, not an image"))).status).toBe(400);
  });

  it("requires convert and base64 content", async () => {
    const missingConvert = await api().post("/uploads", { content: JPEG.toString("base64") });
    expect(missingConvert.status).toBe(400);
    const bodyConvert = await api().post("/uploads", {
      content: JPEG.toString("base64"),
      convert: "mms",
    });
    expect(bodyConvert.status).toBe(200);
    expect((await api().post("/uploads", { convert: "mms" })).status).toBe(400);
    expect((await api().post("/uploads", { content: "!!!", convert: "mms" })).status).toBe(400);
  });

  it("answers a clear 400 for multipart uploads", async () => {
    const form = new FormData();
    form.append("file", new Blob([JPEG]), "a.jpg");
    const response = await fetch(`${sandbox.url}/uploads?convert=mms`, {
      method: "POST",
      headers: {
        authorization: basic(SANDBOX_USERNAME, SANDBOX_API_KEY),
      },
      body: form,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { response_msg: string }).response_msg).toMatch(/multipart/);
  });
});
