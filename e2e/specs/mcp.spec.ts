// An agent's remote MCP endpoint as a person sets it up (issue 16): on the agent's page they make
// a token, which is shown this once; an MCP client (the official SDK's, here on the test's side)
// given the endpoint and token from the page sees exactly the agent's granted tools; once the
// token is revoked on the page, the client's next request is refused with 401. The token may
// appear only in the answer to the POST that made it: anywhere else is a leak (secretWatch).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { z } from "zod";
import { expect, review, stack, test } from "../fixtures.ts";
import { connectSandbox, createAgent, newEmail, setScope, signUp } from "./helpers.ts";

/** The one response that may hold the token: agent-tokens' answer to the POST that made it. */
function madeHere(url: string, method: string): boolean {
  return method === "POST" && url === `${stack.apiUrl}/functions/v1/agent-tokens`;
}

const configSchema = z.object({
  mcpServers: z.record(
    z.string(),
    z.object({
      type: z.literal("http"),
      url: z.url(),
      headers: z.object({ Authorization: z.string() }),
    }),
  ),
});

test("an agent's MCP token is shown once, opens the agent's tools to an MCP client, and stops at once when revoked", async ({
  page,
  secretWatch: watchSecret,
}, testInfo) => {
  test.setTimeout(240_000);
  await signUp(page, newEmail("mcp"));
  await connectSandbox(page);
  await createAgent(page, "Support bot");
  await setScope(page, "Send SMS", true);
  await setScope(page, "Check balance", true);
  const section = page.getByRole("region", { name: "Connect an MCP client" });

  await test.step("the agent has no tokens yet", async () => {
    await expect(section.getByText(/No tokens yet/)).toBeVisible();
    await expect(
      section.getByRole("region", { name: "MCP client JSON configuration" }),
    ).toContainText("Bearer <your token>");
    await review(page, testInfo, "mcp-empty");
  });

  let token = "";
  let endpoint = "";
  await test.step("a token is made by keyboard and shown this once, in the configuration too", async () => {
    await section.getByLabel("Token name").fill("Claude Desktop");
    await section.getByLabel("Token name").press("Enter");
    const shown = section.getByLabel(/^New token/);
    await expect(shown).toBeVisible({ timeout: 20_000 });
    token = await shown.inputValue();
    watchSecret(token, { allowedIn: madeHere });
    expect(token).toMatch(/^csa_[A-Za-z0-9_-]{43}$/);
    await expect(section.getByText("You will not see it again", { exact: false })).toBeVisible();

    const config = configSchema.parse(
      JSON.parse(
        await section.getByRole("region", { name: "MCP client JSON configuration" }).innerText(),
      ),
    );
    const server = config.mcpServers["support-bot"];
    expect(server?.headers.Authorization).toBe(`Bearer ${token}`);
    endpoint = server?.url ?? "";
    expect(endpoint).toBe(`${stack.apiUrl}/functions/v1/agent-mcp`);
    await expect(section.getByText(`npx mcp-remote ${endpoint} --header`)).toContainText(
      `Bearer ${token}`,
    );
    await review(page, testInfo, "mcp-token-created");
  });

  const client = new Client({ name: "e2e-mcp-client", version: "1.0.0" });
  await test.step("an MCP client with the token sees the agent's granted tools", async () => {
    await client.connect(
      new StreamableHTTPClientTransport(new URL(endpoint), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "clicksend_get_balance",
      "clicksend_send_sms",
    ]);
  });

  await test.step("dismissed, the token is gone from the page, also after a reload", async () => {
    await section.getByRole("button", { name: "I have saved it" }).click();
    await expect(section.getByLabel(/^New token/)).toHaveCount(0);
    expect(await page.content()).not.toContain(token);
    await page.reload();
    const item = section.getByRole("list", { name: "Tokens" }).getByRole("listitem");
    await expect(item).toHaveCount(1);
    await expect(item).toContainText("Claude Desktop");
    await expect(item).toContainText(`${token.slice(0, 12)}…`);
    // The client's call above is its first use.
    await expect(item).not.toContainText("Last used never");
    await expect(
      section.getByRole("region", { name: "MCP client JSON configuration" }),
    ).toContainText("Bearer <your token>");
    expect(await page.content()).not.toContain(token);
    await review(page, testInfo, "mcp-token-list");
  });

  await test.step("revoked by keyboard after a confirmation, the client is refused at once", async () => {
    await section.getByRole("button", { name: "Revoke Claude Desktop" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Revoke “Claude Desktop”?" });
    await expect(dialog).toBeVisible();
    await review(page, testInfo, "mcp-revoke-dialog");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: "Revoke token" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(dialog).toBeHidden();
    await expect(section.getByText(/No tokens yet/)).toBeVisible({ timeout: 20_000 });
    await expect(section.getByText("Revoked “Claude Desktop”", { exact: false })).toBeVisible();

    const refused: unknown = await client.listTools().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(401);
    await client.close();
  });
});
