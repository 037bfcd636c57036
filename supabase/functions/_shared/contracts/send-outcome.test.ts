import { describe, expect, it } from "vitest";
import { ERROR_CODES, type ErrorCode } from "./errors.ts";
import { POLICY_REFUSAL_STATUSES } from "./guardrails.ts";
import { describeRecipientStatus, SEND_FAILURE_MAY_HAVE_SENT } from "./send-outcome.ts";
import { UNCONFIRMED_SEND_STATUS } from "./tool-catalog.ts";

// ClickSend's per-message refusals (clicksend-api.md §1.4), each of which a send can answer with.
const REFUSALS = [
  "INSUFFICIENT_CREDIT",
  "COUNTRY_NOT_ENABLED",
  "INVALID_RECIPIENT",
  "INVALID_SENDER_ID",
  "THROTTLED",
  "EMPTY_MESSAGE",
  "SUBJECT_REQUIRED",
  "INVALID_MEDIA_FILE",
  "INVALID_SCHEDULE",
  "TOO_MANY_RECIPIENTS",
  "ACCOUNT_NOT_ACTIVATED",
  "REGISTRATION_NEEDED",
  "NOT_ENOUGH_PERMISSION_TO_LIST_ID",
  "INTERNAL_ERROR",
  "SOMETHING_IS_WRONG",
];

describe("describeRecipientStatus", () => {
  it.each([
    ["SUCCESS", "sent", "Sent"],
    ["Scheduled", "scheduled", "Scheduled"],
    ["pending", "pending", "Waiting for ClickSend"],
    [UNCONFIRMED_SEND_STATUS, "unconfirmed", "Not confirmed"],
    ["NOT_RETURNED", "unconfirmed", "Not confirmed"],
    ["INSUFFICIENT_CREDIT", "refused", "Refused: not enough credit"],
  ])("%s is %s (%s)", (status, kind, label) => {
    expect(describeRecipientStatus(status)).toMatchObject({ kind, label });
  });

  it.each(REFUSALS)("%s is a refusal said in words, not in ClickSend's code", (status) => {
    const described = describeRecipientStatus(status);
    expect(described.kind).toBe("refused");
    expect(`${described.label} ${described.detail}`).not.toContain(status);
  });

  it("a receipt's word on a replayed row reads as sent, with what the receipt says", () => {
    expect(describeRecipientStatus("Sent")).toMatchObject({ kind: "sent", label: "Sent" });
    expect(describeRecipientStatus("Failed")).toMatchObject({ kind: "sent" });
    expect(describeRecipientStatus("Failed").detail).toContain('"Failed"');
    expect(describeRecipientStatus("pending").kind).toBe("pending");
  });

  it.each([
    ["OPTED_OUT", "Opted out — not sent", /asked not to be texted/],
    ["RECIPIENT_NOT_ALLOWED", "Not an allowed recipient — not sent", /only certain numbers/],
    ["COUNTRY_NOT_ALLOWED", "Country not allowed — not sent", /only certain countries/],
  ])("%s, refused by our own guardrails, reads as %s", (status, label, detail) => {
    const described = describeRecipientStatus(status);
    expect(described).toMatchObject({ kind: "refused", label });
    expect(described.detail).toMatch(detail);
    // Not ClickSend's refusal, and never its code.
    expect(`${described.label} ${described.detail}`).not.toMatch(/ClickSend code|_/);
  });

  it("describes every status the guardrails refuse a recipient with", () => {
    for (const status of POLICY_REFUSAL_STATUSES) {
      expect(describeRecipientStatus(status).label).toMatch(/— not sent$/);
    }
  });

  it("a code it does not know is still a refusal, shown with ClickSend's code", () => {
    expect(describeRecipientStatus("NEW_CODE")).toEqual({
      kind: "refused",
      label: "Refused: ClickSend code NEW_CODE",
      detail: "ClickSend did not send it.",
    });
  });
});

describe("SEND_FAILURE_MAY_HAVE_SENT", () => {
  it("places every error code, and only a failure after the request left may have sent", () => {
    const codes = Object.keys(ERROR_CODES) as ErrorCode[];
    expect(Object.keys(SEND_FAILURE_MAY_HAVE_SENT).sort()).toEqual([...codes].sort());
    expect(codes.filter((code) => SEND_FAILURE_MAY_HAVE_SENT[code]).sort()).toEqual([
      "database_error",
      "internal_error",
      "send_interrupted",
      "upstream_malformed",
      "upstream_timeout",
      "upstream_unavailable",
    ]);
  });
});
