import { Link } from "react-router";

import { OPT_IN_WORDS } from "@contracts/guardrails.ts";
import { Alert } from "@/components/ui/alert";
import { textLinkClasses } from "@/components/ui/text-link-styles";
import { paths } from "@/config/paths";
import { formatIsoTime } from "@/features/messages/utils/format";
import type { OptOutEntry } from "@/lib/opt-outs/get-opt-outs";

/**
 * In place of the reply box for a contact on the account's opt-out list: the server refuses any
 * message to them (OPTED_OUT), so the thread says so instead of inviting a reply.
 */
export function OptedOutNotice({ entry }: { entry: OptOutEntry }) {
  const when = formatIsoTime(entry.since);
  const words = `${OPT_IN_WORDS.slice(0, -1).join(", ")} or ${OPT_IN_WORDS.at(-1) ?? ""}`;
  return (
    <Alert tone="warning" role="none" title={`${entry.phone} opted out: no reply can be sent`}>
      <p>
        {entry.source === "reply"
          ? `They replied ${entry.keyword ?? "STOP"} on ${when}.`
          : `The number was added to the opt-out list by hand on ${when}.`}{" "}
        Nothing is sent to them from this ClickSend account, by you or your agents.
      </p>
      <p className="mt-1">
        {`If they text ${words}, they come off the list and you can answer here again.`}{" "}
        <Link to={paths.optOuts} className={textLinkClasses}>
          See Opt-outs
        </Link>
      </p>
    </Alert>
  );
}
