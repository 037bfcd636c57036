// POST connect, PATCH rotate/rename/reconnect, DELETE disconnect a ClickSend account (see _shared/connections.ts).
import {
  connectBodySchema,
  deleteBodySchema,
  updateBodySchema,
} from "../_shared/contracts/connection-schemas.ts";
import { connect, disconnect, update } from "../_shared/connections.ts";
import { isSandbox, readEnv, sandboxAccount } from "../_shared/env.ts";
import { clientAddress, json, readJson, serve } from "../_shared/http.ts";
import { identifyCaller, serviceClient } from "../_shared/supabase.ts";
import { redactText } from "../_shared/redact.ts";

const env = readEnv((name) => Deno.env.get(name));
const log = (line: string): void => {
  console.log(redactText(line));
};

async function asUser(req: Request) {
  const caller = await identifyCaller(req, env, { allowService: false });
  if (caller.kind !== "user") throw new Error("unreachable: service callers are refused above");
  return { db: caller.db, requester: { userId: caller.userId, clientIp: clientAddress(req) } };
}

Deno.serve(
  serve(
    {
      // Which ClickSend this backend talks to; the sandbox's credentials are public test values
      // that the local stack hands to the functions.
      GET: async (req) => {
        await asUser(req);
        return json(200, { sandbox: isSandbox(env), sandbox_account: sandboxAccount(env) });
      },
      POST: async (req) => {
        const { db, requester } = await asUser(req);
        const body = await readJson(req, connectBodySchema);
        const result = await connect(env, db, serviceClient(env), requester, body);
        log(`connected ClickSend account for connection ${result.connection.id}`);
        return json(201, result);
      },
      PATCH: async (req) => {
        const { db, requester } = await asUser(req);
        const body = await readJson(req, updateBodySchema);
        return json(200, await update(env, db, serviceClient(env), requester, body));
      },
      DELETE: async (req) => {
        const { db } = await asUser(req);
        const body = await readJson(req, deleteBodySchema);
        const result = await disconnect(env, db, serviceClient(env), body.connection_id);
        log(
          `disconnected connection ${result.connection.id}; ${String(result.revoked_grants)} grant(s) revoked`,
        );
        return json(200, result);
      },
    },
    log,
    { gatewaySecret: env.FUNCTIONS_GATEWAY_SECRET },
  ),
);
