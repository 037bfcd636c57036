// ClickSend's delivery-receipt push (verify_jwt = false; the URL's secret token authenticates).
// Answers 200 quickly so ClickSend does not retry; unknown messages are acknowledged and ignored.
import { readEnv } from "../_shared/env.ts";
import { json, serve } from "../_shared/http.ts";
import { applyReceiptPush } from "../_shared/receipt-webhook.ts";
import { redactText } from "../_shared/redact.ts";
import { serviceClient } from "../_shared/supabase.ts";

const env = readEnv((name) => Deno.env.get(name));
const service = serviceClient(env);

Deno.serve(
  serve(
    {
      POST: async (req) => {
        const token = new URL(req.url).searchParams.get("token");
        const form = new URLSearchParams(await req.text());
        const { applied } = await applyReceiptPush(service, token, form);
        return json(200, { received: true, applied });
      },
    },
    (line) => {
      console.log(redactText(line));
    },
    { gatewaySecret: env.FUNCTIONS_GATEWAY_SECRET },
  ),
);
