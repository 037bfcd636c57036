// ClickSend's reply push (verify_jwt = false; the URL's secret token authenticates), in any of
// the inbound rule's three formats: a form POST, a GET with the same keys as a query, or a JSON
// POST. Answers 200 as soon as the reply is stored (a repeat stores nothing), then wakes the agent
// whose message it answers. A STOP reply's number joins the opt-out list in the same database
// call; its messages still scheduled at ClickSend are cancelled before the answer.
import { wakeAgents } from "../_shared/agent-webhooks.ts";
import { cancelOptedOut } from "../_shared/clicksend-operations.ts";
import { readEnv } from "../_shared/env.ts";
import { ApiError, json, serve, type RouteHandler } from "../_shared/http.ts";
import { MAX_PUSH_BYTES, pushFields, storePushedReply } from "../_shared/inbound.ts";
import { redactText } from "../_shared/redact.ts";
import { serviceClient } from "../_shared/supabase.ts";

const env = readEnv((name) => Deno.env.get(name));
const service = serviceClient(env);

const receive: RouteHandler = async (req) => {
  const url = new URL(req.url);
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_PUSH_BYTES)
    throw new ApiError(413, "invalid_reply", "A reply push is at most 64 kB.");
  const text = req.method === "GET" ? "" : await req.text();
  if (new TextEncoder().encode(text).length > MAX_PUSH_BYTES)
    throw new ApiError(413, "invalid_reply", "A reply push is at most 64 kB.");
  const fields = pushFields(req.method, url, req.headers.get("content-type"), text);
  const { connectionId, userId, cancel, stored } = await storePushedReply(
    service,
    url.searchParams.get("token"),
    fields,
  );
  void wakeAgents(env, service, stored, connectionId);
  // An opt-out cancels the number's messages still scheduled at ClickSend before the answer,
  // so nothing scheduled goes out after the 200 (rare: most STOPs have none).
  await cancelOptedOut(env, service, userId, connectionId, cancel);
  return json(200, { received: true, stored: stored.length });
};

Deno.serve(
  serve({ GET: receive, POST: receive }, (line) => console.log(redactText(line)), {
    gatewaySecret: env.FUNCTIONS_GATEWAY_SECRET,
  }),
);
