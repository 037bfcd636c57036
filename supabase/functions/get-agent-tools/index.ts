// POST {agent_id} by the agent's owner or the service role → {tools: [...]} in OpenAI
// function-calling format, only for the agent's active, unexpired grants.
import { discoverTools } from "../_shared/agent-tools.ts";
import { discoverBodySchema } from "../_shared/contracts/function-requests.ts";
import { readEnv } from "../_shared/env.ts";
import { json, readJson, serve } from "../_shared/http.ts";
import { redactText } from "../_shared/redact.ts";
import { identifyCaller, serviceClient } from "../_shared/supabase.ts";

const env = readEnv((name) => Deno.env.get(name));

Deno.serve(
  serve(
    {
      POST: async (req) => {
        const caller = await identifyCaller(req, env, { allowService: true });
        const body = await readJson(req, discoverBodySchema);
        // The owner's own client (RLS) or the service role: either sees the agent only if allowed.
        const db = caller.kind === "user" ? caller.db : serviceClient(env);
        return json(200, await discoverTools(db, body.agent_id));
      },
    },
    (line) => {
      console.log(redactText(line));
    },
    { gatewaySecret: env.FUNCTIONS_GATEWAY_SECRET },
  ),
);
