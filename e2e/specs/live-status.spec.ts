// Issue 13, point 1: statuses refresh by themselves. A message sent from the composer turns
// "Delivered" in SMS history without a click once the sandbox's receipt reaches the app's webhook,
// ClickSend's history is asked again once, and the open page then asks ClickSend (clicksend-api)
// at most twice a minute.
import { expect, test } from "../fixtures.ts";
import { connectSandbox, dismissToasts, newEmail, openPage, signUp } from "./helpers.ts";

// Not one of ClickSend's free test numbers: this message is charged and gets delivery receipts.
const RECIPIENT = "+61412345678";

test("history shows a delivery receipt without a click, asking ClickSend at most twice a minute", async ({
  page,
}) => {
  // The browser's clock is ours to move on, so the 30 s between ClickSend refreshes pass at once.
  await page.clock.install();
  const clickSendActions: string[] = [];
  page.on("request", (request) => {
    if (request.method() !== "POST" || !request.url().includes("/functions/v1/clicksend-api")) {
      return;
    }
    const payload: unknown = request.postDataJSON();
    const action =
      typeof payload === "object" && payload !== null && "action" in payload
        ? String(payload.action)
        : "unknown";
    clickSendActions.push(action);
  });

  await signUp(page, newEmail("live"));
  await connectSandbox(page);
  await openPage(page, "Messages");
  const history = page.getByRole("table", { name: /SMS history/ });

  const body = `Live status check (${String(Date.now())})`;
  const composer = page.getByRole("region", { name: "Send a message" });
  await composer.getByLabel("To").fill(RECIPIENT);
  await composer.getByLabel("Message").fill(body);
  await composer.getByRole("button", { name: "Send SMS" }).click();
  const row = history.getByRole("row").filter({ hasText: body });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await dismissToasts(page);

  // No Refresh, no reload: only the clock moves, 5 s at a time.
  const afterSend = clickSendActions.length;
  let waited = 0;
  await expect(async () => {
    await page.clock.fastForward(5_000);
    waited += 5_000;
    await expect(row).toContainText("Delivered to handset", { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  // Read from our own database, where the webhook stored it: no need to wait for ClickSend.
  expect(waited).toBeLessThanOrEqual(30_000);

  // ClickSend's history is asked again once, 30 s after the send's own refresh, and agrees.
  await expect(async () => {
    await page.clock.fastForward(5_000);
    await expect(page.getByText(/^Live · updated/)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(row).toContainText("Delivered to handset");
  expect(clickSendActions.slice(afterSend).sort()).toEqual(["get_balance", "get_sms_history"]);

  // An idle open dashboard for a minute.
  const idle = clickSendActions.length;
  for (let second = 0; second < 60; second += 10) {
    await page.clock.fastForward(10_000);
    // Let the page run what fell due (it only reads our own database).
    await page.waitForTimeout(300);
  }
  expect(clickSendActions.length - idle).toBeLessThanOrEqual(2);
});
