// The main user story, from a new account to an agent that is allowed, then denied.
import { expect, review, SANDBOX, sandboxAccount, test } from "../fixtures.ts";
import {
  connectSandbox,
  createAgent,
  newEmail,
  openPage,
  runTool,
  setScope,
  signUp,
} from "./helpers.ts";

// Not one of ClickSend's free test numbers: this message is charged and gets a delivery receipt.
const RECIPIENT = "+61412345678";

test("a new user connects ClickSend, grants an agent SMS only, sends, sees it delivered, then revokes", async ({
  page,
}, testInfo) => {
  await test.step("signs up", async () => {
    await page.goto("/");
    await review(page, testInfo, "sign-in");
    await page.getByRole("link", { name: "Create an account" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Create account" })).toBeVisible();
    await review(page, testInfo, "create-account");
    await signUp(page, newEmail("journey"));
  });

  await test.step("tries a wrong API key and sees ClickSend's reason", async () => {
    await openPage(page, "Integrations");
    await expect(
      page.getByRole("heading", { name: "No ClickSend account connected" }),
    ).toBeVisible();
    await review(page, testInfo, "integrations-empty");
    await page.getByRole("button", { name: "Connect ClickSend" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Connect ClickSend" });
    await dialog.getByLabel("Username").fill(SANDBOX.username);
    await dialog.getByLabel("API key", { exact: true }).fill("WRONG-KEY-00000000");
    await review(page, testInfo, "connect-dialog");
    await dialog.getByRole("button", { name: "Connect", exact: true }).click();
    await expect(dialog.getByRole("alert")).toContainText("Authorization failed.");
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Username")).toHaveValue(SANDBOX.username);
    await review(page, testInfo, "connect-dialog-error");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step("connects with the sandbox key and sees the account and balance", async () => {
    await expect(page.getByRole("region", { name: /ClickSend SMS\/MMS/ })).toContainText(
      "Sandbox: no real messages, no charges",
    );
    await connectSandbox(page);
    const card = page.getByRole("article", { name: `ClickSend (${SANDBOX.username})` });
    await expect(card).toContainText(SANDBOX.username);
    await expect(card).toContainText("25.00 AUD");
    await expect(card).toContainText("Active");
    await review(page, testInfo, "integrations-connected");
    // The session survives a reload.
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Integrations" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await expect(card).toBeVisible();
  });

  await test.step("creates an agent and grants SMS only", async () => {
    await openPage(page, "Agents");
    await expect(page.getByRole("heading", { name: "No agents yet" })).toBeVisible();
    await review(page, testInfo, "agents-empty");
    await createAgent(page, "Front desk");
    await expect(page.getByRole("region", { name: "Tools the agent sees" })).toContainText(
      "No tools:",
    );
    await setScope(page, "Send SMS", true);
    await expect(page.getByRole("region", { name: "Tools the agent sees" })).toContainText(
      "1 tool: clicksend_send_sms.",
    );
    const json = page.getByRole("region", { name: "Tools JSON" });
    await expect(json).toContainText('"name": "clicksend_send_sms"');
    await expect(json).not.toContainText("clicksend_send_mms");
    await expect(json).not.toContainText("clicksend_get_balance");
    await review(page, testInfo, "agents-granted");
  });

  const before = await sandboxAccount(SANDBOX.username);
  await test.step("sends an SMS from the playground", async () => {
    const playground = await runTool(page, "clicksend_send_sms", {
      to: [RECIPIENT],
      body: "Your table for two is ready.",
    });
    await expect(playground).toContainText("Sent to 1 of 1 recipient");
    await expect(playground.getByRole("list", { name: "Recipients" })).toContainText(
      `${RECIPIENT}: Sent.`,
    );
    await expect(playground).toContainText("Sent from ClickSend account");
    // ClickSend's own answer stays folded until asked for.
    await playground.getByText("ClickSend's answer (JSON)").click();
    await expect(page.getByRole("region", { name: "ClickSend's answer JSON" })).toContainText(
      "SUCCESS",
    );
    await review(page, testInfo, "agents-playground-allowed");
    const after = await sandboxAccount(SANDBOX.username);
    expect(after.sms_sent - before.sms_sent).toBe(1);
  });

  await test.step("finds it in history, delivered, with a lower balance", async () => {
    await openPage(page, "Messages");
    const balance = page.getByRole("region", { name: "Balance" });
    await expect(balance).toContainText(/\d+\.\d{2} AUD/);
    await expect(balance).not.toContainText("25.00 AUD");
    const history = page.getByRole("table", { name: /SMS history/ });
    await expect(history).toContainText(RECIPIENT);
    // The sandbox delivers after a moment; refresh until the receipt shows.
    await expect(async () => {
      await page.getByRole("button", { name: "Refresh SMS history" }).click();
      await expect(history).toContainText("Delivered", { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await review(page, testInfo, "messages");
    await page.getByRole("tab", { name: "Delivery receipts" }).click();
    // One row per message, from our database: the agent's message, delivered.
    const receipts = page.getByRole("list", { name: "Sent messages and their delivery receipts" });
    await expect(
      receipts.getByRole("listitem", { name: `${RECIPIENT}: Delivered to handset` }),
    ).toBeVisible();
    await review(page, testInfo, "messages-receipts");
  });

  await test.step("revokes the grant and the next call is denied", async () => {
    await openPage(page, "Agents");
    await setScope(page, "Send SMS", false);
    await expect(page.getByRole("region", { name: "Tools the agent sees" })).toContainText(
      "No tools:",
    );
    const sent = (await sandboxAccount(SANDBOX.username)).sms_sent;
    const playground = await runTool(page, "clicksend_send_sms", {
      to: [RECIPIENT],
      body: "This must not be sent.",
    });
    await expect(playground).toContainText("Denied");
    await expect(playground).toContainText("Turn on “Send SMS” above to allow it.");
    await review(page, testInfo, "agents-playground-denied");
    expect((await sandboxAccount(SANDBOX.username)).sms_sent).toBe(sent);
  });
});
