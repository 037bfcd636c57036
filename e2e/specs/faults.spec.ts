// ClickSend misbehaving: 500s, 429s and timeouts show a clear error with a way to retry a read,
// a send that may have gone out says so and offers the history (never a blind resend), and a
// message is never sent twice.
import {
  clearSandboxFaults,
  expect,
  SANDBOX,
  sandboxAccount,
  sandboxControl,
  stack,
  test,
} from "../fixtures.ts";
import { connectSandbox, newEmail, openPage, signUp } from "./helpers.ts";

test.beforeEach(async ({ page }) => {
  await signUp(page, newEmail("faults"));
  await connectSandbox(page);
});

test("the balance survives ClickSend answering 500, then loads on retry", async ({ page }) => {
  await sandboxControl("faults", { mode: "error500", count: 100, method: "GET", path: "/account" });
  await openPage(page, "Messages");
  // Connecting just showed the balance; a fresh visit asks ClickSend again.
  await page.reload();
  const balance = page.getByRole("region", { name: "Balance" });
  const alert = balance.getByRole("alert");
  // The app retries twice and the server retries each ClickSend read: a wait, not a deadline.
  await expect(alert).toContainText("Could not load the balance", { timeout: 30_000 });
  await clearSandboxFaults();
  await alert.getByRole("button", { name: "Try again" }).click();
  await expect(balance).toContainText("25.00 AUD");
});

test("a rate-limited balance says so and loads once ClickSend allows it again", async ({
  page,
}) => {
  // Another client of the same ClickSend account uses up its allowance for GET /account.
  await sandboxControl("rate-limit", { limit: 1, endpoint: "GET /account" });
  await fetch(`${stack.sandboxOrigin}/v3/account`, {
    headers: { authorization: `Basic ${btoa(`${SANDBOX.username}:${SANDBOX.apiKey}`)}` },
  });
  await openPage(page, "Messages");
  await page.reload();
  const balance = page.getByRole("region", { name: "Balance" });
  const alert = balance.getByRole("alert");
  await expect(alert).toContainText(/rate limit was reached; try again in \d+ s\./, {
    timeout: 30_000,
  });
  await sandboxControl("rate-limit", { defaults: true });
  await alert.getByRole("button", { name: "Try again" }).click();
  await expect(balance).toContainText("25.00 AUD");
});

test("a send whose answer is lost says it may have gone out, and checking again does not send it twice", async ({
  page,
}) => {
  await openPage(page, "Messages");
  const composer = page.getByRole("region", { name: "Send a message" });
  await composer.getByLabel("To").fill("+61412345678");
  await composer.getByLabel("Message").fill("Your order has shipped.");
  const before = await sandboxAccount(SANDBOX.username);
  // ClickSend accepts the message, then the answer never arrives.
  await sandboxControl("faults", {
    mode: "timeout",
    when: "after",
    method: "POST",
    path: "/sms/send",
  });
  await composer.getByRole("button", { name: "Send SMS" }).click();
  await expect(composer).toContainText("Not known whether it was sent", { timeout: 30_000 });
  // No blind resend: the history, or the same request again (same idempotency key).
  await expect(composer.getByRole("button", { name: "Try again" })).toHaveCount(0);
  await expect(composer.getByRole("link", { name: "Check history" })).toBeVisible();
  await expect(composer.getByLabel("Message")).toHaveValue("Your order has shipped.");
  expect((await sandboxAccount(SANDBOX.username)).sms_sent).toBe(before.sms_sent + 1);

  await composer.getByRole("button", { name: "Check again" }).click();
  await expect(composer).toContainText(
    "Not sent again: ClickSend has not confirmed the first attempt",
    { timeout: 30_000 },
  );
  expect((await sandboxAccount(SANDBOX.username)).sms_sent).toBe(before.sms_sent + 1);
});

test("a send ClickSend answered with 500 is not repeated blindly: the page says to check history", async ({
  page,
}) => {
  await openPage(page, "Messages");
  const composer = page.getByRole("region", { name: "Send a message" });
  await composer.getByLabel("To").fill("+61412345678");
  await composer.getByLabel("Message").fill("Appointment at 10am tomorrow.");
  const before = await sandboxAccount(SANDBOX.username);
  await sandboxControl("faults", { mode: "error500", method: "POST", path: "/sms/send" });
  await composer.getByRole("button", { name: "Send SMS" }).click();
  await expect(composer).toContainText("Not known whether it was sent");
  await expect(composer.getByRole("button", { name: "Try again" })).toHaveCount(0);

  // A 500 does not say whether ClickSend took the message, so checking again does not resend it.
  await composer.getByRole("button", { name: "Check again" }).click();
  await expect(composer).toContainText(
    "Not sent again: ClickSend has not confirmed the first attempt",
  );
  await expect(composer).toContainText(/Check the history before sending it again/);
  expect((await sandboxAccount(SANDBOX.username)).sms_sent).toBe(before.sms_sent);
});
