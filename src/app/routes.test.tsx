import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";

import { PRODUCT_NAME } from "@/config/product";
import { DEMO_USER } from "@/testing/msw/auth-handlers";
import { emptyBackend } from "@/testing/msw/empty-backend";
import { server } from "@/testing/msw/server";
import { renderRoute } from "@/testing/render-route";

const pages = [
  { link: "Integrations", path: "/integrations" },
  { link: "Agents", path: "/agents" },
  { link: "Messages", path: "/messages" },
  { link: "Conversations", path: "/conversations" },
  { link: "Opt-outs", path: "/opt-outs" },
  { link: "Approvals", path: "/approvals" },
] as const;

// These tests are about the shell; what each page shows is for that page's own tests.
beforeEach(() => {
  server.use(...emptyBackend);
});

describe("app shell", () => {
  it("shows the product name, main navigation and the overview", async () => {
    await renderRoute("/");

    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    const banner = screen.getByRole("banner");
    expect(within(banner).getByRole("link", { name: PRODUCT_NAME })).toHaveAttribute("href", "/");
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(
      within(nav)
        .getAllByRole("link")
        .map((link) => link.textContent),
    ).toEqual(["Integrations", "Agents", "Messages", "Conversations", "Opt-outs", "Approvals"]);
    expect(screen.getByRole("main")).toBeInTheDocument();
    expect(within(banner).getByText(DEMO_USER.email)).toBeInTheDocument();
    expect(within(banner).getByRole("button", { name: "Sign out" })).toBeInTheDocument();
  });

  it("offers a skip link as the first tab stop that moves focus to the page content", async () => {
    const { user } = await renderRoute("/");
    await screen.findByRole("heading", { level: 1, name: "Overview" });

    await user.tab();
    const skipLink = screen.getByRole("link", { name: "Skip to content" });
    expect(skipLink).toHaveFocus();

    await user.keyboard("{Enter}");
    expect(screen.getByRole("main")).toHaveFocus();
  });

  it.each(pages)("opens $link from the navigation by click", async ({ link, path }) => {
    const { user, router } = await renderRoute("/");
    await screen.findByRole("heading", { level: 1, name: "Overview" });

    const nav = screen.getByRole("navigation", { name: "Main" });
    await user.click(within(nav).getByRole("link", { name: link }));

    expect(await screen.findByRole("heading", { level: 1, name: link })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe(path);
    expect(within(nav).getByRole("link", { name: link })).toHaveAttribute("aria-current", "page");
  });

  it.each(pages)("opens $link from the navigation by keyboard", async ({ link }) => {
    const { user } = await renderRoute("/");
    await screen.findByRole("heading", { level: 1, name: "Overview" });

    const target = within(screen.getByRole("navigation", { name: "Main" })).getByRole("link", {
      name: link,
    });
    for (let presses = 0; presses < 10 && document.activeElement !== target; presses++) {
      await user.tab();
    }
    expect(target).toHaveFocus();
    await user.keyboard("{Enter}");

    expect(await screen.findByRole("heading", { level: 1, name: link })).toBeInTheDocument();
    // Focus follows the navigation into the new page, as it would on a full page load.
    expect(screen.getByRole("main")).toHaveFocus();
  });

  it("shows a not-found page for an unknown address, inside the shell", async () => {
    const { user } = await renderRoute("/no-such-page");

    expect(
      await screen.findByRole("heading", { level: 1, name: "Page not found" }),
    ).toBeInTheDocument();
    expect(screen.getByText("/no-such-page")).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Main" })).toBeInTheDocument();

    await user.click(screen.getByRole("link", { name: "Go to overview" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
  });
});
