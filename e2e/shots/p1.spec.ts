// Issue 13, point 1: SMS history after a send from the composer, left alone (no Refresh, no
// reload) for up to 45 s while the sandbox's receipts reach the app's webhook. On the earlier
// commit the row still says "Sent to network"; now it turns "Delivered to handset" by itself.
import { expect, test } from "../fixtures.ts";
import { connectSandbox, dismissToasts, newEmail, openPage, signUp } from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

// Not one of ClickSend's free test numbers: this message is charged and gets delivery receipts.
const RECIPIENT = "+61412345678";

test("p1 history follows receipts", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signUp(page, newEmail("p1"));
  await connectSandbox(page);
  await openPage(page, "Messages");

  const body = `Your table for two is ready (${String(Date.now())})`;
  const composer = page.getByRole("region", { name: "Send a message" });
  await composer.getByLabel("To").fill(RECIPIENT);
  await composer.getByLabel("Message").fill(body);
  await composer.getByRole("button", { name: "Send SMS" }).click();

  const history = page.getByRole("table", { name: /SMS history/ });
  const row = history.getByRole("row").filter({ hasText: body });
  await expect(row).toBeVisible({ timeout: 20_000 });
  // Waits without touching anything; the earlier commit never gets there, and is shot as it is.
  await expect(row)
    .toContainText("Delivered to handset", { timeout: 45_000 })
    .catch(() => undefined);
  // And ClickSend's own history, asked again at most 30 s after the send's refresh, agrees.
  await expect(page.getByText(/^Live · updated/))
    .toBeVisible({ timeout: 40_000 })
    .catch(() => undefined);
  await dismissToasts(page);
  // History at the top of the picture: its controls, the live line and the newest row.
  await page.getByRole("heading", { level: 2, name: "Message history" }).evaluate((heading) => {
    heading.scrollIntoView({ block: "start" });
  });
  await shoot(page, testInfo, "issue13", "p1-history-after-send", { fullPage: false });
});
