import type { z } from "zod";

import {
  policyDeniedBodySchema,
  type PolicyDetails,
  type PolicyReason,
} from "@contracts/guardrails.ts";
import { ApiError, functionsErrorToApiError } from "@/lib/api-error";
import { formatMoney } from "@/lib/format-money";
import { timeUntil } from "@/lib/format-time";
import { supabase } from "@/lib/supabase";

/**
 * A call refused whole by an agent's quiet hours or limits (403 policy_denied), with the figures
 * the server gave, so the page can say them instead of a bare message.
 */
export class PolicyDeniedError extends ApiError {
  override name = "PolicyDeniedError";
  readonly reason: PolicyReason;
  readonly details: PolicyDetails;

  constructor(reason: PolicyReason, message: string, retryable: boolean, details: PolicyDetails) {
    super("policy_denied", message, retryable, 403);
    this.reason = reason;
    this.details = details;
  }
}

/** The policy_denied body of a function's 403, read from a copy so the error keeps its own. */
async function policyDeniedFrom(error: unknown): Promise<PolicyDeniedError | undefined> {
  if (!(error instanceof Error) || error.name !== "FunctionsHttpError") return undefined;
  const context: unknown = (error as Error & { context?: unknown }).context;
  if (!(context instanceof Response) || context.status !== 403) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(await context.clone().text()) as unknown;
  } catch {
    return undefined;
  }
  const parsed = policyDeniedBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { reason, message, retryable, details } = parsed.data.error;
  return new PolicyDeniedError(reason, message, retryable, details);
}

/** The functions whose answers may be a policy refusal: the executor and the approvals inbox. */
type GuardedFunction = "execute-agent-tool" | "agent-approvals";

/**
 * Calls a function that applies an agent's policy, like `invokeFunction`, but a 403
 * policy_denied is thrown as a PolicyDeniedError carrying its figures. Any 2xx answer (the
 * executor's 202 "waiting for approval" too) is parsed with `schema`.
 */
export async function invokeGuardedFunction<T>(
  name: GuardedFunction,
  body: Record<string, unknown> | undefined,
  { method = "POST", schema }: { method?: "GET" | "POST"; schema: z.ZodType<T> },
): Promise<T> {
  const result = await supabase.functions.invoke<unknown>(name, {
    body: method === "GET" ? undefined : body,
    method,
  });
  // supabase-js types the error as any; it is a FunctionsError subclass.
  const error: unknown = result.error;
  if (error) throw (await policyDeniedFrom(error)) ?? (await functionsErrorToApiError(error));
  const parsed = schema.safeParse(result.data);
  if (!parsed.success) {
    throw new ApiError(
      "unexpected_response",
      `${name} answered in a form this app does not understand. Reload the page; if it persists, the app and server versions differ.`,
    );
  }
  return parsed.data;
}

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

/** The wall-clock time (24 h) of a moment in a time zone, e.g. "07:00". */
function clockIn(at: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(at);
  } catch {
    // An unknown zone (the database accepted it, the browser does not know it): show UTC.
    return `${at.toISOString().slice(11, 16)} UTC`;
  }
}

type PolicyDenialWords = {
  /** What refused the send, with its figures: "Daily limit reached: 48 of 50 messages used…". */
  summary: string;
  /** What happens next: when it passes by itself, or what to change. */
  next: string;
};

/**
 * A policy refusal in words, from its figures; the server's message when a figure is missing.
 * `now` is the moment "in 5 h" counts from.
 */
export function describePolicyDenial(
  { reason, details, message }: Pick<PolicyDeniedError, "reason" | "details" | "message">,
  now: Date = new Date(),
): PolicyDenialWords {
  const { limit, used, requested } = details;
  switch (reason) {
    case "daily_message_limit":
      return {
        summary:
          limit !== undefined && used !== undefined && requested !== undefined
            ? `Daily limit reached: ${used.toLocaleString()} of ${plural(limit, "message", "messages")} used in the last 24 hours, this send needs ${requested.toLocaleString()}.`
            : message,
        next: "Nothing was sent. It fits again as earlier messages pass 24 hours old, or raise the limit under Limits and safety.",
      };
    case "monthly_spend_limit": {
      const currency = details.currency ?? null;
      const cost = details.price ?? requested;
      return {
        summary:
          limit !== undefined && used !== undefined && cost !== undefined
            ? `Monthly spend limit reached: ${formatMoney(used, currency, { precise: true })} of ${formatMoney(limit, currency)} spent this month, this send costs ${formatMoney(cost, currency, { precise: true })}.`
            : message,
        next: "Nothing was sent. It will not pass by itself before the month ends: raise the limit under Limits and safety, or send less.",
      };
    }
    case "quiet_hours": {
      const opensAt = details.opens_at ? new Date(details.opens_at) : undefined;
      const zone = details.timezone ?? "UTC";
      return {
        summary:
          opensAt && !Number.isNaN(opensAt.getTime())
            ? `Quiet hours until ${clockIn(opensAt, zone)} ${zone} (${timeUntil(opensAt, now)}).`
            : message,
        next: "Nothing was sent. Send again once quiet hours end, or schedule it for then.",
      };
    }
  }
}
