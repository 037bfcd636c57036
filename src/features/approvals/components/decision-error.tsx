import { Alert } from "@/components/ui/alert";
import { errorTitle, type ApiError } from "@/lib/api-error";
import { describePolicyDenial, PolicyDeniedError } from "@/lib/policy-denied";

/** Why a decision did not go through, and what became of the held send. */
export function decisionErrorWords(
  error: ApiError,
  decision: "approve" | "reject",
): { title: string; detail: string[] } {
  if (error instanceof PolicyDeniedError) {
    const { summary } = describePolicyDenial(error);
    return {
      title: "Not sent: refused by this agent’s limits",
      detail: [
        summary,
        error.reason === "monthly_spend_limit"
          ? "It is still waiting: raise the limit on the agent’s page, then approve it again, or reject it."
          : "It is still waiting: approve it again later, before it expires, or reject it.",
      ],
    };
  }
  if (error.code === "approval_closed") {
    return {
      title: "Already closed",
      detail: [
        "This send was rejected or has expired, so it can no longer be approved or rejected. Nothing was sent now.",
      ],
    };
  }
  if (error.code === "approval_not_found") {
    return {
      title: "Approval not found",
      detail: ["It no longer exists, perhaps because its agent was deleted. Nothing was sent."],
    };
  }
  return {
    title: errorTitle(error, decision === "approve" ? "Could not approve" : "Could not reject"),
    detail: [error.message],
  };
}

export function DecisionError({
  error,
  decision,
}: {
  error: ApiError;
  decision: "approve" | "reject";
}) {
  const words = decisionErrorWords(error, decision);
  return (
    // Read out at once either way: it answers the button just pressed.
    <Alert
      tone={error instanceof PolicyDeniedError ? "warning" : "error"}
      title={words.title}
      role="alert"
    >
      {words.detail.map((line) => (
        <p key={line} className="wrap-anywhere">
          {line}
        </p>
      ))}
    </Alert>
  );
}
