// POST {connection_id, action, params}: the dashboard's ClickSend data for the caller's own
// connection (balance, history, receipts, send, price, cancel). See _shared/dashboard-api.ts.
import { apiBodySchema } from "../_shared/contracts/function-requests.ts";
import { runDashboardAction } from "../_shared/dashboard-api.ts";
import { readEnv } from "../_shared/env.ts";
import { json, readJson, serve } from "../_shared/http.ts";
import { redactText } from "../_shared/redact.ts";
import { identifyCaller, serviceClient } from "../_shared/supabase.ts";

const env = readEnv((name) => Deno.env.get(name));

Deno.serve(
  serve(
    {
      POST: async (req) => {
        const caller = await identifyCaller(req, env, { allowService: false });
        if (caller.kind !== "user")
          throw new Error("unreachable: service callers are refused above");
        const body = await readJson(req, apiBodySchema);
        const result = await runDashboardAction(env, serviceClient(env), caller.userId, body);
        return json(200, { ok: true, result });
      },
    },
    (line) => {
      console.log(redactText(line));
    },
    { gatewaySecret: env.FUNCTIONS_GATEWAY_SECRET },
  ),
);
