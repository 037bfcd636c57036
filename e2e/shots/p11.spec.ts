// Issue 13, point 11: an agent granted on two ClickSend accounts. The agent page (which account
// it sends from) and the usage section after one send from each account (an agent's tool call and
// a composer send). Every step exists in the earlier UI too, for the "before" pictures.
import { expect, sandboxControl, SANDBOX, test } from "../fixtures.ts";
import {
  connectClickSend,
  createAgent,
  dismissToasts,
  newEmail,
  openPage,
  runTool,
  signUp,
} from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

test("p11 agent on two ClickSend accounts", async ({ page }, testInfo) => {
  const office = {
    username: `office_${String(Date.now())}_${testInfo.project.name}`,
    apiKey: "OFFICE-ACCOUNT-KEY-0000",
  };
  await sandboxControl("accounts", {
    username: office.username,
    api_key: office.apiKey,
    balance: 25,
  });

  await signUp(page, newEmail("p11"));
  await connectClickSend(page, SANDBOX, "Shop");
  await connectClickSend(page, office, "Office");
  await createAgent(page, "Support bot");

  // Send SMS on both accounts: Shop first, then Office.
  const permissions = page.getByRole("region", { name: "Permissions" });
  for (const account of [`Shop (${SANDBOX.username})`, `Office (${office.username})`]) {
    const sms = permissions
      .getByRole("group", { name: account })
      .getByRole("switch", { name: "Send SMS" });
    await sms.click();
    await expect(sms).toHaveAttribute("aria-checked", "true");
    await expect(sms).toHaveAccessibleDescription(/Saved$/);
  }
  await dismissToasts(page);
  await permissions.scrollIntoViewIfNeeded();
  await shoot(page, testInfo, "issue13", "p11-agent-two-accounts");

  // The agent sends once (from whichever account the app picks), the composer once from Shop.
  const playground = await runTool(page, "clicksend_send_sms", {
    to: ["+61411111111"],
    body: "Your order has shipped.",
  });
  // "Allowed" in the earlier playground, the outcome in words now.
  await expect(playground.getByText(/Allowed|Sent to 1 of 1/).first()).toBeVisible({
    timeout: 20_000,
  });
  await dismissToasts(page);
  await playground.scrollIntoViewIfNeeded();
  await shoot(page, testInfo, "issue13", "p11-tool-result-account", { fullPage: false });
  await openPage(page, "Messages");
  const picker = page.getByLabel("ClickSend connection");
  if ((await picker.count()) > 0)
    await picker.selectOption({ label: `Shop (${SANDBOX.username})` });
  const composer = page.getByRole("region", { name: "Send a message" });
  const newMessage = page.getByRole("button", { name: "New message" });
  if ((await newMessage.count()) > 0 && !(await composer.isVisible())) await newMessage.click();
  await composer.getByLabel("To").fill("+61412345678");
  await composer.getByLabel("Message").fill("See you at 10 tomorrow.");
  await composer.getByRole("button", { name: /^Send SMS/ }).click();
  await expect(composer.getByText(/sent|accepted/i).first()).toBeVisible({ timeout: 20_000 });
  await page.waitForTimeout(6_000); // let the toasts go and the receipts arrive
  await dismissToasts(page);
  const usage = page.getByRole("region", { name: /usage/i }).first();
  await usage.scrollIntoViewIfNeeded();
  await shoot(page, testInfo, "issue13", "p11-usage-accounts");

  // Only in the new UI: choose the account and see it saved.
  await openPage(page, "Agents");
  const chooser = page.getByRole("radiogroup", { name: /Which ClickSend account/ });
  if ((await chooser.count()) === 0) return;
  await chooser.getByRole("radio", { name: `Shop (${SANDBOX.username})` }).check();
  await expect(chooser.getByText("Saved")).toBeVisible();
  await chooser.scrollIntoViewIfNeeded();
  await shoot(page, testInfo, "issue13", "p11-agent-account-chosen", { fullPage: false });
});
