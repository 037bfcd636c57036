// Runs the ClickSend sandbox on its own: `npx tsx local/clicksend-sandbox/cli.ts [options]`.
//   --port <n>               default 54330 (0 = any free port); env CLICKSEND_SANDBOX_PORT
//   --receipt-delay-ms <n>   time from the 200 receipt to the final one; default 2000
//   --rate-limit <n>/<ms>    one limit for every endpoint, e.g. 1000/60000 (default: ClickSend's
//                            observed 20/60 s on GET /account, 6000/60 s elsewhere)
//   --quiet                  no per-request log lines
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  DEFAULT_PORT,
  DEFAULT_RECEIPT_DELAY_MS,
  SANDBOX_API_KEY,
  SANDBOX_USERNAME,
  startSandbox,
  TEST_ACCOUNT_API_KEY,
} from "./server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "receipt-delay-ms": { type: "string" },
    "rate-limit": { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

const argsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT),
  receiptDelayMs: z.coerce.number().int().min(0).default(DEFAULT_RECEIPT_DELAY_MS),
  rateLimit: z
    .string()
    .regex(/^\d+\/\d+$/, "use <limit>/<windowMs>, e.g. 1000/60000")
    .transform((value) => {
      const [limit, windowMs] = value.split("/").map(Number);
      return { limit: limit ?? 1, windowMs: windowMs ?? 60_000 };
    })
    .optional(),
  quiet: z.boolean(),
});

const parsed = argsSchema.safeParse({
  port: values.port ?? process.env.CLICKSEND_SANDBOX_PORT,
  receiptDelayMs: values["receipt-delay-ms"],
  rateLimit: values["rate-limit"],
  quiet: values.quiet,
});
if (!parsed.success) {
  console.error(`clicksend-sandbox: ${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const args = parsed.data;

const sandbox = await startSandbox({
  port: args.port,
  receiptDelayMs: args.receiptDelayMs,
  ...(args.rateLimit ? { rateLimit: args.rateLimit } : {}),
  log: args.quiet
    ? undefined
    : (line) => {
        console.log(`clicksend-sandbox: ${line}`);
      },
});

console.log(`ClickSend sandbox: ${sandbox.url}
  account   ${SANDBOX_USERNAME} / ${SANDBOX_API_KEY} (25.000000 AUD)
  test      nocredit, notactive (401), banned (403) / ${TEST_ACCOUNT_API_KEY}
  controls  ${sandbox.origin}/_sandbox/{reset,clear-pending,drain,state,faults,rate-limit,accounts}`);

const stop = (): void => {
  void sandbox.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
