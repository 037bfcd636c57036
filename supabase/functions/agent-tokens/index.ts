// Agent tokens of the remote MCP endpoint, for the signed-in owner: POST {"agent_id", "name"}
// answers 201 with the token (shown this once; only its hash is kept), GET lists the caller's
// tokens (never a token), DELETE {"id"} revokes one at once. See _shared/agent-tokens.ts.
import { createAgentToken, listAgentTokens, revokeAgentToken } from "../_shared/agent-tokens.ts";
import {
  createAgentTokenBodySchema,
  revokeAgentTokenBodySchema,
} from "../_shared/contracts/agent-tokens.ts";
import { readEnv } from "../_shared/env.ts";
import { json, readJson, serve } from "../_shared/http.ts";
import { redactText } from "../_shared/redact.ts";
import { identifyCaller, serviceClient, type Caller } from "../_shared/supabase.ts";

const env = readEnv((name) => Deno.env.get(name));
const service = serviceClient(env);

type UserCaller = Extract<Caller, { kind: "user" }>;

async function signedIn(req: Request): Promise<UserCaller> {
  const caller = await identifyCaller(req, env, { allowService: false });
  if (caller.kind !== "user") throw new Error("unreachable: service callers are refused");
  return caller;
}

Deno.serve(
  serve(
    {
      GET: async (req) => {
        const caller = await signedIn(req);
        return json(200, await listAgentTokens(caller.db));
      },
      POST: async (req) => {
        const caller = await signedIn(req);
        const body = await readJson(req, createAgentTokenBodySchema);
        const created = await createAgentToken(env, service, caller.userId, body);
        // The token itself is never logged: the id and prefix tell it apart.
        console.log(`agent token ${created.id} (${created.prefix}…) for agent ${body.agent_id}`);
        return json(201, created, { "cache-control": "no-store" });
      },
      DELETE: async (req) => {
        const caller = await signedIn(req);
        const body = await readJson(req, revokeAgentTokenBodySchema);
        const revoked = await revokeAgentToken(caller.db, body);
        console.log(`agent token ${revoked.id} revoked`);
        return json(200, revoked);
      },
    },
    (line) => console.log(redactText(line)),
    { gatewaySecret: env.FUNCTIONS_GATEWAY_SECRET },
  ),
);
