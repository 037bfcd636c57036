import { http, HttpResponse } from "msw";

import { functionError } from "@/testing/msw/function-responses";
import { unreadRepliesCount } from "@/testing/msw/unread-replies";
import { functionUrl, restUrl } from "@/testing/msw/urls";

/**
 * For tests about the shell, routing or auth rather than a page's data: every table reads as
 * empty and every function is unavailable, so pages render without unhandled requests.
 * Use with `server.use(...emptyBackend)` in a `beforeEach`; never in a page's own tests.
 */
export const emptyBackend = [
  http.get(restUrl("/*"), () => HttpResponse.json([])),
  unreadRepliesCount(0),
  http.all(functionUrl("*"), () =>
    functionError(503, "unavailable", "Not available in this test.", { retryable: true }),
  ),
];
