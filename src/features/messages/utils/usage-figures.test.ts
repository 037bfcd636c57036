import { describe, expect, it } from "vitest";

import { UNCONFIRMED_SEND_STATUS } from "@/features/messages/utils/backend";
import {
  countMessage,
  successRate,
  type UsageFigure,
} from "@/features/messages/utils/usage-figures";

const PRICE = 0.0792;

// [what the row is, status, status_code, price, figure it counts in, what it cost]
const CASES: [string, string, string | null, number | null, UsageFigure, number][] = [
  ["delivered (receipt 201)", "Sent", "201", PRICE, "delivered", PRICE],
  ["delivered, receipt word", "Delivered", "201", PRICE, "delivered", PRICE],
  ["send accepted, receipt 201", "SUCCESS", "201", PRICE, "delivered", PRICE],
  ["failed (receipt 301)", "Failed", "301", PRICE, "failed", PRICE],
  ["failed (receipt 300)", "Failed", "300", PRICE, "failed", PRICE],
  ["failed (receipt 302)", "Failed", "302", PRICE, "failed", PRICE],
  ["failed word, no code", "Failed", null, PRICE, "failed", PRICE],
  ["refused: invalid recipient", "INVALID_RECIPIENT", null, 0, "failed", 0],
  ["refused: no credit", "INSUFFICIENT_CREDIT", null, null, "failed", 0],
  ["refused: country not enabled", "COUNTRY_NOT_ENABLED", null, 0, "failed", 0],
  ["refused: not in ClickSend's answer", "NOT_RETURNED", null, null, "failed", 0],
  ["accepted, no receipt", "SUCCESS", null, PRICE, "pending", PRICE],
  ["accepted, receipt 200", "Sent", "200", PRICE, "pending", PRICE],
  ["receipt without a code", "SUCCESS", "", PRICE, "pending", PRICE],
  ["scheduled", "Scheduled", null, PRICE, "pending", PRICE],
  ["held for review", "WaitApproval", null, PRICE, "pending", PRICE],
  ["queued", "Queued", null, PRICE, "pending", PRICE],
  ["MMS queued", "Queued:WaitSend", null, PRICE, "pending", PRICE],
  ["completed (test number)", "Completed", null, 0, "pending", 0],
  ["reserved, in flight", "pending", null, null, "pending", 0],
  ["never confirmed", UNCONFIRMED_SEND_STATUS, null, null, "pending", 0],
  ["cancelled (status_code 301)", "Cancelled", "301", PRICE, "cancelled", 0],
  ["cancelled, no code", "Cancelled", null, PRICE, "cancelled", 0],
  ["cancelled after review", "CancelledAfterReview", "301", PRICE, "cancelled", 0],
];

describe("countMessage", () => {
  it.each(CASES)("%s: %s / %s / %s → %s costing %s", (_, status, code, price, figure, cost) => {
    expect(countMessage({ status, status_code: code, price })).toEqual({ figure, cost });
  });
});

describe("successRate", () => {
  it.each([
    [{ delivered: 0, failed: 0 }, null],
    [{ delivered: 3, failed: 0 }, 1],
    [{ delivered: 0, failed: 2 }, 0],
    [{ delivered: 1, failed: 1 }, 0.5],
  ])("%o → %s", (figures, rate) => {
    expect(successRate(figures)).toBe(rate);
  });
});
