import fc from "fast-check";
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

  it("masks an agent token written anywhere, not only after Bearer", () => {
    const token = "csa_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd";
    expect(redactText(`token=${token}; header Bearer ${token}`)).toBe(
      "token=csa_[redacted]; header Bearer csa_[redacted]",
    );
    expect(redactValue({ note: `use ${token}` })).toEqual({ note: "use csa_[redacted]" });
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

describe("redaction keeps UUIDs whole", () => {
  it("leaves UUIDs whose groups are all digits, in any case and anywhere in a sentence", () => {
    for (const id of [
      "12345678-1234-4567-8901-123456789012",
      "00000000-0000-0000-0000-000000000000",
      "A1B2C3D4-1234-4567-8901-123456789012",
      "1ABC3200-C38C-6308-BE4B-C7C51D01DCF0",
      "4a2b8c1d-0987-4654-3210-987654321098",
    ]) {
      expect(redactText(id)).toBe(id);
      expect(redactText(`connection ${id} refused`)).toBe(`connection ${id} refused`);
      expect(redactText(`(${id})`)).toBe(`(${id})`);
      expect(redactText(`id=${id}, next`)).toBe(`id=${id}, next`);
    }
  });

  it("still masks phone numbers next to a UUID, in parentheses, with spaces, dots and dashes", () => {
    const id = "12345678-1234-4567-8901-123456789012";
    expect(redactText(`${id} +61411111234`)).toBe(`${id} +61••••••234`);
    expect(redactText(`+61411111234 ${id}`)).toBe(`+61••••••234 ${id}`);
    expect(redactText(`sent to 0412 345 678 on connection ${id}`)).toBe(
      `sent to 04•••••678 on connection ${id}`,
    );
    expect(redactText(`${id}: (02) 9876-5432 and 0412.345.678`)).toBe(
      `${id}: (02•••••432 and 04•••••678`,
    );
    expect(redactText(`${id}-0412-345-678`)).toBe(`${id}-04•••••678`);
    // Not a UUID (the first group has 10 digits): it is masked like any digit run.
    expect(redactText("0412345678-1234-4567-8901-123456789012")).not.toContain("0412345678");
  });

  it("masks a credential even when it is a UUID", () => {
    expect(redactText("Bearer 12345678-1234-4567-8901-123456789012")).toBe("Bearer [redacted]");
  });

  it("keeps UUIDs in values redacted deeply, as audit rows are", () => {
    const id = "12345678-1234-4567-8901-123456789012";
    expect(redactValue({ connection_id: id, note: `for ${id}` })).toEqual({
      connection_id: id,
      note: `for ${id}`,
    });
  });

  /** Any 8-4-4-4-12 hex string in mixed case, and RFC 4122 ones in either case. */
  const anyUuid = fc.oneof(
    fc.stringMatching(
      /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    ),
    fc.uuid().map((id) => id.toUpperCase()),
    fc.uuid(),
  );
  /** Text around a UUID: digits, phone punctuation and non-hex letters, none of them hex. */
  const around = fc.stringMatching(/^[0-9 +().xyz-]{0,30}$/);
  const phone = fc.stringMatching(/^\+61[0-9]{9}$/);

  it("property: any UUID survives redactText unchanged, alone or between other text", () => {
    fc.assert(
      fc.property(anyUuid, around, around, (id, before, after) => {
        expect(redactText(id)).toBe(id);
        expect(redactText(`${before} ${id} ${after}`)).toContain(` ${id} `);
      }),
    );
  });

  it("property: a phone number next to a UUID is masked and the UUID is kept", () => {
    fc.assert(
      fc.property(
        anyUuid,
        phone,
        fc.constantFrom(" ", ", ", " (", "-", ": "),
        (id, number, gap) => {
          for (const text of [`${id}${gap}${number}`, `${number}${gap}${id}`]) {
            const redacted = redactText(text);
            expect(redacted).toContain(id);
            expect(redacted).not.toContain(number);
            expect(redacted).toContain(redactPhone(number));
          }
        },
      ),
    );
  });
});
