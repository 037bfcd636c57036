import { describe, expect, it } from "vitest";
import {
  DEFAULT_COUNTRY,
  connectionRowSchema,
  countryOf,
  metadataObject,
  parseConnectionMetadata,
  repliesMode,
  updateBodySchema,
} from "./connection-schemas.ts";

const empty = {
  default_sender_id: null,
  account_country: null,
  currency: null,
  receipt_rule_id: null,
  inbound_rule_id: null,
  inbound_poll_rule_id: null,
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
        inbound_rule_id: 43,
        inbound_poll_rule_id: 44,
      }),
    ).toEqual({
      default_sender_id: "Acme",
      account_country: "GB",
      currency: "GBP",
      receipt_rule_id: 42,
      inbound_rule_id: 43,
      inbound_poll_rule_id: 44,
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
        inbound_rule_id: "8",
        inbound_poll_rule_id: true,
      }),
    ).toEqual(empty);
    expect(
      parseConnectionMetadata({ account_country: "NZ", receipt_rule_id: 1.5, inbound_rule_id: 9 }),
    ).toEqual({ ...empty, account_country: "NZ", inbound_rule_id: 9 });
  });
});

describe("repliesMode", () => {
  it.each([
    [{ inbound_rule_id: 1, inbound_poll_rule_id: 2 }, "push"],
    [{ inbound_rule_id: 1 }, "push"],
    [{ inbound_poll_rule_id: 2 }, "poll"],
    [{ receipt_rule_id: 3 }, "off"],
    [null, "off"],
  ])("reads %j as %s", (metadata, mode) => {
    expect(repliesMode(parseConnectionMetadata(metadata))).toBe(mode);
  });
});

describe("updateBodySchema", () => {
  const id = "0b7e1c52-7d0a-4c59-9a51-3d2f6f1a9e01";

  it("takes enable_replies: true as a change on its own", () => {
    expect(updateBodySchema.parse({ connection_id: id, enable_replies: true })).toEqual({
      connection_id: id,
      enable_replies: true,
    });
  });

  it("refuses enable_replies other than true, and a body that changes nothing", () => {
    expect(updateBodySchema.safeParse({ connection_id: id, enable_replies: false }).success).toBe(
      false,
    );
    const nothing = updateBodySchema.safeParse({ connection_id: id });
    expect(nothing.success).toBe(false);
    expect(nothing.error?.issues[0]?.message).toBe(
      "send api_key, connection_name, default_sender_id or enable_replies to change",
    );
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

describe("connectionRowSchema", () => {
  const row = {
    id: "c-1",
    connection_name: "Support line",
    external_username: "sandbox_user",
    connection_status: "active",
    credential_hint: "89AB",
    connection_metadata: { default_sender_id: "Acme", account_country: "NZ", receipts: "push" },
    created_at: "2025-09-01T10:00:00Z",
    updated_at: "2025-09-01T10:00:00Z",
  };

  it("is the view clicksend-connect returns, plus the country for national numbers and how replies arrive", () => {
    const { connection_metadata: _metadata, ...columns } = row;
    expect(connectionRowSchema.parse(row)).toEqual({
      ...columns,
      default_sender_id: "Acme",
      default_country: "NZ",
      replies_mode: "off",
    });
    const pushed = { ...row.connection_metadata, inbound_rule_id: 32, inbound_poll_rule_id: 33 };
    expect(connectionRowSchema.parse({ ...row, connection_metadata: pushed })).toMatchObject({
      replies_mode: "push",
    });
    const polled = { ...row.connection_metadata, inbound_rule_id: null, inbound_poll_rule_id: 33 };
    expect(connectionRowSchema.parse({ ...row, connection_metadata: polled })).toMatchObject({
      replies_mode: "poll",
    });
  });

  it("reads a connection without usable metadata with no sender and the default country", () => {
    expect(connectionRowSchema.parse({ ...row, connection_metadata: null })).toMatchObject({
      default_sender_id: null,
      default_country: DEFAULT_COUNTRY,
    });
  });

  it("refuses a row whose columns are not a connection's", () => {
    expect(connectionRowSchema.safeParse({ ...row, connection_status: "paused" }).success).toBe(
      false,
    );
  });
});
