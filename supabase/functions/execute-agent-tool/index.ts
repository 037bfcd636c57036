// POST {agent_id, tool, arguments, idempotency_key?} by the agent's owner or the service role.
// Permission is checked in the database on every call; see _shared/agent-tools.ts.
import { executeTool } from "../_shared/agent-tools.ts";
import { executeBodySchema } from "../_shared/contracts/function-requests.ts";
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
        const body = await readJson(req, executeBodySchema);
        const outcome = await executeTool(
          env,
          serviceClient(env),
          caller.kind === "user" ? caller.userId : null,
          body,
        );
        console.log(
          `tool ${body.tool.slice(0, 64)} for agent ${body.agent_id}: ${String(outcome.status)}`,
        );
        return json(outcome.status, outcome.body, outcome.headers);
      },
    },
    (line) => {
      console.log(redactText(line));
    },
    { gatewaySecret: env.FUNCTIONS_GATEWAY_SECRET },
  ),
);
