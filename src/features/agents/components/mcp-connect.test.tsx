import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { http } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { mcpEndpointUrl, type AgentToken } from "@contracts/agent-tokens.ts";
import type { Agent } from "@/features/agents/api/get-agents";
import { McpConnectSection } from "@/features/agents/components/mcp-connect";
import { TOKEN_PLACEHOLDER } from "@/features/agents/components/mcp-config";
import { env } from "@/lib/env";
import { signInForTest } from "@/testing/auth";
import {
  agentTokensBackend,
  agentTokenStore,
  type AgentTokenStore,
} from "@/testing/msw/agent-tokens";
import { DEMO_USER } from "@/testing/msw/auth-handlers";
import { functionError } from "@/testing/msw/function-responses";
import { server } from "@/testing/msw/server";
import { functionUrl } from "@/testing/msw/urls";

// Issue 16: an agent's "Connect an MCP client" section: its tokens, a new one shown once, and
// the configuration an MCP client needs.

const AGENT: Agent = {
  id: "a0000000-0000-4000-8000-000000000001",
  name: "Support Bot (AU)",
  description: null,
  created_at: "2025-01-01T00:00:00.000Z",
};
const OTHER_AGENT_ID = "a0000000-0000-4000-8000-000000000002";
const ENDPOINT = mcpEndpointUrl(env.supabaseUrl);

function token(overrides: Partial<AgentToken> = {}): AgentToken {
  return {
    id: crypto.randomUUID(),
    agent_id: AGENT.id,
    name: "Claude Desktop",
    prefix: "csa_AbCd1234",
    created_at: "2025-03-01T09:00:00.000Z",
    last_used_at: null,
    ...overrides,
  };
}

let store: AgentTokenStore;

beforeEach(async () => {
  store = agentTokenStore([], [AGENT.id, OTHER_AGENT_ID]);
  await signInForTest(DEMO_USER);
});

function renderSection() {
  server.use(...agentTokensBackend(store));
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={queryClient}>
      <McpConnectSection agent={AGENT} />
    </QueryClientProvider>,
  );
  return { user, queryClient };
}

const section = () => screen.getByRole("region", { name: "Connect an MCP client" });
const configuration = () => screen.getByRole("region", { name: "MCP client JSON configuration" });

async function createToken(user: ReturnType<typeof userEvent.setup>, name: string) {
  await user.type(screen.getByLabelText("Token name"), name);
  await user.click(screen.getByRole("button", { name: "Create token" }));
}

describe("Connect an MCP client", () => {
  it("shows the endpoint and, with no tokens, says so and offers a placeholder", async () => {
    renderSection();
    expect(await screen.findByText(/No tokens yet/)).toBeInTheDocument();
    expect(within(section()).getAllByText(ENDPOINT, { exact: false }).length).toBeGreaterThan(0);
    const json = JSON.parse(configuration().textContent) as {
      mcpServers: Record<string, { type: string; url: string; headers: Record<string, string> }>;
    };
    expect(json).toEqual({
      mcpServers: {
        "support-bot-au": {
          type: "http",
          url: ENDPOINT,
          headers: { Authorization: `Bearer ${TOKEN_PLACEHOLDER}` },
        },
      },
    });
    expect(
      screen.getByText(
        `npx mcp-remote ${ENDPOINT} --header "Authorization: Bearer ${TOKEN_PLACEHOLDER}"`,
      ),
    ).toBeInTheDocument();
  });

  it("lists only this agent's tokens, with their first characters and when they were used", async () => {
    store.tokens.push(
      token({ name: "Cursor", last_used_at: "2025-03-02T10:00:00.000Z" }),
      token({ name: "Claude Desktop", created_at: "2025-02-01T09:00:00.000Z" }),
      token({ name: "Other agent's", agent_id: OTHER_AGENT_ID }),
    );
    renderSection();
    const list = await screen.findByRole("list", { name: "Tokens" });
    const items = within(list).getAllByRole("listitem");
    expect(
      items.map((item) => within(item).getByText(/^(Cursor|Claude Desktop|Other)/).textContent),
    ).toEqual(["Cursor", "Claude Desktop"]);
    expect(items[1]).toHaveTextContent("csa_AbCd1234…");
    expect(items[1]).toHaveTextContent(/Last used never/);
    expect(items[0]).not.toHaveTextContent(/Last used never/);
    expect(items[0]).toHaveTextContent(/Last used .*2025/);
  });

  it("checks the name in the browser before asking the server", async () => {
    const { user } = renderSection();
    await screen.findByText(/No tokens yet/);
    await user.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByText("Give the token a name.")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Token name"), "x".repeat(101));
    await user.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByText("At most 100 characters.")).toBeInTheDocument();
    expect(screen.getByLabelText("Token name")).toHaveAttribute("aria-invalid", "true");
    expect(store.calls.filter((call) => call.method === "POST")).toEqual([]);
  });

  it("shows a new token once, in the configuration too, and nowhere after it is dismissed", async () => {
    const { user, queryClient } = renderSection();
    await screen.findByText(/No tokens yet/);
    await createToken(user, "Claude Desktop");

    const shown = await screen.findByLabelText("New token “Claude Desktop”");
    expect(store.calls.filter((call) => call.method === "POST")).toEqual([
      { method: "POST", body: { agent_id: AGENT.id, name: "Claude Desktop" } },
    ]);
    const [issued] = store.issued;
    if (issued === undefined) throw new Error("no token was made");
    expect(shown).toHaveValue(issued);
    expect(screen.getByText(/You will not see it again/)).toBeInTheDocument();
    expect(configuration()).toHaveTextContent(`Bearer ${issued}`);
    expect(screen.getByText(new RegExp(`Bearer ${issued}"$`))).toBeInTheDocument();
    const list = await screen.findByRole("list", { name: "Tokens" });
    expect(list).toHaveTextContent(`${issued.slice(0, 12)}…`);
    expect(screen.getByLabelText("Token name")).toHaveValue("");

    // Held by this component only: not in react-query's caches, not in the browser's storage.
    const caches = JSON.stringify([
      queryClient
        .getQueryCache()
        .getAll()
        .map((query) => query.state),
      queryClient
        .getMutationCache()
        .getAll()
        .map((mutation) => mutation.state),
    ]);
    expect(caches).not.toContain(issued);
    const dump = (storage: Storage) =>
      Array.from({ length: storage.length }, (_, index) => {
        const key = storage.key(index) ?? "";
        return `${key}=${storage.getItem(key) ?? ""}`;
      }).join("\n");
    const storage = `${dump(localStorage)}\n${dump(sessionStorage)}`;
    expect(storage).not.toContain(issued);

    await user.click(screen.getByRole("button", { name: "I have saved it" }));
    expect(screen.queryByLabelText(/^New token/)).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain(issued);
    expect(configuration()).toHaveTextContent(`Bearer ${TOKEN_PLACEHOLDER}`);
  });

  it("revokes a token only after the confirmation", async () => {
    store.tokens.push(token({ name: "Cursor" }));
    const { user } = renderSection();
    await user.click(await screen.findByRole("button", { name: "Revoke Cursor" }));
    let dialog = screen.getByRole("dialog", { name: "Revoke “Cursor”?" });
    expect(dialog).toHaveTextContent("csa_AbCd1234…");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(store.calls.filter((call) => call.method === "DELETE")).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Revoke Cursor" }));
    dialog = screen.getByRole("dialog", { name: "Revoke “Cursor”?" });
    await user.click(within(dialog).getByRole("button", { name: "Revoke token" }));
    expect(await screen.findByText(/No tokens yet/)).toBeInTheDocument();
    expect(screen.getByText(/Revoked “Cursor”/)).toBeInTheDocument();
    expect(store.calls.filter((call) => call.method === "DELETE")).toHaveLength(1);
    expect(store.tokens).toEqual([]);
  });

  it("says when a token was already revoked, and drops it from the list", async () => {
    const gone = token({ name: "Cursor" });
    store.tokens.push(gone);
    const { user } = renderSection();
    await user.click(await screen.findByRole("button", { name: "Revoke Cursor" }));
    store.tokens = [];
    await user.click(screen.getByRole("button", { name: "Revoke token" }));
    expect(await screen.findByText("Token not found")).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.queryByRole("list", { name: "Tokens" })).not.toBeInTheDocument();
    });
  });

  it("says why a token was not made, past the agent's 20", async () => {
    for (let index = 0; index < 20; index += 1)
      store.tokens.push(token({ name: `T${String(index)}` }));
    const { user } = renderSection();
    await screen.findByRole("list", { name: "Tokens" });
    await createToken(user, "One more");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Too many tokens");
    expect(alert).toHaveTextContent(/at most 20 tokens.*Revoke one you no longer use/);
    expect(screen.queryByLabelText(/^New token/)).not.toBeInTheDocument();
  });

  it("says when the tokens could not be loaded, and tries again", async () => {
    server.use(
      http.get(functionUrl("agent-tokens"), () =>
        functionError(503, "backend_busy", "Busy, try again.", { retryable: true }),
      ),
    );
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const user = userEvent.setup();
    render(
      <QueryClientProvider client={queryClient}>
        <McpConnectSection agent={AGENT} />
      </QueryClientProvider>,
    );
    expect(await screen.findByText("Could not load the tokens")).toBeInTheDocument();
    server.use(...agentTokensBackend(store));
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText(/No tokens yet/)).toBeInTheDocument();
  });
});
