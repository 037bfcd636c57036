// Approvals of agents' held sends, for the signed-in owner: GET lists the pending ones and the
// recent decided or expired ones; POST {"approval_id", "decision": "approve" | "reject", "body"?}
// decides one (approve sends exactly once; see _shared/approvals.ts).
import { decideApproval, listApprovals } from "../_shared/approvals.ts";
import { decideApprovalBodySchema } from "../_shared/contracts/guardrails.ts";
import { readEnv } from "../_shared/env.ts";
import { json, readJson, serve } from "../_shared/http.ts";
import { redactText } from "../_shared/redact.ts";
import { identifyCaller, serviceClient, type Caller } from "../_shared/supabase.ts";

const env = readEnv((name) => Deno.env.get(name));
const service = serviceClient(env);

function userOf(caller: Caller): string {
  if (caller.kind !== "user") throw new Error("unreachable: service callers are refused");
  return caller.userId;
}

Deno.serve(
  serve(
    {
      GET: async (req) => {
        const userId = userOf(await identifyCaller(req, env, { allowService: false }));
        return json(200, await listApprovals(service, userId));
      },
      POST: async (req) => {
        const userId = userOf(await identifyCaller(req, env, { allowService: false }));
        const body = await readJson(req, decideApprovalBodySchema);
        const decided = await decideApproval(env, service, userId, body);
        console.log(`approval ${body.approval_id} ${body.decision}: ${String(decided.status)}`);
        return json(decided.status, decided.body);
      },
    },
    (line) => console.log(redactText(line)),
    { gatewaySecret: env.FUNCTIONS_GATEWAY_SECRET },
  ),
);
