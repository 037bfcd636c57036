import "@testing-library/jest-dom/vitest";

import { cleanup, configure } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";

import { signOutForTest } from "@/testing/auth";
import { resetAuthDb } from "@/testing/msw/auth-handlers";
import { server } from "@/testing/msw/server";

// How long findBy*/waitFor wait for something to appear (not a timing assertion). Routes are
// lazy: the first render of a page in a fresh worker transforms its whole module tree, which on a
// busy two-core CI machine took over the default 1 s (two concurrent runs both timed out on the
// messages page's first heading).
configure({ asyncUtilTimeout: 5000 });

beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
});

// Vitest globals are off, so Testing Library cannot register its own cleanup.
afterEach(async () => {
  cleanup();
  server.resetHandlers();
  await signOutForTest();
  resetAuthDb();
});

afterAll(() => {
  server.close();
});
