import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { StoredReceipt } from "@/features/messages/api/get-stored-receipts";
import { ReceiptRow, summariseStored } from "@/features/messages/components/history/receipt-row";
import {
  describeStatus,
  describeStoredStatus,
  RECEIPT_FILTERS,
} from "@/features/messages/utils/status";

// A recipient refused by the guardrails is stored in clicksend_messages with that status, price 0
// and no ClickSend message id: the history must say what happened in words, not as ClickSend's.

function stored(status: string): StoredReceipt {
  return {
    id: "m0000000-0000-4000-8000-000000000001",
    message_id: null,
    channel: "sms",
    recipient: "+61412345678",
    body_excerpt: "Your order has shipped.",
    body_length: 23,
    agent_id: null,
    agent_name: null,
    status,
    status_code: null,
    status_text: null,
    error_code: null,
    error_text: null,
    created_at: "2026-03-12T10:04:00.000Z",
    status_updated_at: null,
    receipts: 0,
  };
}

describe("history statuses of recipients refused before ClickSend", () => {
  it.each([
    ["OPTED_OUT", "Opted out — not sent"],
    ["RECIPIENT_NOT_ALLOWED", "Not an allowed recipient — not sent"],
    ["COUNTRY_NOT_ALLOWED", "Country not allowed — not sent"],
  ])("%s reads as %s, a warning, never as ClickSend's refusal", (status, label) => {
    expect(describeStoredStatus(status, null)).toEqual({ label, tone: "warning" });
    expect(describeStatus(status, null)).toEqual({ label, tone: "warning" });
  });

  it("a ClickSend refusal still reads as ClickSend's", () => {
    expect(describeStoredStatus("INSUFFICIENT_CREDIT", null).label).toBe(
      "Refused by ClickSend (INSUFFICIENT_CREDIT)",
    );
  });

  it("the Delivery receipts row says it was not sent and why", () => {
    render(<ReceiptRow connectionId="c1" summary={summariseStored(stored("OPTED_OUT"))} />);
    const row = screen.getByRole("listitem", { name: "+61412345678: Opted out — not sent" });
    expect(row).toHaveTextContent("Not sent, refused");
    expect(row).not.toHaveTextContent(/\bSent\b/);
    expect(row).toHaveTextContent("This person asked not to be texted");
  });

  it("'No receipt yet' leaves them out: they will never get one", () => {
    const none = RECEIPT_FILTERS.find((filter) => filter.value === "none");
    expect(none && "excludeStatuses" in none ? none.excludeStatuses : []).toEqual([
      "OPTED_OUT",
      "RECIPIENT_NOT_ALLOWED",
      "COUNTRY_NOT_ALLOWED",
    ]);
  });
});
