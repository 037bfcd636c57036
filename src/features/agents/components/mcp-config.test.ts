import { describe, expect, it } from "vitest";

import {
  mcpRemoteCommand,
  mcpServersConfig,
  serverKey,
  TOKEN_PLACEHOLDER,
} from "@/features/agents/components/mcp-config";

describe("MCP client configuration", () => {
  it("names the server after the agent, in lower-case words and dashes", () => {
    expect(serverKey("Support Bot (AU)")).toBe("support-bot-au");
    expect(serverKey("  Café — réservations ")).toBe("cafe-reservations");
    expect(serverKey("🤖🤖")).toBe("clicksend-agent");
    expect(serverKey("a".repeat(60) + " b")).toBe("a".repeat(48));
  });

  it("puts the token in the header, or the placeholder when there is none", () => {
    expect(mcpServersConfig("Bot", "https://x.test/functions/v1/agent-mcp", "csa_T")).toEqual({
      mcpServers: {
        bot: {
          type: "http",
          url: "https://x.test/functions/v1/agent-mcp",
          headers: { Authorization: "Bearer csa_T" },
        },
      },
    });
    expect(mcpRemoteCommand("https://x.test/mcp", null)).toBe(
      `npx mcp-remote https://x.test/mcp --header "Authorization: Bearer ${TOKEN_PLACEHOLDER}"`,
    );
  });
});
