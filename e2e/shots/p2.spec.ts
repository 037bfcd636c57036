// Issue 13, point 2: a send ClickSend refuses for credit, in the agents' tool playground and in
// the composer. The account has no credit for the playground's send; for the composer it has
// credit when the price is quoted and none when the message goes (the credit ran out between the
// quote and the send), so the refusal is ClickSend's, as in the issue.
import { expect, sandboxControl, test } from "../fixtures.ts";
import {
  connectClickSend,
  createAgent,
  newEmail,
  runTool,
  setScope,
  signUp,
} from "../specs/helpers.ts";
import { bringIntoView, openComposer } from "./composer-steps.ts";
import { shoot } from "./shoot.ts";

test("p2 a refused send in the playground and the composer", async ({ page }, testInfo) => {
  const wallet = {
    username: `p2_wallet_${testInfo.project.name}`,
    apiKey: "P2-EMPTY-WALLET-KEY-0000000000001",
  };
  const setBalance = (balance: number) =>
    sandboxControl("accounts", { username: wallet.username, api_key: wallet.apiKey, balance });
  await setBalance(0);

  await signUp(page, newEmail("p2"));
  await connectClickSend(page, wallet, "Shop");
  await createAgent(page, "Support bot");
  await setScope(page, "Send SMS", true);
  const playground = await runTool(page, "clicksend_send_sms", {
    to: ["+61412345678"],
    body: "Your order has shipped.",
  });
  await expect(playground.getByText("INSUFFICIENT_CREDIT").first()).toBeAttached({
    timeout: 20_000,
  });
  await bringIntoView(playground);
  await shoot(page, testInfo, "issue13", "p2-playground-refused", { fullPage: false });

  await setBalance(25);
  const composer = await openComposer(page);
  await composer.getByLabel("To").fill("+61412345678");
  await composer.getByLabel("Message").fill("Your order has shipped.");
  await expect(composer.getByText(/Estimated cost/)).toContainText("AUD", { timeout: 20_000 });
  await setBalance(0);
  await composer.getByRole("button", { name: "Send SMS" }).click();
  await expect(composer.getByText("INSUFFICIENT_CREDIT").first()).toBeAttached({
    timeout: 20_000,
  });
  await bringIntoView(composer);
  await shoot(page, testInfo, "issue13", "p2-composer-refused", { fullPage: false });
});
