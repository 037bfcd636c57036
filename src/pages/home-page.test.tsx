import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { server } from "@/testing/msw/server";
import { unreadRepliesCount } from "@/testing/msw/unread-replies";
import { restUrl } from "@/testing/msw/urls";
import { renderRoute } from "@/testing/render-route";

// Home's checklist (issue 13, point 10) reads what the account holds: connections, agents, grants
// in force, and whether a tool ran or a message went. Each test sets up one stage of a new user.

const CONNECTION = {
  id: "c0000000-0000-4000-8000-000000000001",
  connection_name: "ClickSend (sandbox_user)",
  external_username: "sandbox_user",
  connection_status: "active",
  credential_hint: "89AB",
  connection_metadata: { account_country: "AU", default_sender_id: null },
  created_at: "2025-01-01T00:00:00.000Z",
  updated_at: "2025-01-01T00:00:00.000Z",
};
const AGENT = {
  id: "a0000000-0000-4000-8000-000000000001",
  name: "Night shift",
  description: null,
  created_at: "2025-01-02T00:00:00.000Z",
};

let connections: (typeof CONNECTION)[];
let agents: (typeof AGENT)[];
let grants: { expires_at: string | null }[];
let toolRuns: { id: string }[];
let messages: { id: string }[];
/** The query string of the last grants read, to check it asks only for grants in force. */
let grantsQuery: URLSearchParams | null;

beforeEach(() => {
  connections = [];
  agents = [];
  grants = [];
  toolRuns = [];
  messages = [];
  grantsQuery = null;
  server.use(
    unreadRepliesCount(),
    http.get(restUrl("/user_oauth_connections"), () => HttpResponse.json(connections)),
    http.get(restUrl("/agents"), () => HttpResponse.json(agents)),
    http.get(restUrl("/agent_integration_permissions"), ({ request }) => {
      grantsQuery = new URL(request.url).searchParams;
      return HttpResponse.json(grants);
    }),
    http.get(restUrl("/tool_execution_logs"), () => HttpResponse.json(toolRuns)),
    http.get(restUrl("/clicksend_messages"), () => HttpResponse.json(messages)),
  );
});

async function checklist() {
  const view = await renderRoute("/");
  const section = await screen.findByRole("region", { name: /Get started|You are set up/ });
  const steps = await within(section).findAllByRole("listitem");
  return { ...view, section, steps };
}

/** Each step's heading, which ends with its state for a screen reader ("…: done"). */
function stepStates(steps: HTMLElement[]): string[] {
  return steps.map((step) => within(step).getByRole("heading", { level: 3 }).textContent);
}

function nextStep(steps: HTMLElement[]): HTMLElement | undefined {
  return steps.find((step) => step.getAttribute("aria-current") === "step");
}

describe("Home checklist", { timeout: 15_000 }, () => {
  it("a new user: connecting ClickSend is next, with a link to do it", async () => {
    const { steps } = await checklist();

    expect(stepStates(steps)).toEqual([
      "Connect ClickSend: next",
      "Create an agent: to do",
      "Grant it a permission: to do",
      "Try it: to do",
    ]);
    const next = nextStep(steps);
    expect(next).toBe(steps[0]);
    expect(
      within(steps[0] as HTMLElement).getByRole("link", { name: "Connect ClickSend" }),
    ).toHaveAttribute("href", "/integrations");
    // The four sections stay one click away.
    const sections = screen.getByRole("navigation", { name: "Sections" });
    expect(
      within(sections)
        .getAllByRole("link")
        .map((link) => link.textContent),
    ).toEqual(["Integrations", "Agents", "Messages", "Conversations"]);
  });

  it("connected: the connection is named and creating an agent is next", async () => {
    connections = [CONNECTION];
    const { steps } = await checklist();

    expect(stepStates(steps)).toEqual([
      "Connect ClickSend: done",
      "Create an agent: next",
      "Grant it a permission: to do",
      "Try it: to do",
    ]);
    expect(steps[0]).toHaveTextContent("Connected: ClickSend (sandbox_user).");
    expect(
      within(nextStep(steps) as HTMLElement).getByRole("link", { name: "Create an agent" }),
    ).toHaveAttribute("href", "/agents");
  });

  it("a disconnected connection does not count as connected", async () => {
    connections = [{ ...CONNECTION, connection_status: "revoked" }];
    const { steps } = await checklist();
    expect(nextStep(steps)).toBe(steps[0]);
  });

  it("with an agent: granting is next, and links to that agent", async () => {
    connections = [CONNECTION];
    agents = [AGENT];
    const { steps } = await checklist();

    expect(stepStates(steps).slice(0, 3)).toEqual([
      "Connect ClickSend: done",
      "Create an agent: done",
      "Grant it a permission: next",
    ]);
    expect(steps[1]).toHaveTextContent("You have one agent: Night shift.");
    expect(
      within(nextStep(steps) as HTMLElement).getByRole("link", { name: "Choose permissions" }),
    ).toHaveAttribute("href", `/agents?agent=${AGENT.id}`);
    // Only active grants count (the server filters), and only those that have not expired.
    expect(grantsQuery?.get("is_active")).toBe("eq.true");
  });

  it("an expired grant does not count; one expiring later does", async () => {
    connections = [CONNECTION];
    agents = [AGENT];
    grants = [{ expires_at: "2020-01-01T00:00:00.000Z" }];
    const first = await checklist();
    expect(stepStates(first.steps)[2]).toBe("Grant it a permission: next");
    first.unmount();

    grants = [
      { expires_at: "2020-01-01T00:00:00.000Z" },
      { expires_at: new Date(Date.now() + 86_400_000).toISOString() },
    ];
    const second = await checklist();
    expect(stepStates(second.steps)[2]).toBe("Grant it a permission: done");
  });

  it("granted: trying it is next", async () => {
    connections = [CONNECTION];
    agents = [AGENT];
    grants = [{ expires_at: null }];
    const { steps } = await checklist();

    expect(stepStates(steps)).toEqual([
      "Connect ClickSend: done",
      "Create an agent: done",
      "Grant it a permission: done",
      "Try it: next",
    ]);
    expect(
      within(nextStep(steps) as HTMLElement).getByRole("link", {
        name: "Open the Tool playground",
      }),
    ).toHaveAttribute("href", `/agents?agent=${AGENT.id}`);
  });

  it.each([
    { what: "a tool ran", runs: [{ id: "t1" }], sent: [] },
    { what: "a message was sent", runs: [], sent: [{ id: "m1" }] },
  ])("all done once $what: no next step, and it says so", async ({ runs, sent }) => {
    connections = [CONNECTION];
    agents = [AGENT];
    grants = [{ expires_at: null }];
    toolRuns = runs;
    messages = sent;
    const { steps, section } = await checklist();

    expect(stepStates(steps)).toEqual([
      "Connect ClickSend: done",
      "Create an agent: done",
      "Grant it a permission: done",
      "Try it: done",
    ]);
    expect(nextStep(steps)).toBeUndefined();
    expect(within(section).getByRole("heading", { level: 2 })).toHaveTextContent("You are set up");
  });

  it(
    "says while it checks, and offers to try again when a read fails",
    { timeout: 15_000 },
    async () => {
      let failAgents = true;
      server.use(
        http.get(restUrl("/agents"), () =>
          failAgents
            ? HttpResponse.json({ message: "permission denied", code: "42501" }, { status: 403 })
            : HttpResponse.json(agents),
        ),
      );
      const { user } = await renderRoute("/");
      expect(await screen.findByText("Checking your setup")).toBeInTheDocument();

      const alert = await screen.findByRole("alert");
      expect(alert).toHaveTextContent("Could not check your setup");
      failAgents = false;
      await user.click(within(alert).getByRole("button", { name: "Try again" }));
      const section = await screen.findByRole("region", { name: "Get started" });
      expect(await within(section).findAllByRole("listitem")).toHaveLength(4);
      expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    },
  );
});
