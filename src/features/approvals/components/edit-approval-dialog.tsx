import { useId, useState } from "react";

import { decideApprovalBodySchema, type Approval } from "@contracts/guardrails.ts";
import { countSmsSegments } from "@contracts/sms-segments.ts";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/textarea";
import { DecisionError } from "@/features/approvals/components/decision-error";
import type { ApiError } from "@/lib/api-error";

const bodySchema = decideApprovalBodySchema.shape.body.unwrap();

function count(amount: number, one: string, many: string): string {
  return `${amount.toLocaleString()} ${amount === 1 ? one : many}`;
}

/** Segments of the edited text, counted as the server bills them, and what that makes in all. */
function SegmentCount({ id, body, recipients }: { id: string; body: string; recipients: number }) {
  const { encoding, characters, segments } = countSmsSegments(body);
  return (
    <div className="space-y-1 text-sm text-slate-600 tabular-nums dark:text-slate-300">
      <p id={id}>
        {`${encoding}, ${count(characters, "character", "characters")}, ${count(segments, "segment", "segments")}: ${count(segments * recipients, "message", "messages")} to ${count(recipients, "recipient", "recipients")}`}
      </p>
      {/* Screen readers hear when the size changes, not every keystroke. */}
      <p role="status" className="sr-only">
        {segments > 0 ? `${count(segments, "segment", "segments")}, ${encoding}` : ""}
      </p>
    </div>
  );
}

type EditApprovalDialogProps = {
  approval: Approval;
  open: boolean;
  busy: boolean;
  error: ApiError | null;
  onClose: () => void;
  onApprove: (body: string) => void;
};

/**
 * Edit the held text, then approve the edited text in one step. The server prices and checks it
 * again; a longer text may cost more segments and meet a limit the original did not.
 */
export function EditApprovalDialog({
  approval,
  open,
  busy,
  error,
  onClose,
  onApprove,
}: EditApprovalDialogProps) {
  const counterId = useId();
  const [body, setBody] = useState(approval.request.body);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  return (
    <Dialog
      open={open}
      onClose={() => {
        if (!busy) onClose();
      }}
      title="Edit, then approve"
      description="The edited text is checked and priced again, then sent to the same recipients."
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const parsed = bodySchema.safeParse(body);
          if (!parsed.success) {
            setProblem(`Text: ${parsed.error.issues[0]?.message ?? "not accepted"}.`);
            return;
          }
          setProblem(undefined);
          onApprove(parsed.data);
        }}
        className="space-y-3"
      >
        <Field label="Text" error={problem}>
          <Textarea
            rows={6}
            value={body}
            aria-describedby={counterId}
            onChange={(event) => {
              setBody(event.target.value);
              setProblem(undefined);
            }}
          />
        </Field>
        <SegmentCount id={counterId} body={body} recipients={approval.request.to.length} />
        {error ? <DecisionError error={error} decision="approve" /> : null}
        <DialogActions>
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" busy={busy}>
            Approve edited text
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
