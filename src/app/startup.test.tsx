import { render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { StartupError } from "@/app/startup-error";
import { EnvError } from "@/lib/env";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("startup", () => {
  it("refuses to load the app with an invalid Supabase URL, and says what to fix", async () => {
    vi.stubEnv("VITE_SUPABASE_URL", "127.0.0.1:54321");
    vi.resetModules();

    const failure: unknown = await import("@/app/app").then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe(EnvError.name);
    render(<StartupError error={failure} />);
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("could not start");
    expect(screen.getByRole("alert")).toHaveTextContent(
      'VITE_SUPABASE_URL must be an http(s) URL such as http://127.0.0.1:54321, but is "127.0.0.1:54321"',
    );
  });
});
