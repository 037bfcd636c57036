// Fault injection: the next N matching /v3 requests answer 500, never answer, or answer 200 with
// a truncated body. "before" faults skip the request (nothing happens); "after" faults process it
// first and then lose the answer, which is what makes a retried send a duplicate.
import { z } from "zod";

const FAULT_MODES = ["error500", "timeout", "malformed"] as const;
type FaultMode = (typeof FAULT_MODES)[number];

export const faultSchema = z.object({
  mode: z.enum(FAULT_MODES),
  count: z.number().int().min(1).max(10_000).default(1),
  when: z.enum(["before", "after"]).default("before"),
  /** Only requests with this method, e.g. "POST". */
  method: z
    .string()
    .regex(/^[A-Za-z]+$/)
    .transform((method) => method.toUpperCase())
    .optional(),
  /** Only requests whose path below /v3 starts with this, e.g. "/sms/send". */
  path: z.string().startsWith("/").optional(),
  /** Matching requests let through before the fault starts (the 2nd request of a bulk send). */
  skip: z.number().int().min(0).max(10_000).default(0),
});

export type FaultRequest = z.infer<typeof faultSchema>;

export interface Fault {
  mode: FaultMode;
  remaining: number;
  when: "before" | "after";
  method?: string;
  path?: string;
  /** Matching requests still to let through before the fault hits. */
  skip: number;
}

export function addFault(faults: Fault[], request: FaultRequest): void {
  const fault: Fault = {
    mode: request.mode,
    remaining: request.count,
    when: request.when,
    skip: request.skip,
  };
  if (request.method) fault.method = request.method;
  if (request.path) fault.path = request.path;
  faults.push(fault);
}

/** Consumes one use of the first fault that matches the request, if any. */
export function takeFault(faults: Fault[], method: string, path: string): Fault | undefined {
  const index = faults.findIndex(
    (fault) =>
      (fault.method === undefined || fault.method === method) &&
      (fault.path === undefined || path.startsWith(fault.path)),
  );
  const fault = faults[index];
  if (!fault) return undefined;
  if (fault.skip > 0) {
    fault.skip -= 1;
    return undefined;
  }
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults.splice(index, 1);
  return { ...fault };
}

/** A cut-off body: valid UTF-8, invalid JSON. */
export function truncate(body: string): string {
  const cut = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
  return cut.endsWith("}") ? cut.slice(0, -1) : cut;
}

/** What a "before" malformed fault sends: the start of a success envelope. */
export const MALFORMED_BODY = '{"http_code":200,"response_code":"SUCCESS","response_msg":"Here';
