import { http, HttpResponse } from "msw";

import { restUrl } from "@/testing/msw/urls";

/**
 * The navigation's unread-replies count (a HEAD with count=exact, answered in Content-Range).
 * Pages with a connection ask for it; `count` is what it answers.
 */
export function unreadRepliesCount(count = 0) {
  return http.head(
    restUrl("/clicksend_inbound_messages"),
    () =>
      new HttpResponse(null, {
        status: 200,
        headers: {
          "content-range": count === 0 ? "*/0" : `0-${String(count - 1)}/${String(count)}`,
        },
      }),
  );
}
