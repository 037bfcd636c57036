import { describe, expect, it } from "vitest";
import { redactPhone, redactText, redactValue } from "./redact.ts";

const jwt =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.abcdefghijklmnopqrstuvwxyz012345";

describe("redaction", () => {
  it("masks a phone number but keeps country code and last three digits", () => {
    expect(redactPhone("+61411111234")).toBe("+61••••••234");
    expect(redactPhone("0412 345 678")).toBe("04•••••678");
  });

  it("removes JWTs, Basic and Bearer credentials and numbers from free text", () => {
    const text = `auth Bearer ${jwt} and Basic c2FuZGJveF91c2VyOkExQjJDM0Q0 sent to +61411111234`;
    const redacted = redactText(text);
    expect(redacted).not.toContain(jwt);
    expect(redacted).not.toContain("c2FuZGJveF91c2VyOkExQjJDM0Q0");
    expect(redacted).not.toContain("411111234");
    expect(redacted).toContain("+61••••••234");
  });

  it("reduces bodies to their length, masks recipients and drops keys in nested values", () => {
    const value = {
      to: ["+61411111234", "+447777777777"],
      body: "Your code is 123456",
      api_key: "A1B2C3D4-E5F6-4789-ABCD-0123456789AB",
      nested: { SUPABASE_SERVICE_ROLE_KEY: jwt, subject: "Hi there", limit: 15 },
    };
    expect(redactValue(value)).toEqual({
      to: ["+61••••••234", "+44•••••••777"],
      body: "[19 chars]",
      api_key: "[redacted]",
      nested: { SUPABASE_SERVICE_ROLE_KEY: "[redacted]", subject: "[8 chars]", limit: 15 },
    });
  });

  it("leaves ordinary identifiers alone", () => {
    expect(redactValue({ message_id: "1ABC3200-C38C-6308-BE4B-C7C51D01DCF0", page: 2 })).toEqual({
      message_id: "1ABC3200-C38C-6308-BE4B-C7C51D01DCF0",
      page: 2,
    });
  });
});
