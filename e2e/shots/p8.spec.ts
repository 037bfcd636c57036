// Issue 13, point 8: pages in dark (the primary and danger buttons, badges, links), and the theme
// control in the header. Only steps the earlier UI also has: sign up, connect, create an agent.
import { expect, test } from "../fixtures.ts";
import { connectSandbox, createAgent, newEmail, openPage, signUp } from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

test("p8 pages in dark and the theme control", async ({ page }, testInfo) => {
  await signUp(page, newEmail("p8"));
  await shoot(page, testInfo, "issue13", "p8-header", { fullPage: false });

  await connectSandbox(page);
  await shoot(page, testInfo, "issue13", "p8-integrations");

  await createAgent(page, "Night shift");
  await shoot(page, testInfo, "issue13", "p8-agents");

  await page.getByRole("button", { name: "Delete Night shift" }).click();
  await expect(page.getByRole("dialog", { name: "Delete Night shift?" })).toBeVisible();
  await shoot(page, testInfo, "issue13", "p8-delete-dialog", { fullPage: false });
  await page.keyboard.press("Escape");

  await openPage(page, "Messages");
  await expect(page.getByRole("heading", { level: 2, name: "Message history" })).toBeVisible();
  await shoot(page, testInfo, "issue13", "p8-messages");
});
