import { Link } from "react-router";

import { buttonClasses } from "@/components/ui/button-styles";
import { MESSAGE_HISTORY_ID, messageHistoryHref } from "@/lib/send-failure";

type CheckHistoryLinkProps = {
  channel: "sms" | "mms";
  recipients: readonly string[];
};

/**
 * "Check history": the Messages page's history for this channel (and number, when there is one),
 * brought into view. Offered where a send's outcome is not known, instead of a resend.
 */
export function CheckHistoryLink({ channel, recipients }: CheckHistoryLinkProps) {
  return (
    <Link
      to={messageHistoryHref(channel, recipients)}
      preventScrollReset
      className={buttonClasses("secondary", undefined, "sm")}
      onClick={() => {
        // The router changes the filters; the history section is on this same page.
        requestAnimationFrame(() => {
          document.getElementById(MESSAGE_HISTORY_ID)?.scrollIntoView({ block: "start" });
        });
      }}
    >
      Check history
    </Link>
  );
}
