// Issue 13, point 10: home for a new user and once connected, and Messages on a phone with some
// history (its height is printed, to compare before and after). Only steps the earlier UI also
// has: sign up, connect, send from the composer (opened first where it is folded).
import { expect, test } from "../fixtures.ts";
import { connectSandbox, dismissToasts, newEmail, openPage, signUp } from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

test("p10 home checklist and messages on a phone", async ({ page }, testInfo) => {
  await signUp(page, newEmail("p10"));
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await shoot(page, testInfo, "issue13", "p10-home-new-user");

  await connectSandbox(page);
  await page.getByRole("link", { name: "ClickSend for Agents" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await shoot(page, testInfo, "issue13", "p10-home-connected");

  await openPage(page, "Messages");
  const composer = page.getByRole("region", { name: "Send a message" });
  for (const text of ["Your order has shipped.", "Your parcel arrives tomorrow."]) {
    // Folded behind New message where the page does that; open at once in the earlier UI.
    const open = page.getByRole("button", { name: "New message" });
    await expect(composer.getByLabel("To").or(open)).toBeVisible();
    if (await open.isVisible()) await open.click();
    await composer.getByLabel("To").fill("+61412345678");
    await composer.getByLabel("Message").fill(text);
    await composer.getByRole("button", { name: "Send SMS" }).click();
    await expect(page.getByRole("table", { name: /SMS history/ })).toContainText(text);
    await dismissToasts(page);
  }
  await page.reload();
  await expect(page.getByRole("table", { name: /SMS history/ })).toContainText("Your parcel");
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  console.log(`p10 messages page height (${testInfo.project.name}): ${String(height)} px`);
  await shoot(page, testInfo, "issue13", "p10-messages");
});
