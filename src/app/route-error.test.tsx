import { screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderRoute } from "@/testing/render-route";

// Simulates the Agents page's chunk failing to load, as when offline or after a deploy replaced it.
vi.mock("@/pages/agents-page", () => {
  throw new Error("Failed to fetch dynamically imported module");
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("page error boundary", () => {
  it("shows a page that fails to load as an error in place, keeping the navigation working", async () => {
    // React reports errors caught by a boundary on the console; keep the test output readable.
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { user } = await renderRoute("/agents");

    expect(
      await screen.findByRole("heading", { level: 1, name: "This page could not be shown" }),
    ).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Reload page" })).toBeInTheDocument();
    expect(consoleError).toHaveBeenCalled();

    const nav = screen.getByRole("navigation", { name: "Main" });
    await user.click(within(nav).getByRole("link", { name: "Messages" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Messages" })).toBeInTheDocument();
  });
});
