import { Link } from "react-router";

import type { PolicyDetails, PolicyReason } from "@contracts/guardrails.ts";

import { sendOutcomeSchema } from "@contracts/send-outcome.ts";
import { describeAccount } from "@contracts/tool-account.ts";
import { SendOutcomeReport, type SendAccount } from "@/components/send-outcome-report";
import { Alert } from "@/components/ui/alert";
import { buttonClasses } from "@/components/ui/button-styles";
import { JsonBlock } from "@/components/ui/json-block";
import type { ToolRun } from "@/features/agents/api/execute-agent-tool";
import { textLinkClasses } from "@/components/ui/text-link-styles";
import { paths } from "@/config/paths";
import { SCOPE_LABELS, toolByName, type ToolName } from "@/features/agents/catalog";
import { errorTitle, retryAfterHint, type ApiError } from "@/lib/api-error";
import { formatDateTime } from "@/lib/format-time";
import { describePolicyDenial } from "@/lib/policy-denied";
import { messageHistoryHref, sendMayHaveGoneOut } from "@/lib/send-failure";

const SEND_CHANNELS: Partial<Record<ToolName, "sms" | "mms">> = {
  clicksend_send_sms: "sms",
  clicksend_send_mms: "mms",
};

/** The recipients a send's arguments name, for a history link filtered to one of them. */
function recipientsOf(args: Record<string, unknown> | undefined): string[] {
  const to = args?.to;
  return Array.isArray(to) ? to.filter((item): item is string => typeof item === "string") : [];
}

function HistoryLink({ channel, recipients }: { channel: "sms" | "mms"; recipients: string[] }) {
  return (
    <Link
      to={messageHistoryHref(channel, recipients)}
      className={buttonClasses("secondary", undefined, "sm")}
    >
      Check history
    </Link>
  );
}

function AccountLine({ account }: { account: SendAccount }) {
  return (
    <p className="wrap-anywhere">
      ClickSend account <strong className="font-semibold">{describeAccount(account)}</strong>
    </p>
  );
}

/** A send held for the owner's approval (202): nothing sent yet, and nothing went wrong. */
function PendingApproval({ expiresAt }: { expiresAt: string }) {
  return (
    <Alert
      tone="info"
      title="Waiting for your approval"
      role="none"
      action={
        <Link to={paths.approvals} className={buttonClasses("secondary", undefined, "sm")}>
          Open Approvals
        </Link>
      }
    >
      <p>
        Nothing was sent yet. This agent’s limits hold its sends for a person to approve: approve,
        edit or reject it on the{" "}
        <Link to={paths.approvals} className={textLinkClasses}>
          Approvals page
        </Link>
        . It expires unsent at {formatDateTime(expiresAt)}. The agent was told not to send it again.
      </p>
    </Alert>
  );
}

type PolicyRefusalProps = { reason: PolicyReason; message: string; details: PolicyDetails };

/** A call refused whole by quiet hours or a limit (403 policy_denied), with its figures. */
function PolicyRefusal(refusal: PolicyRefusalProps) {
  const words = describePolicyDenial(refusal);
  return (
    <Alert tone="warning" title="Not sent: refused by this agent’s limits" role="none">
      <p className="wrap-anywhere">{words.summary}</p>
      <p className="mt-1">{words.next}</p>
    </Alert>
  );
}

/**
 * What a run did. A send reads like the composer's result: each recipient sent, scheduled,
 * refused (and why) or not confirmed, the account, ClickSend's answer behind a disclosure, so a
 * refusal never shows as a green "Allowed". Another tool: "Allowed" with its result. Denied: the
 * reason and the switch that would allow it. Held for approval or refused by the agent's limits:
 * what that means, never as an error. The account is the one the executor names.
 */
export function ToolRunResult({ run }: { run: ToolRun }) {
  if (run.outcome === "allowed") {
    const { account } = run;
    const channel = SEND_CHANNELS[run.tool];
    const sent = channel ? sendOutcomeSchema.safeParse(run.result) : undefined;
    if (channel && sent?.success) {
      return (
        <div className="space-y-2">
          <p className="text-sm wrap-anywhere text-slate-700 dark:text-slate-200">
            The agent may use <code className="font-mono text-xs">{run.tool}</code>. ClickSend
            answered:
          </p>
          <SendOutcomeReport
            outcome={sent.data}
            account={account}
            raw={run.result}
            checkHistory={
              <HistoryLink
                channel={channel}
                recipients={sent.data.messages.map((message) => message.to)}
              />
            }
          />
        </div>
      );
    }
    return (
      <Alert tone="success" title="Allowed" role="none">
        {account ? <AccountLine account={account} /> : null}
        <p className="wrap-anywhere">
          The agent may use <code className="font-mono text-xs">{run.tool}</code>; ClickSend
          answered:
        </p>
        <JsonBlock value={run.result} label="Tool result JSON" className="mt-2 max-h-80" />
      </Alert>
    );
  }
  if (run.outcome === "pending_approval") return <PendingApproval expiresAt={run.expiresAt} />;
  if (run.outcome === "policy_denied") return <PolicyRefusal {...run} />;
  const scope = toolByName(run.tool).scope;
  return (
    <Alert tone="warning" title="Denied" role="none">
      <p className="wrap-anywhere">{run.reason}</p>
      <p className="mt-1">Turn on “{SCOPE_LABELS[scope]}” above to allow it.</p>
    </Alert>
  );
}

function failureTitle(error: ApiError): string {
  return errorTitle(error, "The tool could not be run");
}

function failureHint(error: ApiError): string {
  if (error.code === "invalid_arguments") return "Fix the arguments, then run again.";
  if (error.retryAfterSeconds !== undefined) return retryAfterHint(error) ?? "";
  return error.retryable ? "Try again in a moment." : "";
}

type ToolRunFailureProps = {
  error: ApiError;
  tool: ToolName;
  /** The arguments of the failed run, to filter the history by its recipient. */
  args?: Record<string, unknown>;
  account?: SendAccount;
};

/**
 * A call that was neither allowed nor denied: bad arguments, rate limit, ClickSend failure. A
 * send that may still have gone out says so and points to the history: running it again would
 * be a new send.
 */
export function ToolRunFailure({ error, tool, args, account }: ToolRunFailureProps) {
  const channel = SEND_CHANNELS[tool];
  if (channel && sendMayHaveGoneOut(error)) {
    return (
      <Alert
        tone="warning"
        title="Not known whether it was sent"
        role="none"
        action={<HistoryLink channel={channel} recipients={recipientsOf(args)} />}
      >
        {account ? <AccountLine account={account} /> : null}
        <p className="wrap-anywhere">{error.message}</p>
        <p className="mt-1">
          ClickSend may have accepted it. Look in the history before running it again: another run
          is a new send.
        </p>
      </Alert>
    );
  }
  const hint = failureHint(error);
  return (
    <Alert tone="error" title={failureTitle(error)} role="none">
      {account ? <AccountLine account={account} /> : null}
      <p className="wrap-anywhere">{error.message}</p>
      {hint ? <p className="mt-1">{hint}</p> : null}
    </Alert>
  );
}
