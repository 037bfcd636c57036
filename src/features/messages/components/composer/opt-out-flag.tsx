import { Link } from "react-router";

import { Alert } from "@/components/ui/alert";
import { textLinkClasses } from "@/components/ui/text-link-styles";
import { paths } from "@/config/paths";
import { formatIsoTime } from "@/features/messages/utils/format";
import type { OptOutEntry } from "@/lib/opt-outs/get-opt-outs";

type OptOutFlagProps = {
  /** The typed recipients on the account's opt-out list. */
  optedOut: OptOutEntry[];
  /** The list could not be read: the server still refuses them, but they are not flagged here. */
  unknown: boolean;
  /** Whether other typed recipients will still get the message. */
  othersGo: boolean;
};

function why(entry: OptOutEntry): string {
  const when = formatIsoTime(entry.since);
  return entry.source === "reply"
    ? `replied ${entry.keyword ?? "STOP"} on ${when}`
    : `was added to the opt-out list by hand on ${when}`;
}

/**
 * Flags, as they are typed, recipients who asked not to be texted from this account: the server
 * refuses them (OPTED_OUT) whatever the composer does, so say it before sending, not after.
 * A live region, so a screen reader hears the flag when it appears.
 */
export function OptOutFlag({ optedOut, unknown, othersGo }: OptOutFlagProps) {
  let content = null;
  if (optedOut.length > 0) {
    const [only] = optedOut;
    content = (
      <Alert
        tone="warning"
        role="none"
        title={
          optedOut.length === 1 && only
            ? `${only.phone}: opted out — will not be sent`
            : `${String(optedOut.length)} numbers opted out — will not be sent`
        }
      >
        <ul className="space-y-0.5">
          {optedOut.map((entry) => (
            <li key={entry.phone} className="wrap-anywhere">
              <span className="font-mono">{entry.phone}</span> {why(entry)}.
            </li>
          ))}
        </ul>
        <p className="mt-1">
          {`Nothing is sent to ${optedOut.length === 1 ? "this number" : "these numbers"} from this account${othersGo ? "; the other recipients still get the message" : ""}.`}{" "}
          <Link to={paths.optOuts} className={textLinkClasses}>
            See Opt-outs
          </Link>
        </p>
      </Alert>
    );
  } else if (unknown) {
    content = (
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Could not check the opt-out list. Numbers that opted out are still never sent.
      </p>
    );
  }
  return <div aria-live="polite">{content}</div>;
}
