// Managing a connection: a private key typed once, rotated, renamed, and disconnected.
import { expect, PRIVATE_ACCOUNT, review, sandboxControl, test } from "../fixtures.ts";
import { connectClickSend, createAgent, newEmail, openPage, setScope, signUp } from "./helpers.ts";

test("a user rotates the key, renames the connection, and disconnects it, and the agent loses access", async ({
  page,
}, testInfo) => {
  await signUp(page, newEmail("owner"));
  await connectClickSend(page, PRIVATE_ACCOUNT, "Support line");
  const card = page.getByRole("article", { name: "Support line" });
  await expect(card).toContainText(PRIVATE_ACCOUNT.apiKey.slice(-4));
  await expect(card).toContainText("10.00 AUD");

  await createAgent(page, "Reminders");
  await setScope(page, "Send SMS", true);
  await expect(page.getByRole("region", { name: "Tools the agent sees" })).toContainText(
    "1 tool: clicksend_send_sms.",
  );

  await test.step("rotates the key after regenerating it in ClickSend", async () => {
    await openPage(page, "Integrations");
    // The user regenerates the key in ClickSend's dashboard: the old one stops working there.
    await sandboxControl("accounts", {
      username: PRIVATE_ACCOUNT.username,
      api_key: PRIVATE_ACCOUNT.rotatedKey,
    });
    await card.getByRole("button", { name: "Rotate key Support line" }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate API key" });
    await dialog.getByLabel("New API key").fill(PRIVATE_ACCOUNT.apiKey);
    await dialog.getByRole("button", { name: "Rotate key" }).click();
    await expect(dialog.getByRole("alert")).toContainText("Authorization failed.");
    await review(page, testInfo, "rotate-dialog-error");
    await dialog.getByLabel("New API key").fill(PRIVATE_ACCOUNT.rotatedKey);
    await dialog.getByRole("button", { name: "Rotate key" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("status", { name: "Notifications" })).toContainText(
      "API key rotated",
    );
    await expect(card).toContainText(PRIVATE_ACCOUNT.rotatedKey.slice(-4));
  });

  await test.step("renames the connection", async () => {
    await card.getByRole("button", { name: "Rename Support line" }).click();
    const dialog = page.getByRole("dialog", { name: "Rename connection" });
    await review(page, testInfo, "rename-dialog");
    await dialog.getByLabel("Connection name").fill("Front office");
    await dialog.getByRole("button", { name: "Save name" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("article", { name: "Front office" })).toBeVisible();
  });

  await test.step("disconnects, told which agents lose access", async () => {
    const renamed = page.getByRole("article", { name: "Front office" });
    await renamed.getByRole("button", { name: "Disconnect Front office" }).click();
    const dialog = page.getByRole("dialog", { name: "Disconnect Front office?" });
    await expect(dialog).toContainText("This agent loses access:");
    await expect(dialog).toContainText("Reminders");
    await review(page, testInfo, "disconnect-dialog");
    await dialog.getByRole("button", { name: "Disconnect" }).click();
    await expect(dialog).toBeHidden();
    await expect(renamed).toContainText("Disconnected");
  });

  await test.step("the agent sees no tools any more", async () => {
    await openPage(page, "Agents");
    await expect(page.getByRole("region", { name: "Tools the agent sees" })).toContainText(
      "No tools:",
    );
  });
});
