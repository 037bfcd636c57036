// Issue 13, point 9: the composer on an empty ClickSend wallet, before anything is sent.
import { expect, sandboxControl, test } from "../fixtures.ts";
import { connectClickSend, newEmail, openPage, signUp } from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

const EMPTY = { username: "empty_wallet", apiKey: "EMPTY0000000000000000000000000001" };

test("p9 composer on an empty wallet", async ({ page }, testInfo) => {
  await sandboxControl("accounts", { username: EMPTY.username, api_key: EMPTY.apiKey, balance: 0 });
  await signUp(page, newEmail("p9"));
  await connectClickSend(page, EMPTY);
  await openPage(page, "Messages");
  const composer = page.getByRole("region", { name: "Send a message" });
  await composer.getByLabel("To").fill("+61412345678");
  await composer.getByLabel("Message").fill("Your order is ready for pick-up.");
  await expect(composer.getByText(/AUD/).first()).toBeVisible({ timeout: 20_000 });
  await composer.scrollIntoViewIfNeeded();
  await shoot(page, testInfo, "issue13", "p9-empty-wallet-composer", { fullPage: false });
});
