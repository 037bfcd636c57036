// The pages and dialogs the journeys do not open, checked with axe and photographed, plus a check
// that the secret watch itself catches a leak.
import { expect, review, SANDBOX, showScheme, test } from "../fixtures.ts";
import { connectSandbox, createAgent, newEmail, openPage, setScope, signUp } from "./helpers.ts";

test("every other page and dialog has no serious accessibility violations", async ({
  page,
}, testInfo) => {
  await signUp(page, newEmail("a11y"));

  await test.step("home's checklist for a new user", async () => {
    await expect(page.getByRole("region", { name: "Get started" })).toBeVisible();
    await expect(page.locator("li[aria-current=step]")).toContainText("Connect ClickSend");
    await review(page, testInfo, "home-new-user");
  });

  await test.step("messages before any connection", async () => {
    await openPage(page, "Messages");
    await expect(
      page.getByRole("heading", { name: "Connect ClickSend to see your messages" }),
    ).toBeVisible();
    await review(page, testInfo, "messages-empty");
  });

  await connectSandbox(page);

  await test.step("home's checklist once connected", async () => {
    await page.getByRole("link", { name: "ClickSend for Agents" }).click();
    await expect(page.locator("li[aria-current=step]")).toContainText("Create an agent");
    await review(page, testInfo, "home-connected");
  });

  await createAgent(page, "Night shift");

  await test.step("agent dialogs", async () => {
    await page.getByRole("button", { name: "New agent" }).first().click();
    await expect(page.getByRole("dialog", { name: "Create agent" })).toBeVisible();
    await review(page, testInfo, "create-agent-dialog");
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog", { name: "Create agent" })).toBeHidden();

    await page.getByRole("button", { name: "Rename Night shift" }).click();
    await expect(page.getByRole("dialog", { name: "Rename agent" })).toBeVisible();
    await review(page, testInfo, "rename-agent-dialog");
    await page.keyboard.press("Escape");

    await setScope(page, "Check balance", true);
    await page.getByRole("button", { name: "Revoke all" }).click();
    await expect(page.getByRole("dialog", { name: "Revoke all permissions?" })).toBeVisible();
    await review(page, testInfo, "revoke-all-dialog");
    await page.keyboard.press("Escape");

    await page.getByRole("button", { name: "Delete Night shift" }).click();
    const remove = page.getByRole("dialog", { name: "Delete Night shift?" });
    await expect(remove).toBeVisible();
    await review(page, testInfo, "delete-agent-dialog");
    await remove.getByRole("button", { name: "Cancel" }).click();
    await expect(remove).toBeHidden();
  });

  await test.step("a scheduled message, its cancel dialog, and the MMS composer", async () => {
    await openPage(page, "Messages");
    const composer = page.getByRole("region", { name: "Send a message" });
    await composer.getByLabel("To").fill("+61412345678");
    await composer.getByLabel("Message").fill("See you next week.");
    await composer.getByLabel("Send later").check();
    const later = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const local = new Date(later.getTime() - later.getTimezoneOffset() * 60_000)
      .toISOString()
      .slice(0, 16);
    await composer.getByLabel("Send at").fill(local);
    await composer.getByRole("button", { name: "Schedule SMS" }).click();
    await expect(page.getByRole("status", { name: "Notifications" })).toContainText(
      "SMS scheduled",
    );
    const history = page.getByRole("table", { name: /SMS history/ });
    await expect(history).toContainText("See you next week.");
    await history.getByRole("button", { name: /^Cancel the SMS to \+61412345678/ }).click();
    const cancel = page.getByRole("dialog", { name: "Cancel this scheduled SMS?" });
    await expect(cancel).toBeVisible();
    await review(page, testInfo, "cancel-scheduled-dialog");
    await page.keyboard.press("Escape");

    // By keyboard, as the radios are drawn as a segmented control.
    await composer.getByRole("radio", { name: "SMS", exact: true }).focus();
    await page.keyboard.press("ArrowRight");
    await expect(composer.getByRole("radio", { name: "MMS (picture)" })).toBeChecked();
    await expect(composer.getByLabel("Subject")).toBeVisible();
    await page.getByRole("tab", { name: "MMS" }).click();
    await review(page, testInfo, "messages-mms");
  });

  await test.step("an unknown address", async () => {
    await page.goto("/no-such-page");
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await review(page, testInfo, "not-found");
  });
});

test("the theme chosen in the header outlasts a reload, and System follows the OS", async ({
  page,
}) => {
  await signUp(page, newEmail("theme"));
  const html = page.locator("html");
  const theme = page.getByRole("group", { name: "Theme" });
  // The radios are drawn as icon buttons: a pointer presses the label that wraps each one.
  const pick = (name: string) => theme.locator("label").filter({ hasText: name }).click();
  await showScheme(page, "light");
  await expect(theme.getByRole("radio", { name: "System" })).toBeChecked();

  // By keyboard, as a radio group: from System, ArrowLeft reaches Dark.
  await theme.getByRole("radio", { name: "System" }).focus();
  await page.keyboard.press("ArrowLeft");
  await expect(theme.getByRole("radio", { name: "Dark" })).toBeChecked();
  await expect(html).toHaveAttribute("data-theme", "dark");

  await page.reload();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  // Dark from the first paint (the OS still says light) and the control says so.
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(theme.getByRole("radio", { name: "Dark" })).toBeChecked();
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).not.toBe("rgb(255, 255, 255)");

  await pick("Light");
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(html).toHaveAttribute("data-theme", "light");
  await pick("System");
  await expect(html).toHaveAttribute("data-theme", "dark");
  await page.emulateMedia({ colorScheme: "light" });
  await expect(html).toHaveAttribute("data-theme", "light");

  // Signed out, the same control and the same stored choice.
  await pick("Dark");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(
    page.getByRole("group", { name: "Theme" }).getByRole("radio", { name: "Dark" }),
  ).toBeChecked();
});

test("canary, marked as expected to fail: the secret watch fails a test whose page logs an API key", async ({
  page,
}) => {
  // Proof that the watch can fail: this test is expected to fail in the watch's teardown.
  test.fail();
  await page.goto("/");
  await page.evaluate((key) => {
    console.info(`debug: ${key}`);
  }, SANDBOX.apiKey);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
});
