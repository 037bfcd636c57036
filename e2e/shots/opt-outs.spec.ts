// Issue 15, opt-outs: the Opt-outs page empty and with one number, the composer flagging that
// number, and a conversation whose contact replied STOP. Only steps the earlier UI also has up to
// there: sign up, connect, send from the composer, the handset's reply (the sandbox's inbound),
// open Conversations and the thread, type into the composer; /opt-outs is reached by its address
// (the earlier UI answers it with "Page not found").
import { expect, SANDBOX, sandboxControl, stack, test } from "../fixtures.ts";
import { connectSandbox, dismissToasts, newEmail, openPage, signUp } from "../specs/helpers.ts";
import { bringIntoView, openComposer } from "./composer-steps.ts";
import { shoot } from "./shoot.ts";

const HANDSET = "+61412345678";

async function newestMessageTo(to: string): Promise<string> {
  const response = await fetch(
    `${stack.sandboxOrigin}/v3/sms/history?q=${encodeURIComponent(`to:${to}`)}&order_by=date:desc&limit=15`,
    { headers: { authorization: `Basic ${btoa(`${SANDBOX.username}:${SANDBOX.apiKey}`)}` } },
  );
  const envelope = (await response.json()) as { data: { data: { message_id: string }[] } };
  const newest = envelope.data.data[0];
  if (newest === undefined) throw new Error(`ClickSend has no message to ${to}`);
  return newest.message_id;
}

test("opt-outs page, composer flag and a STOP reply", async ({ page }, testInfo) => {
  await signUp(page, newEmail("shots-opt-outs"));
  await connectSandbox(page);

  await page.goto("/opt-outs");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(
    page.getByText("No one has opted out").or(page.getByText("Page not found")).first(),
  ).toBeVisible();
  await shoot(page, testInfo, "issue15", "opt-outs-page-empty");

  const composer = await openComposer(page);
  await composer.getByLabel("To").fill(HANDSET);
  await composer.getByLabel("Message").fill("Our sale starts tomorrow.");
  await composer.getByRole("button", { name: "Send SMS" }).click();
  await expect(page.getByRole("table", { name: /SMS history/ })).toContainText("Our sale starts", {
    timeout: 30_000,
  });
  await dismissToasts(page);
  await sandboxControl("inbound", { message_id: await newestMessageTo(HANDSET), body: "STOP" });

  await openPage(page, "Conversations");
  const thread = page.getByRole("link", { name: new RegExp(HANDSET.replace("+", "\\+")) });
  await expect(thread).toContainText("STOP", { timeout: 15_000 });
  await thread.click();
  await expect(page.getByRole("log", { name: `Messages with ${HANDSET}` })).toContainText("STOP");
  // Let the thread's own reads (mark read, the opt-out list) settle before the picture.
  await page.waitForTimeout(1500);
  await shoot(page, testInfo, "issue15", "opt-outs-conversation-stop");

  await page.goto("/opt-outs");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(
    page.getByText("Replied STOP").or(page.getByText("Page not found")).first(),
  ).toBeVisible();
  await shoot(page, testInfo, "issue15", "opt-outs-page-one");

  const again = await openComposer(page);
  await again.getByLabel("To").fill("0412 345 678");
  await again.getByLabel("Message").fill("A second message");
  await page.waitForTimeout(1500);
  await bringIntoView(again.getByLabel("Message"));
  await shoot(page, testInfo, "issue15", "opt-outs-composer-flag", { fullPage: false });
});
