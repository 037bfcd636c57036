// The catalog is the single source for tools: it must equal the capability rows and scopes the
// migrations create, and every tool's parameters must be a closed JSON Schema object.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyAll } from "../../../../local/db/apply.ts";
import { openEmbedded, type EmbeddedDatabase } from "../../../../local/db/embedded.ts";
import { SCOPES } from "./scopes.ts";
import {
  TOOL_CATALOG,
  toolArgumentSchemas,
  toolParameters,
  toolsForScopes,
} from "./tool-catalog.ts";

let db: EmbeddedDatabase;

beforeAll(async () => {
  db = await openEmbedded();
  await applyAll(db);
}, 120_000);

afterAll(async () => {
  await db.close();
});

describe("tool catalog", () => {
  it("equals the ClickSend capability rows: name, label, order and required scope", async () => {
    const rows = await db.query<{
      capability_key: string;
      display_label: string;
      display_order: number;
      required_scope: string;
    }>(
      `select ic.capability_key, ic.display_label, ic.display_order, ic.required_scope
         from public.integration_capabilities ic
         join public.service_providers sp on sp.id = ic.integration_id
        where sp.name = 'clicksend_sms' order by ic.display_order`,
    );
    expect(rows).toEqual(
      TOOL_CATALOG.map((tool) => ({
        capability_key: tool.name,
        display_label: tool.label,
        display_order: tool.displayOrder,
        required_scope: tool.scope,
      })),
    );
  });

  it("uses exactly the provider's scopes", async () => {
    const [row] = await db.query<{ scopes: string[] }>(
      "select scopes_supported as scopes from public.service_providers where name = 'clicksend_sms'",
    );
    expect(row?.scopes).toEqual([...SCOPES]);
  });

  it("has an argument schema for every tool and no other", () => {
    expect(Object.keys(toolArgumentSchemas).sort()).toEqual(
      TOOL_CATALOG.map((tool) => tool.name).sort(),
    );
  });

  it("describes every tool's parameters as a closed JSON Schema object", () => {
    for (const tool of TOOL_CATALOG) {
      const parameters = toolParameters(tool.name);
      expect(parameters).toMatchObject({ type: "object", additionalProperties: false });
      expect(parameters).not.toHaveProperty("$schema");
    }
    expect(toolParameters("clicksend_send_sms")).toMatchObject({ required: ["to", "body"] });
  });

  it("offers only the tools of the granted scopes, in catalog order", () => {
    expect(toolsForScopes(["sms"]).map((tool) => tool.function.name)).toEqual([
      "clicksend_send_sms",
    ]);
    expect(toolsForScopes(["history", "balance"]).map((tool) => tool.function.name)).toEqual([
      "clicksend_get_balance",
      "clicksend_get_sms_history",
      "clicksend_get_mms_history",
    ]);
    expect(toolsForScopes([])).toEqual([]);
  });

  it("rejects unknown argument keys and out-of-range history limits", () => {
    expect(toolArgumentSchemas.clicksend_get_balance.safeParse({ extra: 1 }).success).toBe(false);
    expect(toolArgumentSchemas.clicksend_get_sms_history.safeParse({ limit: 1000 }).success).toBe(
      false,
    );
    expect(
      toolArgumentSchemas.clicksend_send_mms.safeParse({
        to: ["+61411111111"],
        subject: "x".repeat(21),
        body: "b",
        media_url: "https://e.x/a.jpg",
      }).success,
    ).toBe(false);
  });

  describe("clicksend_send_mms media_url: https to a public host only", () => {
    const mms = (media_url: string) =>
      toolArgumentSchemas.clicksend_send_mms.safeParse({
        to: ["+61411111111"],
        subject: "Hi",
        body: "Look",
        media_url,
      });

    it("accepts public https URLs, example.com included (a real, registered domain)", () => {
      for (const url of [
        "https://example.com/a.jpg",
        "https://media.example.org/pictures/a.gif?v=2",
        "https://8.8.8.8/a.jpg",
      ])
        expect(mms(url).success, url).toBe(true);
    });

    it.each([
      ["http://example.com/a.jpg", "Only https:// URLs are accepted, not http:."],
      ["ftp://example.com/a.jpg", "Only https:// URLs are accepted, not ftp:."],
      ["https://user:pw@example.com/a.jpg", "The URL must not contain a user name or password."],
      [
        "https://127.0.0.1/a.jpg",
        "127.0.0.1 is a loopback address; the image must be on a public host.",
      ],
      [
        "https://2130706433/a.jpg",
        "127.0.0.1 is a loopback address; the image must be on a public host.",
      ],
      ["https://[::1]/a.jpg", "[::1] is a loopback address; the image must be on a public host."],
      [
        "https://10.0.0.1/a.jpg",
        "10.0.0.1 is a private address; the image must be on a public host.",
      ],
      [
        "https://localhost/a.jpg",
        "localhost is in the special-use domain .localhost; the image must be on a public host.",
      ],
      [
        "https://intranet/a.jpg",
        "intranet is a single-label (intranet) name, not a public domain; the image must be on a public host.",
      ],
    ])("refuses %s, saying why", (url, message) => {
      const parsed = mms(url);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]).toMatchObject({ path: ["media_url"], message });
    });

    it("keeps a plain, valid JSON Schema for agents: a string URI, described in words", () => {
      const parameters = toolParameters("clicksend_send_mms") as {
        properties: Record<string, unknown>;
        required: string[];
      };
      expect(parameters.properties.media_url).toEqual({
        type: "string",
        format: "uri",
        description:
          "Public HTTPS URL of one JPG or GIF image up to 250 kB; the same image goes to every recipient.",
      });
      expect(parameters.required).toContain("media_url");
      expect(JSON.parse(JSON.stringify(parameters))).toEqual(parameters);
    });
  });
});
