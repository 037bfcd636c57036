// Issue 16, an agent's remote MCP endpoint: the agent page's "Connect an MCP client" section with
// no tokens, right after a token is made (the token shown once, and in the configuration), and
// with a list of tokens (one used by an MCP client, one with a long name), at 1280 and 375 px.
// On the earlier commit the agent page has no such section: there is nothing to compare.
import type { Locator, Page, TestInfo } from "@playwright/test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect, SANDBOX, stack, test } from "../fixtures.ts";
import { connectClickSend, createAgent, newEmail, setScope, signUp } from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

const FOLDER = "issue16";

/** The section from its heading down, in one picture: a viewport tall enough for all of it. */
async function shootSection(page: Page, testInfo: TestInfo, section: Locator, name: string) {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  const box = await section.boundingBox();
  const height = Math.ceil(Math.max(size.height, (box?.height ?? 0) + 48));
  await page.setViewportSize({ width: size.width, height });
  await section.evaluate((element) => {
    element.scrollIntoView({ block: "start" });
    window.scrollBy(0, -24);
  });
  await shoot(page, testInfo, FOLDER, name, { fullPage: false });
  await page.setViewportSize(size);
}

async function makeToken(section: Locator, name: string): Promise<string> {
  await section.getByLabel("Token name").fill(name);
  await section.getByRole("button", { name: "Create token" }).click();
  const shown = section.getByLabel(/^New token/);
  await expect(shown).toBeVisible({ timeout: 20_000 });
  return shown.inputValue();
}

test("connect an MCP client: empty, a token just made, the token list", async ({
  page,
  secretWatch: watchSecret,
}, testInfo) => {
  test.setTimeout(240_000);
  const madeHere = (url: string, method: string) =>
    method === "POST" && url === `${stack.apiUrl}/functions/v1/agent-tokens`;
  await signUp(page, newEmail("mcp-shots"));
  await connectClickSend(page, SANDBOX, "Shop");
  await createAgent(page, "Customer support assistant for bookings");
  await setScope(page, "Send SMS", true);
  const section = page.getByRole("region", { name: "Connect an MCP client" });
  await expect(section.getByText(/No tokens yet/)).toBeVisible();
  await shootSection(page, testInfo, section, "mcp-empty");

  const used = await makeToken(section, "Claude Desktop on the office laptop");
  watchSecret(used, { allowedIn: madeHere });
  await shootSection(page, testInfo, section, "mcp-token-created");

  // The first token is used once by an MCP client, so the list says when.
  const client = new Client({ name: "shots", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${stack.apiUrl}/functions/v1/agent-mcp`), {
      requestInit: { headers: { authorization: `Bearer ${used}` } },
    }),
  );
  await client.listTools();
  await client.close();
  await section.getByRole("button", { name: "I have saved it" }).click();
  const second = await makeToken(
    section,
    "A token with a rather long name for the staging deployment of the reservations agent",
  );
  watchSecret(second, { allowedIn: madeHere });
  await section.getByRole("button", { name: "I have saved it" }).click();
  await page.reload();
  await expect(section.getByRole("list", { name: "Tokens" }).getByRole("listitem")).toHaveCount(2);
  await shootSection(page, testInfo, section, "mcp-token-list");

  await section.getByRole("button", { name: /^Revoke Claude/ }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await shoot(page, testInfo, FOLDER, "mcp-revoke-dialog", { fullPage: false });
});
