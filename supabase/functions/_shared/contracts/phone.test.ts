import { describe, expect, it } from "vitest";
import { toE164 } from "./phone.ts";

const e164 = (input: string, country: string): string | undefined => {
  const result = toE164(input, country);
  return result.ok ? result.e164 : undefined;
};

describe("toE164", () => {
  it("reads Australian national numbers in AU", () => {
    expect(e164("0412 345 678", "AU")).toBe("+61412345678");
    expect(e164("(02) 9999 9999", "AU")).toBe("+61299999999");
    expect(e164("+61 411 111 111", "AU")).toBe("+61411111111");
  });

  it("reads UK national numbers in GB", () => {
    expect(e164("07400 123456", "GB")).toBe("+447400123456");
    expect(e164("020 7946 0018", "GB")).toBe("+442079460018");
    expect(e164("+44 7777 777777", "AU")).toBe("+447777777777");
  });

  it("reads US national numbers in US", () => {
    expect(e164("(415) 555-2671", "US")).toBe("+14155552671");
    expect(e164("415.555.2671", "US")).toBe("+14155552671");
    expect(e164("+1 405 555 5555", "AU")).toBe("+14055555555");
  });

  it("never turns an Australian mobile into a US number", () => {
    const result = toE164("0412345678", "US");
    expect(result).toEqual({
      ok: false,
      input: "0412345678",
      reason: "is not a valid phone number in US",
    });
  });

  it("keeps an explicit +country code whatever the default country", () => {
    expect(e164("+61412345678", "US")).toBe("+61412345678");
  });

  it("rejects text, too-short numbers and a missing default country", () => {
    expect(toE164("call me", "AU").ok).toBe(false);
    expect(toE164("12", "AU").ok).toBe(false);
    expect(toE164("0412345678", "")).toMatchObject({
      ok: false,
      reason: "has no +country code and no valid default country was given",
    });
  });
});
