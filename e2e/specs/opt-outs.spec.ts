// Opt-outs as a person meets them (issue 15): a handset answers a message with STOP (the
// sandbox's /_sandbox/inbound pushes the reply to the account's inbound rule as ClickSend does),
// Conversations marks the reply and offers no reply box, the Opt-outs page lists the number, and
// the composer flags it as it is typed; removing it, after a confirmation, clears the flag.
import type { Page } from "@playwright/test";
import {
  expect,
  review,
  SANDBOX,
  sandboxAccount,
  sandboxControl,
  stack,
  test,
} from "../fixtures.ts";
import { connectSandbox, dismissToasts, newEmail, openPage, signUp } from "./helpers.ts";

const HANDSET = "+61412345678";
const FLAG = `${HANDSET}: opted out — will not be sent`;

/** ClickSend's own API, as the account holder: the newest SMS sent to `to`. */
async function newestMessageTo(to: string): Promise<{ message_id: string; body: string }> {
  const response = await fetch(
    `${stack.sandboxOrigin}/v3/sms/history?q=${encodeURIComponent(`to:${to}`)}&order_by=date:desc&limit=15`,
    { headers: { authorization: `Basic ${btoa(`${SANDBOX.username}:${SANDBOX.apiKey}`)}` } },
  );
  const envelope = (await response.json()) as {
    data: { data: { message_id: string; body: string }[] };
  };
  const newest = envelope.data.data[0];
  if (newest === undefined) throw new Error(`ClickSend has no message to ${to}`);
  return newest;
}

async function openOptOuts(page: Page) {
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Opt-outs" })
    .click();
  await expect(page.getByRole("heading", { level: 1, name: "Opt-outs" })).toBeVisible();
}

/** Messages' composer, unfolded where the page folds it, with `to` typed in. */
async function typeRecipient(page: Page, to: string) {
  await openPage(page, "Messages");
  const composer = page.getByRole("region", { name: "Send a message" });
  const unfold = page.getByRole("button", { name: "New message" });
  await expect(composer.or(unfold).first()).toBeVisible({ timeout: 20_000 });
  if (!(await composer.isVisible())) await unfold.click();
  await composer.getByLabel("To").fill(to);
  return composer;
}

test("a handset replies STOP: the number is listed in Opt-outs and flagged in the composer until removed", async ({
  page,
}, testInfo) => {
  await signUp(page, newEmail("opt-outs"));
  await connectSandbox(page);

  await test.step("no one has opted out yet", async () => {
    await openOptOuts(page);
    await expect(page.getByRole("region", { name: "No one has opted out" })).toContainText(
      "lands here automatically",
    );
    await review(page, testInfo, "opt-outs-empty");
  });

  await test.step("sends an SMS from the composer, and the handset replies STOP", async () => {
    const composer = await typeRecipient(page, HANDSET);
    await expect(composer.getByText(`Sends to ${HANDSET}`)).toBeVisible();
    await expect(composer.getByText(FLAG)).toHaveCount(0);
    await composer.getByLabel("Message").fill("Our sale starts tomorrow.");
    await composer.getByRole("button", { name: "Send SMS" }).click();
    await expect(composer.getByText(`Sent to 1 of 1 recipient`)).toBeVisible({ timeout: 30_000 });
    await dismissToasts(page);
    const sent = await newestMessageTo(HANDSET);
    expect(sent.body).toBe("Our sale starts tomorrow.");
    await sandboxControl("inbound", { message_id: sent.message_id, body: "STOP" });
  });

  await test.step("Conversations marks the reply, and offers no reply box", async () => {
    await openPage(page, "Conversations");
    const thread = page.getByRole("link", { name: new RegExp(HANDSET.replace("+", "\\+")) });
    await expect(thread).toContainText("Opted out (STOP)", { timeout: 15_000 });
    await thread.click();
    const log = page.getByRole("log", { name: `Messages with ${HANDSET}` });
    await expect(log).toContainText("Opted out (STOP)");
    await expect(page.getByText(`${HANDSET} opted out: no reply can be sent`)).toBeVisible();
    await expect(page.getByRole("form", { name: `Reply to ${HANDSET}` })).toHaveCount(0);
    await review(page, testInfo, "opt-outs-conversation");
  });

  await test.step("the Opt-outs page lists the number, with its source and history", async () => {
    await openOptOuts(page);
    const account = page.getByRole("region", {
      name: new RegExp(`^ClickSend account ${SANDBOX.username.toLowerCase()}`),
    });
    const entry = account.getByRole("listitem", { name: HANDSET });
    await expect(entry).toContainText("Replied STOP");
    await expect(entry).toContainText(/Since (just now|\d+ minutes? ago)/);
    await entry.getByRole("button", { name: `History of ${HANDSET}` }).click();
    await expect(page.getByRole("region", { name: `Consent history of ${HANDSET}` })).toContainText(
      "Opted out: replied STOP",
    );
    await review(page, testInfo, "opt-outs-one");
  });

  await test.step("the composer flags the number as it is typed, national form too", async () => {
    const composer = await typeRecipient(page, "0412 345 678");
    await expect(composer.getByText(FLAG)).toBeVisible();
    await expect(composer.getByText(/replied STOP on/)).toBeVisible();
    await expect(composer.getByRole("link", { name: "See Opt-outs" })).toHaveAttribute(
      "href",
      "/opt-outs",
    );
  });

  await test.step("a send to it anyway is refused per recipient and never reaches ClickSend", async () => {
    const before = (await sandboxAccount(SANDBOX.username)).sms_sent;
    const composer = await typeRecipient(page, HANDSET);
    await composer.getByLabel("Message").fill("One more offer");
    await composer.getByRole("button", { name: "Send SMS" }).click();
    await expect(composer.getByText("Not sent: this number may not be texted")).toBeVisible({
      timeout: 30_000,
    });
    await expect(composer.getByRole("list", { name: "Recipients" })).toContainText(
      `${HANDSET}: Opted out — not sent.`,
    );
    expect((await sandboxAccount(SANDBOX.username)).sms_sent).toBe(before);
    await dismissToasts(page);
  });

  await test.step("removing it, after a confirmation that says they opted out, clears the flag", async () => {
    await openOptOuts(page);
    await page.getByRole("button", { name: `Remove ${HANDSET}` }).click();
    const dialog = page.getByRole("dialog", { name: `Remove ${HANDSET} from opt-outs?` });
    await expect(dialog).toContainText("This person asked not to be texted.");
    await expect(dialog).toContainText("They opted out by replying STOP on");
    await expect(dialog).toContainText("lets your agents and the composer text");
    await review(page, testInfo, "opt-outs-remove-dialog");
    await dialog.getByRole("button", { name: "Remove and allow texts" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("region", { name: "No one has opted out" })).toBeVisible();
    await dismissToasts(page);

    const composer = await typeRecipient(page, HANDSET);
    await expect(composer.getByText(`Sends to ${HANDSET}`)).toBeVisible();
    await expect(composer.getByText(FLAG)).toHaveCount(0);
  });
});
