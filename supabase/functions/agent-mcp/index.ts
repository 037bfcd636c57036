// One agent's remote MCP endpoint (Streamable HTTP, stateless): POST with
// `Authorization: Bearer <agent token>` (made by agent-tokens); GET and DELETE answer 405, as
// there are no sessions or server-sent streams. verify_jwt is off: the token is checked here.
// tools/list and tools/call go through the same discovery and executor as get-agent-tools and
// execute-agent-tool; see _shared/mcp.ts.
import { agentOfRequest } from "../_shared/agent-tokens.ts";
import { discoverTools, executeTool } from "../_shared/agent-tools.ts";
import { readEnv } from "../_shared/env.ts";
import { serve, unacceptableJson } from "../_shared/http.ts";
import { handleMcpPost } from "../_shared/mcp.ts";
import { redactText } from "../_shared/redact.ts";
import { serviceClient } from "../_shared/supabase.ts";

const env = readEnv((name) => Deno.env.get(name));
const service = serviceClient(env);

/** A JSON-RPC error with no request id, as HTTP `status` (the transport's own shape). */
function rpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status,
    headers: { "content-type": "application/json", "access-control-allow-origin": "*" },
  });
}

Deno.serve(
  serve(
    {
      POST: async (req) => {
        const holder = await agentOfRequest(req, service);
        let parsed: unknown;
        try {
          parsed = JSON.parse(await req.clone().text());
        } catch {
          return rpcError(400, -32700, "Parse error: the body is not JSON.");
        }
        // What no function accepts in a JSON body (NUL, "__proto__", deep nesting): Invalid Request.
        const problem = unacceptableJson(parsed);
        if (problem !== null) return rpcError(400, -32600, `Invalid Request: ${problem}`);
        // JSON-RPC 2.0: an empty batch is an Invalid Request (the SDK transport answered 202).
        if (Array.isArray(parsed) && parsed.length === 0) {
          return rpcError(400, -32600, "Invalid Request: an empty batch.");
        }
        const response = await handleMcpPost(req, parsed, {
          agentId: holder.agentId,
          listTools: async () => (await discoverTools(service, holder.agentId)).tools,
          execute: (body) => executeTool(env, service, holder.userId, body),
        });
        console.log(
          `mcp for agent ${holder.agentId} (token ${holder.tokenId}): ${String(response.status)}`,
        );
        const headers = new Headers(response.headers);
        headers.set("access-control-allow-origin", "*");
        return new Response(response.body, { status: response.status, headers });
      },
    },
    (line) => console.log(redactText(line)),
    { gatewaySecret: env.FUNCTIONS_GATEWAY_SECRET },
  ),
);
