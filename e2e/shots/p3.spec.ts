// Issue 13, point 3: the Delivery receipts tab after two sends from the composer whose receipts
// the sandbox pushes to the app (one delivered: 200 then 201; one failed: 200 then 301 with
// gateway error 12, absent subscriber). On the earlier commit the tab listed ClickSend's unread
// receipts by message ID; now it shows one row per message, explained, with one timeline open.
import { expect, test } from "../fixtures.ts";
import { connectSandbox, dismissToasts, newEmail, openPage, signUp } from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

// Not ClickSend's free test numbers: both are charged and get receipts. The second is the
// sandbox's "+614000010EE" family (sent, then gateway error EE).
const SENDS = [
  { to: "+61412345678", body: "Your table for two is ready at 7 pm. Reply YES to keep it." },
  { to: "+61400001012", body: "Your parcel is waiting at the depot until Friday." },
];

test("p3 delivery receipts after two sends", async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  await signUp(page, newEmail("p3"));
  await connectSandbox(page);
  await openPage(page, "Messages");

  for (const send of SENDS) {
    const newMessage = page.getByRole("button", { name: "New message" });
    if (await newMessage.isVisible()) await newMessage.click();
    const composer = page.getByRole("region", { name: "Send a message" });
    await composer.getByLabel("To").fill(send.to);
    await composer.getByLabel("Message").fill(send.body);
    await composer.getByRole("button", { name: "Send SMS" }).click();
    await expect(composer.getByText(/sent|accepted|queued/i).first()).toBeVisible({
      timeout: 20_000,
    });
    await dismissToasts(page);
  }
  // The sandbox pushes the final receipts a few seconds after the first ones.
  await page.waitForTimeout(8_000);

  await page.getByRole("tab", { name: "Delivery receipts" }).click();
  const refresh = page.getByRole("button", { name: "Refresh delivery receipts" });
  await refresh.click();
  const list = page.getByRole("list", { name: "Sent messages and their delivery receipts" });
  // Only the new tab has rows to open: the earlier commit is shot as it is.
  const delivered = list.getByRole("listitem", { name: /\+61412345678: Delivered/ });
  await expect(delivered)
    .toBeVisible({ timeout: 20_000 })
    .catch(() => undefined);
  if (await delivered.isVisible()) {
    await delivered.getByRole("button", { name: /^Timeline/ }).click();
    await expect(delivered.getByRole("list", { name: "Receipt timeline" })).toContainText(
      "Delivered to handset",
    );
  }
  await dismissToasts(page);
  await page.getByRole("tab", { name: "Delivery receipts" }).scrollIntoViewIfNeeded();
  await shoot(page, testInfo, "issue13", "p3-receipts-after-two-sends");
});
