import { useId } from "react";
import { z } from "zod";

import type { Approval } from "@contracts/guardrails.ts";
import { sendOutcomeSchema } from "@contracts/send-outcome.ts";
import { toolAccountSchema } from "@contracts/tool-account.ts";
import { SendOutcomeReport } from "@/components/send-outcome-report";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { JsonBlock } from "@/components/ui/json-block";
import { costLine } from "@/features/approvals/components/held-send";
import { agentLabel } from "@/features/approvals/components/pending-approval";
import { formatDateTime } from "@/lib/format-time";

/** An approved send's outcome body: what the executor answered, as a send from the playground. */
const sentSchema = z.object({
  ok: z.literal(true),
  result: sendOutcomeSchema,
  account: toolAccountSchema.optional(),
});
const failedSchema = z.object({ error: z.object({ message: z.string() }) });

const STATE_WORDS: Record<
  Exclude<Approval["state"], "pending">,
  { label: string; tone: BadgeTone }
> = {
  approved: { label: "Approved", tone: "success" },
  rejected: { label: "Rejected", tone: "neutral" },
  expired: { label: "Expired", tone: "warning" },
};

/** What became of an approved send, per recipient when the executor said so. */
function ApprovedOutcome({ approval }: { approval: Approval }) {
  const body = approval.outcome?.body;
  const sent = sentSchema.safeParse(body);
  if (sent.success) {
    return (
      <SendOutcomeReport
        outcome={sent.data.result}
        scheduled={approval.request.schedule !== undefined}
        account={sent.data.account}
        raw={body}
      />
    );
  }
  const failed = failedSchema.safeParse(body);
  if (failed.success) {
    return (
      <Alert tone="error" title="Approved, but not sent" role="none">
        <p className="wrap-anywhere">{failed.data.error.message}</p>
      </Alert>
    );
  }
  if (approval.outcome === null) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Approved; the send’s result has not been recorded yet.
      </p>
    );
  }
  return <JsonBlock value={body} label="The send's answer JSON" className="max-h-60" />;
}

/** A decided or expired approval, with its outcome in words. */
export function DecidedApproval({ approval }: { approval: Approval }) {
  const titleId = useId();
  const state = approval.state === "pending" ? "expired" : approval.state;
  const words = STATE_WORDS[state];
  return (
    <article
      aria-labelledby={titleId}
      className="min-w-0 space-y-2 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h3 id={titleId} className="text-sm font-semibold wrap-anywhere">
          {agentLabel(approval)} to {approval.request.to.join(", ")}
        </h3>
        <Badge tone={words.tone}>{words.label}</Badge>
        {approval.edited_body ? <Badge tone="info">Text edited</Badge> : null}
      </div>
      <p className="text-sm whitespace-pre-wrap wrap-anywhere text-slate-700 dark:text-slate-200">
        {approval.request.body}
      </p>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        {costLine(approval)}.{" "}
        {state === "approved" && approval.decided_at
          ? `Approved ${formatDateTime(approval.decided_at)}.`
          : null}
        {state === "rejected"
          ? `Rejected${approval.decided_at ? ` ${formatDateTime(approval.decided_at)}` : ""}: nothing was sent.`
          : null}
        {state === "expired"
          ? `Expired unsent ${formatDateTime(approval.expires_at)}, after waiting 24 hours.`
          : null}
      </p>
      {state === "approved" ? <ApprovedOutcome approval={approval} /> : null}
    </article>
  );
}
