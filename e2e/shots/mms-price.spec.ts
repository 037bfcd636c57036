// Issue 13, "MMS has no price preview": the composer with an MMS written and its image chosen.
import { expect, test } from "../fixtures.ts";
import { connectSandbox, newEmail, signUp } from "../specs/helpers.ts";
import { bringIntoView, openComposer } from "./composer-steps.ts";
import { shoot } from "./shoot.ts";

/** A 1×1 GIF: a real image the sandbox takes as an MMS upload. */
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=", "base64");

test("mms-price the composer prices an MMS", async ({ page }, testInfo) => {
  await signUp(page, newEmail("mms-price"));
  await connectSandbox(page);
  const composer = await openComposer(page);
  await composer.getByText("MMS (picture)").click();
  await composer.getByLabel("To").fill("+61412345678, +61498765432");
  await composer.getByLabel("Subject").fill("Spring sale");
  await composer.getByLabel("Message").fill("20% off everything this weekend.");
  await composer
    .getByLabel("Image")
    .setInputFiles({ name: "sale.gif", mimeType: "image/gif", buffer: PIXEL });
  // Before this change the composer said MMS is priced only when sent: wait for either.
  await expect(composer.getByText(/Estimated cost|prices MMS when it is sent/)).toBeVisible({
    timeout: 20_000,
  });
  await expect(composer.getByText("Checking the price…")).toHaveCount(0, { timeout: 20_000 });
  await bringIntoView(composer.getByRole("button", { name: "Send MMS" }));
  await shoot(page, testInfo, "issue13", "mms-price-composer", { fullPage: false });
});
