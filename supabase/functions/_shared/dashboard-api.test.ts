// The dashboard's send_mms media_url rule: a public https URL, or one on the ClickSend API's own
// origin (the local sandbox's uploads), refused with 400 before the database is touched.
import { describe, expect, it } from "vitest";
import { createTestClient } from "../../../local/gateway/testing.ts";
import { apiBodySchema, type ApiBody } from "./contracts/function-requests.ts";
import { runDashboardAction } from "./dashboard-api.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";
import type { Db } from "./supabase.ts";

const SANDBOX_BASE = "http://127.0.0.1:54330/v3";
const env: FunctionEnv = {
  SUPABASE_URL: "http://127.0.0.1:54321",
  SUPABASE_ANON_KEY: "anon",
  SUPABASE_SERVICE_ROLE_KEY: "service",
  CLICKSEND_API_BASE: SANDBOX_BASE,
};
const CONNECTION = "12345678-1234-4567-8901-123456789012";

/** A service client whose every request is recorded and fails: "did the action use the database?" */
function fakeDb(): { db: Db; used: () => boolean } {
  let used = false;
  const db = createTestClient(env.SUPABASE_URL, env.SUPABASE_SERVICE_ROLE_KEY, {
    global: {
      fetch: () => {
        used = true;
        return Promise.reject(new Error("the action reached the database"));
      },
    },
  });
  return { db, used: () => used };
}

function sendMms(mediaUrl: string): ApiBody {
  return apiBodySchema.parse({
    connection_id: CONNECTION,
    action: "send_mms",
    params: {
      to: ["+61411111111"],
      subject: "Hi",
      body: "Look",
      media_url: mediaUrl,
      idempotency_key: "order-1",
    },
  });
}

describe("dashboard send_mms media_url", () => {
  it("takes any http(s) URL by shape in the body; the action decides", () => {
    expect(() => sendMms("http://127.0.0.1:54330/uploads/a.jpg")).not.toThrow();
    expect(() => sendMms("not a url")).toThrow();
    expect(() => sendMms("javascript:alert(1)")).toThrow();
  });

  it.each([
    ["http://example.com/a.jpg", "Only https:// URLs are accepted, not http:."],
    [
      "https://127.0.0.1/a.jpg",
      "127.0.0.1 is a loopback address; the image must be on a public host.",
    ],
    ["http://127.0.0.1:54331/uploads/a.jpg", "Only https:// URLs are accepted, not http:."],
    [
      "https://localhost/a.jpg",
      "localhost is in the special-use domain .localhost; the image must be on a public host.",
    ],
    ["https://[::1]/a.jpg", "[::1] is a loopback address; the image must be on a public host."],
    [
      "https://10.0.0.1/a.jpg",
      "10.0.0.1 is a private address; the image must be on a public host.",
    ],
    ["https://user:pw@example.com/a.jpg", "The URL must not contain a user name or password."],
    [
      "https://intranet/a.jpg",
      "intranet is a single-label (intranet) name, not a public domain; the image must be on a public host.",
    ],
  ])("refuses %s with 400 before the database", async (url, reason) => {
    const { db, used } = fakeDb();
    const error: unknown = await runDashboardAction(env, db, "user-1", sendMms(url)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: "invalid_request",
      message: `params.media_url: ${reason}`,
    });
    expect(used()).toBe(false);
  });

  it.each(["http://127.0.0.1:54330/uploads/abc.jpg", "https://example.com/a.jpg"])(
    "lets %s through to the send (it reaches the database)",
    async (url) => {
      const { db, used } = fakeDb();
      const error: unknown = await runDashboardAction(env, db, "user-1", sendMms(url)).catch(
        (caught: unknown) => caught,
      );
      expect(error).not.toMatchObject({ status: 400 });
      expect(used()).toBe(true);
    },
  );

  it("with the real ClickSend, only the public rule remains", async () => {
    const real = { ...env, CLICKSEND_API_BASE: "https://rest.clicksend.com/v3" };
    const { db, used } = fakeDb();
    await expect(
      runDashboardAction(real, db, "user-1", sendMms("http://127.0.0.1:54330/uploads/a.jpg")),
    ).rejects.toMatchObject({ status: 400, code: "invalid_request" });
    expect(used()).toBe(false);
  });
});
