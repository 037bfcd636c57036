import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";

import { supabase } from "@/lib/supabase";
import { renderRoute } from "@/testing/render-route";
import { DEMO_USER, goTrueError } from "@/testing/msw/auth-handlers";
import { emptyBackend } from "@/testing/msw/empty-backend";
import { server } from "@/testing/msw/server";
import { authUrl } from "@/testing/msw/urls";

// About auth, not the pages it lands on.
beforeEach(() => {
  server.use(...emptyBackend);
});

/** GoTrue's answer once an IP has used up its sign-ins and sign-ups for the window. */
function rateLimited() {
  const response = goTrueError(429, "over_request_rate_limit", "Request rate limit reached");
  response.headers.set("retry-after", "300");
  return response;
}

async function fillCredentials(
  user: Awaited<ReturnType<typeof renderRoute>>["user"],
  email: string,
  password: string,
) {
  await user.type(screen.getByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), password);
}

describe("signing in", () => {
  it("sends a signed-out visitor from a protected page to sign-in, and back after signing in", async () => {
    const { user, router } = await renderRoute("/agents?tab=2", { as: null });

    expect(await screen.findByRole("heading", { level: 1, name: "Sign in" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/sign-in");
    expect(router.state.location.search).toBe("?redirectTo=%2Fagents%3Ftab%3D2");
    expect(screen.queryByRole("navigation", { name: "Main" })).not.toBeInTheDocument();

    await fillCredentials(user, DEMO_USER.email, DEMO_USER.password);
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Agents" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/agents");
    expect(router.state.location.search).toBe("?tab=2");
    expect(within(screen.getByRole("banner")).getByText(DEMO_USER.email)).toBeInTheDocument();
  });

  it("shows GoTrue's message for a wrong password and stays on the form", async () => {
    const { user, router } = await renderRoute("/sign-in", { as: null });
    await screen.findByRole("heading", { level: 1, name: "Sign in" });

    await fillCredentials(user, DEMO_USER.email, "not-the-password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Invalid login credentials");
    expect(router.state.location.pathname).toBe("/sign-in");
    expect(screen.getByLabelText("Email")).toHaveValue(DEMO_USER.email);
  });

  it("says when to try again when the network has made too many attempts (GoTrue's 429)", async () => {
    server.use(http.post(authUrl("/token"), () => rateLimited()));
    const { user, router } = await renderRoute("/sign-in", { as: null });
    await screen.findByRole("heading", { level: 1, name: "Sign in" });

    await fillCredentials(user, DEMO_USER.email, DEMO_USER.password);
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Too many attempts from your network. Try again in 5 minutes.");
    expect(alert).not.toHaveTextContent("Request rate limit reached");
    expect(router.state.location.pathname).toBe("/sign-in");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("disables the button while signing in", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Returning nothing falls through to the fake GoTrue once the request is let go.
    server.use(http.post(authUrl("/token"), () => held));
    const { user } = await renderRoute("/sign-in", { as: null });
    await screen.findByRole("heading", { level: 1, name: "Sign in" });

    await fillCredentials(user, DEMO_USER.email, DEMO_USER.password);
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(screen.getByRole("button", { name: "Sign in" })).toBeDisabled();
    release();
    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
  });

  it("checks the fields before asking the server, and says what is wrong", async () => {
    const { user } = await renderRoute("/sign-in", { as: null });
    await screen.findByRole("heading", { level: 1, name: "Sign in" });

    await user.type(screen.getByLabelText("Email"), "not-an-email");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    const email = screen.getByLabelText("Email");
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveAccessibleDescription(
      "Enter your email address, such as name@example.com.",
    );
    expect(email).toHaveFocus();
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription("Enter your password.");
  });

  it("sends a signed-in user away from the sign-in page to the overview", async () => {
    const { router } = await renderRoute("/sign-in");

    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/");
  });

  it("never follows a redirect to another site", async () => {
    const { user, router } = await renderRoute("/sign-in?redirectTo=%2F%2Fevil.example", {
      as: null,
    });
    await screen.findByRole("heading", { level: 1, name: "Sign in" });

    await fillCredentials(user, DEMO_USER.email, DEMO_USER.password);
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/");
  });

  it("keeps the session across a reload", async () => {
    const first = await renderRoute("/messages");
    expect(await screen.findByRole("heading", { level: 1, name: "Messages" })).toBeInTheDocument();
    expect(storedAuthState()).toContain("refresh_token");
    first.unmount();

    // A fresh router and query cache, as after a reload; supabase-js reads the stored session.
    const { router } = await renderRoute("/messages", { as: "stored" });
    expect(await screen.findByRole("heading", { level: 1, name: "Messages" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/messages");
  });
});

describe("creating an account", () => {
  it("creates an account from the sign-in page's link and lands signed in", async () => {
    const { user, router } = await renderRoute("/sign-in?redirectTo=%2Fintegrations", {
      as: null,
    });
    await screen.findByRole("heading", { level: 1, name: "Sign in" });

    await user.click(screen.getByRole("link", { name: "Create an account" }));
    expect(
      await screen.findByRole("heading", { level: 1, name: "Create account" }),
    ).toBeInTheDocument();
    await fillCredentials(user, "new.user@example.com", "a-good-password");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    expect(
      await screen.findByRole("heading", { level: 1, name: "Integrations" }),
    ).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/integrations");
    expect(
      within(screen.getByRole("banner")).getByText("new.user@example.com"),
    ).toBeInTheDocument();
  });

  it("shows GoTrue's message when the address is taken", async () => {
    const { user } = await renderRoute("/create-account", { as: null });
    await screen.findByRole("heading", { level: 1, name: "Create account" });

    await fillCredentials(user, DEMO_USER.email, "another-password");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("User already registered");
    expect(screen.getByRole("heading", { level: 1, name: "Create account" })).toBeInTheDocument();
  });

  it("says when to try again when the network has made too many attempts (GoTrue's 429)", async () => {
    server.use(http.post(authUrl("/signup"), () => rateLimited()));
    const { user, router } = await renderRoute("/create-account", { as: null });
    await screen.findByRole("heading", { level: 1, name: "Create account" });

    await fillCredentials(user, "new.user@example.com", "a-good-password");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Too many attempts from your network. Try again in 5 minutes.");
    expect(alert).not.toHaveTextContent("Request rate limit reached");
    expect(router.state.location.pathname).toBe("/create-account");
  });

  it("asks for a password of at least 6 characters", async () => {
    const { user } = await renderRoute("/create-account", { as: null });
    await screen.findByRole("heading", { level: 1, name: "Create account" });

    await fillCredentials(user, "short@example.com", "12345");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription(
      "At least 6 characters. Use at least 6 characters.",
    );
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});

describe("signing out", () => {
  it("signs out from the header and returns to the sign-in page", async () => {
    const { user, router } = await renderRoute("/agents");
    await screen.findByRole("heading", { level: 1, name: "Agents" });

    const banner = screen.getByRole("banner");
    expect(within(banner).getByText(DEMO_USER.email)).toBeInTheDocument();
    await user.click(within(banner).getByRole("button", { name: "Sign out" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Sign in" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/sign-in");
    // Chose to leave: the next person to sign in starts from the overview, not this page.
    expect(router.state.location.search).toBe("");
    expect(storedAuthState()).not.toContain("refresh_token");
  });

  it("keeps the user signed in and says why when signing out fails", async () => {
    server.use(http.post(authUrl("/logout"), () => HttpResponse.error()));
    // supabase-js logs the failed fetch itself.
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => undefined);
    onTestFinished(() => {
      consoleError.mockRestore();
    });
    const { user, router } = await renderRoute("/agents");
    await screen.findByRole("heading", { level: 1, name: "Agents" });

    await user.click(screen.getByRole("button", { name: "Sign out" }));

    const notifications = screen.getByRole("status", { name: "Notifications" });
    expect(await within(notifications).findByText("Could not sign out")).toBeInTheDocument();
    expect(
      within(notifications).getByText(
        "Could not reach the server. Check your connection, then try again.",
      ),
    ).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/agents");
    expect(screen.getByRole("button", { name: "Sign out" })).toBeEnabled();
  });

  it("sends the user to sign in when the session ends elsewhere, keeping the page", async () => {
    const { router } = await renderRoute("/messages");
    await screen.findByRole("heading", { level: 1, name: "Messages" });

    await supabase.auth.signOut({ scope: "local" });

    expect(await screen.findByRole("heading", { level: 1, name: "Sign in" })).toBeInTheDocument();
    expect(router.state.location.search).toBe("?redirectTo=%2Fmessages");
  });
});

/** Everything supabase-js has put in localStorage, as one string. */
function storedAuthState(): string {
  return Object.keys(localStorage)
    .map((key) => localStorage.getItem(key) ?? "")
    .join("\n");
}
