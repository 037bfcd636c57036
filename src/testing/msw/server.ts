import { setupServer } from "msw/node";

import { noAgentTokens } from "@/testing/msw/agent-tokens";
import { authHandlers } from "@/testing/msw/auth-handlers";
import { noOptOuts } from "@/testing/msw/opt-outs";
import { pendingApprovalsCount } from "@/testing/msw/pending-approvals";

/**
 * Intercepts the app's requests in component tests. Auth is always handled; tests add the
 * PostgREST and function answers they need with `server.use(...)`, reset after each test.
 * An unhandled request fails the test, so nothing silently reaches a real server. The
 * navigation's approvals count, which every signed-in page asks for, answers 0 unless a test says;
 * the opt-out list, which the composer and Conversations read, is empty unless a test says; so
 * is the list of agent tokens, which every agent's page reads.
 */
export const server = setupServer(
  ...authHandlers,
  pendingApprovalsCount(0),
  ...noOptOuts(),
  noAgentTokens(),
);
