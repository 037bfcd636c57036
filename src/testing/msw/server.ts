import { setupServer } from "msw/node";

import { authHandlers } from "@/testing/msw/auth-handlers";

/**
 * Intercepts the app's requests in component tests. Auth is always handled; tests add the
 * PostgREST and function answers they need with `server.use(...)`, reset after each test.
 * An unhandled request fails the test, so nothing silently reaches a real server.
 */
export const server = setupServer(...authHandlers);
