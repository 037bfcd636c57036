// Moves accepted messages along: scheduled → queued at their time, then the receipts of their
// delivery plan (SMS) or a final history status (MMS, which has no receipts here).
import type { SandboxContext } from "./context.ts";
import { deliveryPlan } from "./delivery.ts";
import { applyReceipt } from "./receipts.ts";
import type { StoredMessage } from "./state.ts";

export function scheduleDelivery(
  ctx: SandboxContext,
  message: StoredMessage,
  scheduled: boolean,
): void {
  if (message.testNumber) return; // never delivered, never a receipt
  if (!scheduled) {
    dispatch(ctx, message, ctx.now());
    return;
  }
  const sendAt = message.schedule * 1000;
  ctx.scheduler.at(sendAt, () => {
    if (message.status !== "Scheduled") return; // cancelled meanwhile
    message.status = "Queued";
    dispatch(ctx, message, sendAt);
  });
}

function dispatch(ctx: SandboxContext, message: StoredMessage, sentAt: number): void {
  const plan = deliveryPlan(message.to);
  if (message.kind === "mms") {
    const failed = plan.at(-1)?.statusCode === 301;
    ctx.scheduler.at(sentAt, () => {
      message.status = failed ? "Failed" : "Sent";
      message.statusCode = failed ? "301" : "200";
      message.statusText = failed ? "Unable to process your MMS for sending." : "Sent";
    });
    return;
  }
  for (const step of plan) {
    const at = sentAt + (step.delayed ? ctx.receiptDelayMs : 0);
    ctx.scheduler.at(at, () => {
      applyReceipt(ctx, message, step, Math.floor(at / 1000));
    });
  }
}
