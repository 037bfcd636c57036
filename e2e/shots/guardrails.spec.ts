// Issue 15, what a user sees of an agent's limits and approvals: the Approvals page with nothing
// waiting; the agent page's "Limits and safety" section empty, with a validation error, and
// filled; the playground's answers to a send refused by the daily limit and to a send held for
// approval; the Approvals page with that send waiting, then after approving it.
// On the earlier commit the first pictures show /approvals as an unknown page and the agent page
// without the section, then the script stops (nothing of the rest exists there).
import type { Locator, Page } from "@playwright/test";
import { expect, SANDBOX, test } from "../fixtures.ts";
import {
  connectClickSend,
  createAgent,
  dismissToasts,
  newEmail,
  runTool,
  setScope,
  signUp,
} from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

const FOLDER = "issue15";

/** Closes the toasts, then scrolls so that `target` starts at the top of the viewport. */
async function toTop(target: Locator): Promise<void> {
  await dismissToasts(target.page());
  await target.evaluate((element) => {
    element.scrollIntoView({ block: "start" });
  });
}

async function saveLimits(limits: Locator): Promise<void> {
  await limits.getByRole("button", { name: "Save limits" }).click();
  await expect(limits.getByText("Saved", { exact: true })).toBeVisible({ timeout: 20_000 });
}

async function openApprovals(page: Page): Promise<void> {
  const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", {
    name: /^Approvals/,
  });
  if ((await link.count()) > 0) await link.click();
  else await page.goto("/approvals");
}

test("guardrails limits and approvals", async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await signUp(page, newEmail("guardrails"));
  await connectClickSend(page, SANDBOX, "Shop");

  await openApprovals(page);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText(/Nothing is waiting|not found/i).first()).toBeVisible({
    timeout: 20_000,
  });
  await dismissToasts(page);
  await shoot(page, testInfo, FOLDER, "approvals-none");

  await createAgent(page, "Support bot");
  const limits = page.getByRole("region", { name: "Limits and safety" });
  if ((await limits.count()) === 0) {
    await shoot(page, testInfo, FOLDER, "limits-empty");
    return;
  }
  await expect(limits.getByText("No limits")).toBeVisible({ timeout: 20_000 });
  await toTop(limits);
  await shoot(page, testInfo, FOLDER, "limits-empty");

  // Typed with mistakes: a national number and a three-letter country; nothing is saved.
  await limits.getByLabel("Daily message limit").fill("50");
  await limits.getByLabel("Monthly spend limit").fill("20");
  await limits.getByLabel("Allowed recipients").fill("+61411111111\n0412 345 678");
  await limits.getByLabel("Allowed countries").fill("AUS");
  await limits.getByLabel("Quiet hours start").fill("22:00");
  await limits.getByLabel("Quiet hours end").fill("07:00");
  await limits.getByLabel("Time zone").fill("Australia/Sydney");
  await limits.getByRole("radio", { name: "Always" }).check();
  await limits.getByRole("button", { name: "Save limits" }).click();
  await expect(limits.getByText("Not saved: fix these first")).toBeVisible();
  await toTop(limits);
  await shoot(page, testInfo, FOLDER, "limits-invalid");

  await limits.getByLabel("Allowed recipients").fill("+61411111111\n+6141*");
  await limits.getByLabel("Allowed countries").fill("AU, NZ");
  await saveLimits(limits);
  await toTop(limits);
  await shoot(page, testInfo, FOLDER, "limits-filled");

  // Quiet hours off, so the sends below do not depend on the time of day; a daily limit of 1
  // refuses a send to two numbers whole.
  await setScope(page, "Send SMS", true);
  await limits.getByLabel("Quiet hours start").fill("");
  await limits.getByLabel("Quiet hours end").fill("");
  await limits.getByLabel("Daily message limit").fill("1");
  await saveLimits(limits);
  let playground = await runTool(page, "clicksend_send_sms", {
    to: ["+61411111111", "+61411111112"],
    body: "Your table for 4 is booked at 7pm.",
  });
  await expect(playground.getByText("Not sent: refused by this agent’s limits")).toBeVisible({
    timeout: 20_000,
  });
  await toTop(playground);
  await shoot(page, testInfo, FOLDER, "playground-policy-denied", { fullPage: false });

  // With room in the limit, approval "Always" holds the send.
  await limits.getByLabel("Daily message limit").fill("50");
  await saveLimits(limits);
  playground = await runTool(page, "clicksend_send_sms", {
    to: ["+61411111111"],
    body: "Your table for 4 is booked at 7pm. Reply STOP to opt out.",
  });
  await expect(playground.getByText("Waiting for your approval")).toBeVisible({ timeout: 20_000 });
  await toTop(playground);
  await shoot(page, testInfo, FOLDER, "playground-pending", { fullPage: false });

  await openApprovals(page);
  await expect(page.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();
  const waiting = page.getByRole("region", { name: /^Waiting for you/ });
  await expect(waiting.getByRole("article")).toHaveCount(1, { timeout: 20_000 });
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /1 waiting/ }),
  ).toBeVisible({ timeout: 40_000 });
  await shoot(page, testInfo, FOLDER, "approvals-pending");

  await waiting.getByRole("button", { name: "Approve" }).click();
  const decided = page.getByRole("region", { name: "Decided" });
  await expect(decided.getByText(/Sent to 1 of 1 recipient/)).toBeVisible({ timeout: 20_000 });
  await dismissToasts(page);
  await shoot(page, testInfo, FOLDER, "approvals-decided");
});
