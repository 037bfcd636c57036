import { http, HttpResponse } from "msw";

import { restUrl } from "@/testing/msw/urls";

/**
 * The navigation's count of sends waiting for approval (a HEAD with count=exact on
 * agent_approvals, answered in Content-Range). Every signed-in page asks for it, so the test
 * server answers 0 by default; `calls` counts the asks, for tests of when it is read again.
 */
export function pendingApprovalsCount(count = 0, calls?: { count: number }) {
  return http.head(restUrl("/agent_approvals"), () => {
    if (calls) calls.count += 1;
    return new HttpResponse(null, {
      status: 200,
      headers: {
        "content-range": count === 0 ? "*/0" : `0-${String(count - 1)}/${String(count)}`,
      },
    });
  });
}
