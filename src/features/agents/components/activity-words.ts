import type { BadgeTone } from "@/components/ui/badge";
import type { ToolCallLog } from "@/features/agents/api/get-agent-activity";
import { isToolName, toolByName, type ToolName } from "@/features/agents/catalog";
import { ApiError, errorTitle } from "@/lib/api-error";

const SENDS: ReadonlySet<ToolName> = new Set(["clicksend_send_sms", "clicksend_send_mms"]);

/** The tool in words ("Send SMS"); a name the catalog no longer has is shown as it was logged. */
export function toolLabel(name: string): string {
  return isToolName(name) ? toolByName(name).label : name;
}

export type CallOutcome = {
  /** What happened, in a few words (the badge). */
  label: string;
  tone: BadgeTone;
  /** The executor's own sentence, when it said more (a refusal's reason and figures). */
  detail: string | null;
  /** Held for approval: the send waits in the Approvals inbox. */
  held: boolean;
};

/** What one logged call came to, in words. */
export function describeCall(call: ToolCallLog): CallOutcome {
  if (call.success) {
    const sent = isToolName(call.tool_name) && SENDS.has(call.tool_name);
    return { label: sent ? "Sent" : "Read", tone: "success", detail: null, held: false };
  }
  const detail = call.error_message;
  switch (call.error_code) {
    case "policy_denied":
      return { label: "Refused by this agent's limits", tone: "warning", detail, held: false };
    case "approval_pending":
      return { label: "Held for approval", tone: "info", detail: null, held: true };
    case "permission_denied":
      return { label: "Not allowed", tone: "danger", detail, held: false };
    default: {
      const code = call.error_code ?? "internal_error";
      const title = errorTitle(new ApiError(code, detail ?? ""), "Something went wrong");
      return { label: `Failed: ${title}`, tone: "danger", detail, held: false };
    }
  }
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "just now", "5 minutes ago", "yesterday": how long ago, in the largest whole unit. */
export function formatAgo(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  for (const [unit, size] of UNITS) {
    if (seconds >= size) return relative.format(-Math.floor(seconds / size), unit);
  }
  return "just now";
}

/** The moment to the second in the user's zone, e.g. "2 Dec 2026, 15:04:05". */
export function formatExact(iso: string): string {
  return exact.format(new Date(iso));
}
