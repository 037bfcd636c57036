// Issue 13, point 4: a slow send (its answer held for a while), then the user stops waiting; and
// a send whose answer ClickSend never gave (a timeout after it accepted the message).
import { expect, sandboxControl, test } from "../fixtures.ts";
import { connectSandbox, newEmail, signUp } from "../specs/helpers.ts";
import { bringIntoView, openComposer } from "./composer-steps.ts";
import { shoot } from "./shoot.ts";

test("p4 a slow send and a send with no answer", async ({ page }, testInfo) => {
  await signUp(page, newEmail("p4"));
  await connectSandbox(page);
  const composer = await openComposer(page);

  // The send's answer is held back in the browser for 15 s: a slow ClickSend, as the user sees it.
  let held = false;
  await page.route("**/functions/v1/clicksend-api", async (route) => {
    const body = route.request().postDataJSON() as { action?: string };
    if (body.action !== "send_sms" || held) {
      await route.continue();
      return;
    }
    held = true;
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    await route.continue().catch(() => undefined);
  });
  await composer.getByLabel("To").fill("+61412345678");
  await composer.getByLabel("Message").fill("Your table for two is ready.");
  await composer.getByRole("button", { name: "Send SMS" }).click();
  await page.waitForTimeout(5_500);
  await bringIntoView(composer);
  await shoot(page, testInfo, "issue13", "p4-slow-send", { fullPage: false });

  const stop = composer.getByRole("button", { name: "Stop waiting" });
  if (await stop.isVisible()) {
    await stop.click();
    await bringIntoView(composer);
    await shoot(page, testInfo, "issue13", "p4-stopped-waiting", { fullPage: false });
  }
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await expect(composer.getByRole("button", { name: "Send SMS" })).toBeEnabled({
    timeout: 30_000,
  });

  // ClickSend takes the next message, then its answer never arrives.
  await sandboxControl("faults", {
    mode: "timeout",
    when: "after",
    method: "POST",
    path: "/sms/send",
  });
  await composer.getByLabel("Message").fill("Your table for four is ready.");
  await composer.getByRole("button", { name: "Send SMS" }).click();
  await expect(composer.getByText(/may have|processed/).first()).toBeVisible({ timeout: 30_000 });
  await bringIntoView(composer);
  await shoot(page, testInfo, "issue13", "p4-no-answer", { fullPage: false });
});
