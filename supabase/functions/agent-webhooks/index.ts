// An agent's reply webhook, for the agent's owner: POST {"action": "set", "agent_id", "url"}
// (a new webhook answers its signing secret, once), {"action": "rotate_secret", "agent_id"}
// (a new secret, once), {"action": "remove", "agent_id"}. The settings and every delivery
// attempt are read through REST (agent_webhooks, agent_webhook_deliveries; RLS: own rows).
import { changeAgentWebhook, systemResolver } from "../_shared/agent-webhooks.ts";
import { agentWebhookBodySchema } from "../_shared/contracts/function-requests.ts";
import { readEnv } from "../_shared/env.ts";
import { json, readJson, serve } from "../_shared/http.ts";
import { redactText } from "../_shared/redact.ts";
import { identifyCaller, serviceClient } from "../_shared/supabase.ts";

const env = readEnv((name) => Deno.env.get(name));
const service = serviceClient(env);

Deno.serve(
  serve(
    {
      POST: async (req) => {
        const caller = await identifyCaller(req, env, { allowService: false });
        if (caller.kind !== "user") throw new Error("unreachable: service callers are refused");
        const body = await readJson(req, agentWebhookBodySchema);
        const result = await changeAgentWebhook(env, service, caller.userId, body, systemResolver);
        return json(
          body.action === "set" && "secret" in result && result.secret ? 201 : 200,
          result,
        );
      },
    },
    (line) => console.log(redactText(line)),
    { gatewaySecret: env.FUNCTIONS_GATEWAY_SECRET },
  ),
);
