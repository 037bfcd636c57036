import { Link } from "react-router";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { textLinkClasses } from "@/components/ui/text-link-styles";
import { paths } from "@/config/paths";
import type { PollRepliesResult } from "@contracts/function-requests.ts";
import { plural } from "@/features/messages/utils/format";
import type { ApiError } from "@/lib/api-error";
import type { Connection } from "@contracts/connection-schemas.ts";

export function EnableRepliesLink() {
  return (
    <Link to={paths.integrations} className={textLinkClasses}>
      Enable replies on Integrations
    </Link>
  );
}

type RepliesStatusProps = {
  connection: Connection;
  /** Leaves how replies arrive to the empty state, which says it in its place. */
  hideMode: boolean;
  catchUp: {
    isPending: boolean;
    data: PollRepliesResult | undefined;
    error: ApiError | null;
    run: () => void;
  };
};

/**
 * How replies reach this connection (a warning unless ClickSend pushes them), and the catch-up
 * this screen runs once on opening: ClickSend is asked for replies whose push was lost.
 */
export function RepliesStatus({ connection, hideMode, catchUp }: RepliesStatusProps) {
  const mode = hideMode ? "push" : connection.replies_mode;
  return (
    <div className="space-y-3">
      {mode === "off" ? (
        <Alert tone="warning" title="Replies are off for this connection" role="none">
          ClickSend is not set to pass replies on to this app, so new ones will not appear here.{" "}
          <EnableRepliesLink />.
        </Alert>
      ) : null}
      {mode === "poll" ? (
        <Alert
          tone="info"
          title="Replies are polled only"
          role="none"
          action={
            <Button variant="secondary" size="sm" busy={catchUp.isPending} onClick={catchUp.run}>
              Check ClickSend now
            </Button>
          }
        >
          ClickSend keeps replies for this account but does not push them, so new ones appear when
          this page asks ClickSend: on opening it, or when you check now. <EnableRepliesLink /> to
          repair the push.
        </Alert>
      ) : null}
      {catchUp.error && !catchUp.isPending ? (
        <Alert
          tone="warning"
          title="Could not check ClickSend for missed replies"
          action={
            catchUp.error.retryable ? (
              <Button variant="secondary" size="sm" onClick={catchUp.run}>
                Try again
              </Button>
            ) : null
          }
        >
          {catchUp.error.message} Replies already received are shown below.
        </Alert>
      ) : null}
      <p role="status" className="text-sm text-slate-600 empty:hidden dark:text-slate-300">
        {catchUp.isPending ? (
          <span className="inline-flex items-center gap-2">
            <Spinner className="size-4" /> Checking ClickSend for replies that did not arrive…
          </span>
        ) : catchUp.data && catchUp.data.stored > 0 ? (
          `Found ${plural(catchUp.data.stored, "reply", "replies")} that had not arrived.`
        ) : null}
      </p>
    </div>
  );
}
