// The copy-ready configuration an MCP client needs to reach an agent's endpoint: the JSON most
// clients read (a Streamable HTTP server with an Authorization header) and the mcp-remote command
// for clients that only start local servers. The real token goes in only right after it is made.

/** Stands for the token whenever the page no longer has it. */
export const TOKEN_PLACEHOLDER = "<your token>";

/** The key a client lists the server under: the agent's name in lower-case words and dashes. */
export function serverKey(agentName: string): string {
  const slug = agentName
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  return slug === "" ? "clicksend-agent" : slug;
}

/** `{"mcpServers": {<key>: {type: "http", url, headers: {Authorization}}}}`. */
export function mcpServersConfig(agentName: string, endpoint: string, token: string | null) {
  return {
    mcpServers: {
      [serverKey(agentName)]: {
        type: "http",
        url: endpoint,
        headers: { Authorization: `Bearer ${token ?? TOKEN_PLACEHOLDER}` },
      },
    },
  };
}

/** For clients that bridge a remote server through a local one. */
export function mcpRemoteCommand(endpoint: string, token: string | null): string {
  return `npx mcp-remote ${endpoint} --header "Authorization: Bearer ${token ?? TOKEN_PLACEHOLDER}"`;
}
