// Issue 13, point 6: the usage figures when the only message is scheduled (nothing delivered yet).
import { expect, test } from "../fixtures.ts";
import { connectSandbox, newEmail, openPage, signUp } from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

test("p6 usage figures with one scheduled message", async ({ page }, testInfo) => {
  await signUp(page, newEmail("p6"));
  await connectSandbox(page);
  await openPage(page, "Messages");
  const composer = page.getByRole("region", { name: "Send a message" });
  await composer.getByLabel("To").fill("+61412345678");
  await composer.getByLabel("Message").fill("Your appointment is tomorrow at 10.");
  await composer.getByLabel("Send later").check();
  const inADay = new Date(Date.now() + 26 * 3_600_000);
  const local = new Date(inADay.getTime() - inADay.getTimezoneOffset() * 60_000)
    .toISOString()
    .slice(0, 16);
  await composer.getByLabel("Send at").fill(local);
  await composer.getByRole("button", { name: /^(Schedule|Send) SMS/ }).click();
  await expect(composer.getByText(/scheduled/i).first()).toBeVisible({ timeout: 20_000 });
  await page.waitForTimeout(6_000); // let the toasts go
  const usage = page.getByRole("region", { name: /usage/i }).first();
  await usage.scrollIntoViewIfNeeded();
  await shoot(page, testInfo, "issue13", "p6-usage-scheduled-only");
});
