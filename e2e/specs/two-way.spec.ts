// Two-way SMS as a person uses it: send from the composer, the handset answers (the sandbox's
// /_sandbox/inbound, which pushes the reply to the account's inbound rule as ClickSend does), the
// reply appears in Conversations without a reload, and the person answers it from the thread.
import { expect, SANDBOX, sandboxControl, stack, test } from "../fixtures.ts";
import { connectSandbox, newEmail, openPage, signUp } from "./helpers.ts";

const HANDSET = "+61412345678";

/** ClickSend's own API, as the account holder: the newest SMS sent to `to`. */
async function newestMessageTo(to: string): Promise<{ message_id: string; body: string }> {
  const response = await fetch(
    `${stack.sandboxOrigin}/v3/sms/history?q=${encodeURIComponent(`to:${to}`)}&order_by=date:desc&limit=15`,
    { headers: { authorization: `Basic ${btoa(`${SANDBOX.username}:${SANDBOX.apiKey}`)}` } },
  );
  const envelope = (await response.json()) as {
    data: { data: { message_id: string; body: string; direction?: string }[] };
  };
  const newest = envelope.data.data[0];
  if (newest === undefined) throw new Error(`ClickSend has no message to ${to}`);
  return newest;
}

test("a reply to a message sent from the composer appears in Conversations without a reload and is answered there", async ({
  page,
}) => {
  await signUp(page, newEmail("two-way"));
  await connectSandbox(page);

  await test.step("the connection says replies are pushed", async () => {
    const card = page.getByRole("article", { name: `ClickSend (${SANDBOX.username})` });
    await expect(card).toContainText(/Replies.*pushed/i);
  });

  await test.step("sends an SMS from the composer", async () => {
    await openPage(page, "Messages");
    const composer = page.getByRole("region", { name: "Send a message" });
    await composer.getByLabel("To").fill(HANDSET);
    await composer.getByLabel("Message").fill("Can you make 3pm tomorrow?");
    await composer.getByRole("button", { name: "Send SMS" }).click();
    await expect(composer.getByRole("button", { name: "Send SMS" })).toBeEnabled({
      timeout: 30_000,
    });
  });

  await test.step("Conversations is empty until someone replies", async () => {
    await openPage(page, "Conversations");
    await expect(page.getByText(HANDSET)).toHaveCount(0);
  });

  await test.step("the handset replies and the thread appears without a reload", async () => {
    const sent = await newestMessageTo(HANDSET);
    expect(sent.body).toBe("Can you make 3pm tomorrow?");
    await sandboxControl("inbound", { message_id: sent.message_id, body: "Yes, 3pm works" });
    const thread = page.getByRole("link", { name: new RegExp(HANDSET.replace("+", "\\+")) });
    // Conversations reads our own database every few seconds while the tab is visible.
    await expect(thread).toBeVisible({ timeout: 10_000 });
    await expect(thread).toContainText("Yes, 3pm works");
    await expect(thread).toContainText(/1 unread|unread/i);
    await thread.click();
    const log = page.getByRole("log", { name: `Messages with ${HANDSET}` });
    await expect(log).toContainText("Can you make 3pm tomorrow?");
    await expect(log).toContainText("Yes, 3pm works");
  });

  await test.step("answers from the thread, through the same send path as the composer", async () => {
    const form = page.getByRole("form", { name: `Reply to ${HANDSET}` });
    await form.getByLabel("Reply").fill("Great, see you then");
    await form.getByRole("button", { name: "Send reply" }).click();
    const log = page.getByRole("log", { name: `Messages with ${HANDSET}` });
    await expect(log).toContainText("Great, see you then", { timeout: 15_000 });
    await expect(form.getByLabel("Reply")).toHaveValue("");
    const answered = await newestMessageTo(HANDSET);
    expect(answered.body).toBe("Great, see you then");
  });

  await test.step("a second reply arrives in the open thread by itself", async () => {
    const answered = await newestMessageTo(HANDSET);
    await sandboxControl("inbound", { message_id: answered.message_id, body: "👍" });
    const log = page.getByRole("log", { name: `Messages with ${HANDSET}` });
    await expect(log).toContainText("👍", { timeout: 10_000 });
  });
});
