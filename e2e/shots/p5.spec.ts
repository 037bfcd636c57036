// Issue 13, point 5: the connect dialog's error after the fields change, a second connection of
// the same ClickSend account, and a disconnected card (what it offers).
import { expect, SANDBOX, test } from "../fixtures.ts";
import { connectSandbox, newEmail, openPage, signUp } from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

test("p5 connect dialog, duplicate account, disconnected card", async ({ page }, testInfo) => {
  await signUp(page, newEmail("p5"));
  await openPage(page, "Integrations");
  await page.getByRole("button", { name: "Connect ClickSend" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Connect ClickSend" });
  await dialog.getByLabel("Username").fill(SANDBOX.username);
  await dialog.getByLabel("API key", { exact: true }).fill("WRONG-KEY-00000000");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText("Authorization failed.");
  // The user corrects the key: is the refusal of the old one still shown?
  await dialog.getByLabel("API key", { exact: true }).fill(SANDBOX.apiKey);
  await shoot(page, testInfo, "issue13", "p5-error-after-edit", { fullPage: false });
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await connectSandbox(page);
  await page.getByRole("button", { name: "Connect ClickSend" }).first().click();
  await dialog.getByLabel("Username").fill(SANDBOX.username);
  await dialog.getByLabel("API key", { exact: true }).fill(SANDBOX.apiKey);
  await shoot(page, testInfo, "issue13", "p5-same-account-again", { fullPage: false });
  await dialog.getByRole("button", { name: "Cancel" }).click();

  const card = page.getByRole("article", { name: `ClickSend (${SANDBOX.username})` });
  await card.getByRole("button", { name: /^Disconnect/ }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
  await expect(card).toContainText("Disconnected");
  await page.waitForTimeout(6_000); // let the toasts go
  await shoot(page, testInfo, "issue13", "p5-disconnected-card");
});
