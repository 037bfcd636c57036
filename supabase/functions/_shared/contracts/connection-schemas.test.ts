import { describe, expect, it } from "vitest";
import {
  DEFAULT_COUNTRY,
  countryOf,
  metadataObject,
  parseConnectionMetadata,
} from "./connection-schemas.ts";

const empty = {
  default_sender_id: null,
  account_country: null,
  currency: null,
  receipt_rule_id: null,
};

describe("parseConnectionMetadata", () => {
  it("reads the fields a connect stores", () => {
    expect(
      parseConnectionMetadata({
        default_sender_id: "Acme",
        account_country: "GB",
        currency: "GBP",
        receipt_rule_id: 42,
        receipts: "push",
      }),
    ).toEqual({
      default_sender_id: "Acme",
      account_country: "GB",
      currency: "GBP",
      receipt_rule_id: 42,
    });
  });

  it("reads anything but a JSON object as no metadata", () => {
    for (const value of [null, "x", 3, true, ["a"]]) {
      expect(parseConnectionMetadata(value)).toEqual(empty);
    }
  });

  it("reads a missing or malformed field as null without losing the others", () => {
    expect(
      parseConnectionMetadata({
        default_sender_id: "",
        account_country: "australia",
        currency: 5,
        receipt_rule_id: "7",
      }),
    ).toEqual(empty);
    expect(parseConnectionMetadata({ account_country: "NZ", receipt_rule_id: 1.5 })).toEqual({
      ...empty,
      account_country: "NZ",
    });
  });
});

describe("countryOf", () => {
  it("is the account's country, else the default", () => {
    expect(countryOf(parseConnectionMetadata({ account_country: "US" }))).toBe("US");
    expect(countryOf(parseConnectionMetadata({}))).toBe(DEFAULT_COUNTRY);
    expect(DEFAULT_COUNTRY).toBe("AU");
  });
});

describe("metadataObject", () => {
  it("keeps every key of an object, so a write can merge into it", () => {
    expect(metadataObject({ a: 1, receipts: "poll" })).toEqual({ a: 1, receipts: "poll" });
    expect(metadataObject([1])).toEqual({});
    expect(metadataObject(null)).toEqual({});
  });
});
