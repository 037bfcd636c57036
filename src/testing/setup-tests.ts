import "@testing-library/jest-dom/vitest";

import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";

import { signOutForTest } from "@/testing/auth";
import { resetAuthDb } from "@/testing/msw/auth-handlers";
import { server } from "@/testing/msw/server";

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
