// An approval as a person meets it (issue 15): an agent whose policy says every send needs
// approval sends from the playground, the send waits (nothing goes out), the user approves it in
// the Approvals inbox, and Messages' history shows the message once. ClickSend's history is the
// shared sandbox account's, so the message is found by a text no other test sends.
import type { Page } from "@playwright/test";
import { expect, review, test } from "../fixtures.ts";
import {
  connectSandbox,
  createAgent,
  dismissToasts,
  newEmail,
  openPage,
  runTool,
  setScope,
  signUp,
} from "./helpers.ts";

async function openApprovals(page: Page): Promise<void> {
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: /^Approvals/ })
    .click();
  await expect(page.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();
}

test("an agent's send waits for approval, is approved in the inbox, and history shows it once", async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const text = `Approved table booking ${String(Date.now())}`;
  await signUp(page, newEmail("approvals"));
  await connectSandbox(page);
  await createAgent(page, "Booking bot");
  await setScope(page, "Send SMS", true);

  await test.step("the agent's limits say every send needs approval", async () => {
    const limits = page.getByRole("region", { name: "Limits and safety" });
    await limits.getByRole("radio", { name: "Always" }).check();
    await limits.getByRole("button", { name: "Save limits" }).click();
    await expect(limits.getByText("Saved", { exact: true })).toBeVisible({ timeout: 20_000 });
    await review(page, testInfo, "agent-limits");
  });

  await test.step("the playground's send waits, and the inbox counts it", async () => {
    const playground = await runTool(page, "clicksend_send_sms", {
      to: ["+61411111111"],
      body: text,
    });
    await expect(playground.getByText("Waiting for your approval")).toBeVisible({
      timeout: 20_000,
    });
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /1 waiting/ }),
    ).toBeVisible({ timeout: 40_000 });
  });

  await test.step("the user approves it once", async () => {
    await openApprovals(page);
    const waiting = page.getByRole("region", { name: /^Waiting for you/ });
    const held = waiting.getByRole("article");
    await expect(held).toHaveCount(1, { timeout: 20_000 });
    await expect(held).toContainText(text);
    await expect(held).toContainText("Booking bot");
    await review(page, testInfo, "approvals-pending");
    await held.getByRole("button", { name: "Approve" }).click();
    const decided = page.getByRole("region", { name: "Decided" });
    await expect(decided.getByText(/Sent to 1 of 1 recipient/)).toBeVisible({ timeout: 20_000 });
    await expect(waiting.getByRole("article")).toHaveCount(0);
    await dismissToasts(page);
  });

  await test.step("history shows the message once", async () => {
    await openPage(page, "Messages");
    const history = page.getByRole("table", { name: /SMS history/ });
    await expect(history).toContainText(text, { timeout: 30_000 });
    await expect(history.getByRole("row").filter({ hasText: text })).toHaveCount(1);
  });
});
