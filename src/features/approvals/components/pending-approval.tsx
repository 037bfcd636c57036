import { useId, useState } from "react";

import type { Approval } from "@contracts/guardrails.ts";
import { Button } from "@/components/ui/button";
import { Dialog, ConfirmActions } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast/use-toast";
import { useDecideApproval } from "@/features/approvals/api/decide-approval";
import { DecisionError, decisionErrorWords } from "@/features/approvals/components/decision-error";
import { EditApprovalDialog } from "@/features/approvals/components/edit-approval-dialog";
import { HeldSend } from "@/features/approvals/components/held-send";
import type { ApiError } from "@/lib/api-error";
import { formatDateTime, timeUntil } from "@/lib/format-time";

/** The agent's name, or what to call it once it has been deleted. */
export function agentLabel(approval: Approval): string {
  return approval.agent_name ?? "A deleted agent";
}

function channelOf(approval: Approval): string {
  return approval.tool === "clicksend_send_mms" ? "MMS" : "SMS";
}

type PendingApprovalProps = {
  approval: Approval;
  /** After a decision went through (or found the approval closed): the card is about to go. */
  onDecided: () => void;
};

/** One send waiting for a decision: what it is, with Approve, Edit (then approve) and Reject. */
export function PendingApproval({ approval, onDecided }: PendingApprovalProps) {
  const titleId = useId();
  const toast = useToast();
  const decide = useDecideApproval();
  const [editing, setEditing] = useState(false);
  const [rejecting, setRejecting] = useState(false);
  const [error, setError] = useState<{ error: ApiError; decision: "approve" | "reject" } | null>(
    null,
  );
  const pendingDecision = decide.isPending ? decide.variables.decision : undefined;
  const editedPending = decide.isPending && decide.variables.body !== undefined;

  const submit = (decision: "approve" | "reject", body?: string) => {
    setError(null);
    decide.mutate(
      { approval_id: approval.id, decision, ...(body === undefined ? {} : { body }) },
      {
        onSuccess: (decided) => {
          setEditing(false);
          if (decided.state === "approved") {
            toast.success(
              "Approved",
              `${agentLabel(approval)}’s ${channelOf(approval)} went to ClickSend; its result is under Decided.`,
            );
          } else if (decided.state === "rejected") {
            toast.success("Rejected", "Nothing was sent. The agent is told it was rejected.");
          }
          onDecided();
        },
        onError: (failure) => {
          // A closed or vanished approval leaves the list when it is read again: say it in a
          // toast, which stays while the card goes.
          if (failure.code === "approval_closed" || failure.code === "approval_not_found") {
            const words = decisionErrorWords(failure, decision);
            setEditing(false);
            toast.error(words.title, words.detail.join(" "));
            onDecided();
            return;
          }
          setError({ error: failure, decision });
        },
      },
    );
  };

  const expiresAt = new Date(approval.expires_at);
  return (
    <article
      aria-labelledby={titleId}
      className="min-w-0 space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h3 id={titleId} className="text-base font-semibold wrap-anywhere">
          {agentLabel(approval)} wants to send an {channelOf(approval)}
        </h3>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Expires {formatDateTime(approval.expires_at)} ({timeUntil(expiresAt)})
        </p>
      </div>
      <HeldSend approval={approval} />
      {error && !editing ? <DecisionError error={error.error} decision={error.decision} /> : null}
      <div className="flex flex-wrap gap-2">
        <Button
          busy={pendingDecision === "approve" && !editedPending}
          disabled={decide.isPending}
          aria-describedby={titleId}
          onClick={() => {
            submit("approve");
          }}
        >
          Approve
        </Button>
        <Button
          variant="secondary"
          disabled={decide.isPending}
          aria-describedby={titleId}
          onClick={() => {
            setError(null);
            setEditing(true);
          }}
        >
          Edit
        </Button>
        <Button
          variant="secondary"
          busy={pendingDecision === "reject"}
          disabled={decide.isPending}
          aria-describedby={titleId}
          onClick={() => {
            setRejecting(true);
          }}
        >
          Reject
        </Button>
      </div>
      {editing ? (
        <EditApprovalDialog
          approval={approval}
          open
          busy={editedPending}
          error={error?.decision === "approve" ? error.error : null}
          onClose={() => {
            setEditing(false);
          }}
          onApprove={(body) => {
            submit("approve", body);
          }}
        />
      ) : null}
      <Dialog
        open={rejecting}
        onClose={() => {
          setRejecting(false);
        }}
        title="Reject this send?"
        description={
          <span className="wrap-anywhere">
            Nothing is sent to {approval.request.to.join(", ")}, and {agentLabel(approval)} is told
            it was rejected. This cannot be undone.
          </span>
        }
      >
        <ConfirmActions
          confirmLabel="Reject"
          onCancel={() => {
            setRejecting(false);
          }}
          onConfirm={() => {
            setRejecting(false);
            submit("reject");
          }}
        />
      </Dialog>
    </article>
  );
}
