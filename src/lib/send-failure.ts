import { isErrorCode } from "@contracts/errors.ts";
import { SEND_FAILURE_MAY_HAVE_SENT } from "@contracts/send-outcome.ts";
import { paths } from "@/config/paths";
import type { ApiError } from "@/lib/api-error";

/**
 * Whether a failed send may still have gone out, so that the user is offered a look at the
 * history and never a blind resend. Our functions' codes are placed in the contracts; of the
 * app's own, only a 4xx answer proves the request was refused before anything was sent: no
 * answer (network, a stopped wait), a 5xx or an unreadable answer leaves it open.
 */
export function sendMayHaveGoneOut(error: ApiError): boolean {
  if (isErrorCode(error.code)) return SEND_FAILURE_MAY_HAVE_SENT[error.code];
  return !(error.status !== undefined && error.status >= 400 && error.status < 500);
}

/** The id of the Messages page's history section, for links that land on it. */
export const MESSAGE_HISTORY_ID = "message-history";

/**
 * The Messages page's history of one channel, filtered to the number when there is just one
 * (the filters use-history-view reads from the URL), scrolled to the history section.
 */
export function messageHistoryHref(channel: "sms" | "mms", recipients: readonly string[]): string {
  const search = new URLSearchParams();
  if (channel === "mms") search.set("tab", "mms");
  const [only] = recipients;
  if (recipients.length === 1 && only?.startsWith("+")) {
    search.set("number", only);
  }
  const query = search.toString();
  return `${paths.messages}${query ? `?${query}` : ""}#${MESSAGE_HISTORY_ID}`;
}
