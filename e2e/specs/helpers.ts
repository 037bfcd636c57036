// Steps several specs share, written the way a user does them: by role and label only.
import type { Page } from "@playwright/test";
import { expect, SANDBOX } from "../fixtures.ts";

let accounts = 0;

export function newEmail(name: string): string {
  accounts += 1;
  return `${name}.${String(Date.now())}.${String(accounts)}@example.com`;
}

export const PASSWORD = "correct-horse-battery-staple";

/** Creates an account from the sign-in page and lands signed in. */
export async function signUp(page: Page, email: string): Promise<void> {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await page.getByRole("link", { name: "Create an account" }).click();
  // The page is loaded on demand: wait for it, or the sign-in form's fields could be filled.
  await expect(page.getByRole("heading", { level: 1, name: "Create account" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** Follows a link in the main navigation (the header's, at every width). */
export async function openPage(
  page: Page,
  name: "Integrations" | "Agents" | "Messages" | "Conversations",
) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

/** Connects ClickSend through the dialog and waits for the connection's card. */
export async function connectClickSend(
  page: Page,
  credentials: { username: string; apiKey: string },
  connectionName?: string,
): Promise<void> {
  await openPage(page, "Integrations");
  await page.getByRole("button", { name: "Connect ClickSend" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Connect ClickSend" });
  await dialog.getByLabel("Username").fill(credentials.username);
  await dialog.getByLabel("API key", { exact: true }).fill(credentials.apiKey);
  if (connectionName !== undefined) await dialog.getByLabel("Connection name").fill(connectionName);
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole("article", { name: connectionName ?? `ClickSend (${credentials.username})` }),
  ).toBeVisible();
}

export async function connectSandbox(page: Page): Promise<void> {
  await connectClickSend(page, SANDBOX);
}

/** Creates an agent and leaves its page open. */
export async function createAgent(page: Page, name: string): Promise<void> {
  await openPage(page, "Agents");
  await page.getByRole("button", { name: "New agent" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create agent" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create agent" }).click();
  await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
}

/**
 * Closes every notification, as a phone user does before reaching what they cover (on a 375 px
 * screen the toast stack sits over the bottom of the page, and a resting pointer pauses it).
 */
export async function dismissToasts(page: Page): Promise<void> {
  const close = page
    .getByRole("status", { name: "Notifications" })
    .getByRole("button", { name: "Dismiss notification" });
  for (let attempt = 0; attempt < 10 && (await close.count()) > 0; attempt += 1) {
    // A toast may time out on its own meanwhile; then there is nothing to click.
    await close
      .first()
      .click({ timeout: 2_000 })
      .catch(() => undefined);
  }
  await expect(close).toHaveCount(0);
}

/** Turns one scope switch on or off and waits until it is saved. */
export async function setScope(page: Page, label: string, on: boolean): Promise<void> {
  const toggle = page.getByRole("region", { name: "Permissions" }).getByRole("switch", {
    name: label,
  });
  await expect(toggle).toBeEnabled();
  if ((await toggle.getAttribute("aria-checked")) === String(on)) return;
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", String(on));
  // The switch says it is saved; only a failed save shows a toast.
  await expect(toggle).toHaveAccessibleDescription(/Saved$/);
  await dismissToasts(page);
}

/** Runs a tool from the playground with the given arguments; returns the result region. */
export async function runTool(page: Page, tool: string, args: unknown) {
  await dismissToasts(page);
  const playground = page.getByRole("region", { name: "Tool playground" });
  await playground.getByLabel("Tool").selectOption(tool);
  await playground.getByLabel("Arguments (JSON)").fill(JSON.stringify(args, null, 2));
  await playground.getByRole("button", { name: "Run tool" }).click();
  return playground;
}
