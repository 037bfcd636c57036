// Two users on one backend: the second sees nothing of the first, on any page or by any address.
import { expect, SANDBOX, test } from "../fixtures.ts";
import {
  connectSandbox,
  createAgent,
  newEmail,
  openPage,
  runTool,
  setScope,
  signUp,
} from "./helpers.ts";

test("a second user sees none of the first user's connections, agents or messages", async ({
  page,
  browser,
}, testInfo) => {
  await signUp(page, newEmail("first"));
  await connectSandbox(page);
  await createAgent(page, "First's agent");
  await setScope(page, "Send SMS", true);
  const playground = await runTool(page, "clicksend_send_sms", {
    to: ["+61412345678"],
    body: "Only the first user may see this.",
  });
  await expect(playground).toContainText("Sent to 1 of 1 recipient");
  const agentUrl = page.url();
  expect(agentUrl).toMatch(/\/agents\?agent=[0-9a-f-]{36}$/);

  const context = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: testInfo.project.use.viewport ?? null,
  });
  const second = await context.newPage();
  try {
    await signUp(second, newEmail("second"));

    await openPage(second, "Integrations");
    await expect(
      second.getByRole("heading", { name: "No ClickSend account connected" }),
    ).toBeVisible();
    await expect(second.getByRole("article")).toHaveCount(0);
    await expect(second.getByRole("main")).not.toContainText(`ClickSend (${SANDBOX.username})`);

    await openPage(second, "Agents");
    await expect(second.getByRole("heading", { name: "No agents yet" })).toBeVisible();
    await expect(second.getByRole("main")).not.toContainText("First's agent");

    await openPage(second, "Messages");
    await expect(
      second.getByRole("heading", { name: "Connect ClickSend to see your messages" }),
    ).toBeVisible();
    await expect(second.getByRole("main")).not.toContainText("Only the first user may see this.");

    // The first user's agent, by its address.
    await second.goto(agentUrl);
    await expect(second.getByRole("heading", { name: "No agents yet" })).toBeVisible();
    await expect(second.getByRole("main")).not.toContainText("First's agent");
  } finally {
    await context.close();
  }
});
