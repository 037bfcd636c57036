import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { z } from "zod";

import { renderRoute } from "@/testing/render-route";
import { functionError } from "@/testing/msw/function-responses";
import { server } from "@/testing/msw/server";
import { unreadRepliesCount } from "@/testing/msw/unread-replies";
import { functionUrl, restUrl } from "@/testing/msw/urls";

// ---------------------------------------------------------------------------------------------
// A small fake of the backend this screen talks to: PostgREST tables under RLS (the signed-in
// user's rows only) and the clicksend-connect / clicksend-api functions, with their real shapes.
// ---------------------------------------------------------------------------------------------

const SANDBOX = { username: "sandbox_user", api_key: "A1B2C3D4-E5F6-4789-ABCD-0123456789AB" };
/** What clicksend-connect says when ClickSend answers 401 "Authorization failed.". */
const AUTH_FAILED =
  "ClickSend rejected the username or API key (Authorization failed.). Check both in ClickSend's dashboard under API Credentials.";

const PROVIDER = {
  display_name: "ClickSend SMS/MMS",
  configuration_metadata: {
    features: { sms_sending: true, mms_sending: true, balance_checking: true, fax: false },
    setup_instructions: {
      step_2: "Open API Credentials in your ClickSend dashboard",
      step_1: "Sign up for a ClickSend account at https://clicksend.com",
      step_3: "Copy your API username and API key",
      step_4: "Choose Connect ClickSend here and paste them",
    },
    limits: { mms_max_size_kb: 250 },
    documentation_url: "https://developers.clicksend.com/",
  },
};

type Row = {
  id: string;
  connection_name: string;
  external_username: string | null;
  connection_status: "active" | "inactive" | "revoked" | "error" | "expired";
  credential_hint: string | null;
  connection_metadata: {
    default_sender_id: string | null;
    inbound_rule_id?: number | null;
    inbound_poll_rule_id?: number | null;
  };
  created_at: string;
  updated_at: string;
};

let clock = Date.parse("2025-09-01T10:00:00Z");
function row(overrides: Partial<Row> & { connection_name: string }): Row {
  clock += 60_000;
  const at = new Date(clock).toISOString();
  return {
    id: crypto.randomUUID(),
    external_username: SANDBOX.username,
    connection_status: "active",
    credential_hint: "89AB",
    connection_metadata: { default_sender_id: null },
    created_at: at,
    updated_at: at,
    ...overrides,
  };
}

const view = ({ connection_metadata, ...rest }: Row) => ({
  ...rest,
  default_sender_id: connection_metadata.default_sender_id,
});

const connectBody = z.strictObject({
  username: z.string(),
  api_key: z.string(),
  connection_name: z.string().optional(),
  default_sender_id: z.string().optional(),
});
const patchBody = z.strictObject({
  connection_id: z.string(),
  api_key: z.string().optional(),
  connection_name: z.string().optional(),
  default_sender_id: z.string().nullable().optional(),
  enable_replies: z.literal(true).optional(),
});
const idBody = z.object({ connection_id: z.string() });

type Backend = {
  connections: Row[];
  agents: { id: string; name: string }[];
  grants: { agent_id: string; connection_id: string; is_active: boolean }[];
  /** Every Edge Function call, in order. */
  calls: { method: string; name: string; body: unknown }[];
};

function fakeBackend({
  sandbox = true,
  connections = [],
  agents = [],
  grants = [],
}: Partial<Omit<Backend, "calls">> & { sandbox?: boolean } = {}): Backend {
  const state: Backend = { connections, agents, grants, calls: [] };
  const record = async (request: Request, name: string) => {
    const text = await request.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    state.calls.push({ method: request.method, name, body });
    return body;
  };
  const account = { username: SANDBOX.username, balance: 12.34, currency: "AUD" };

  server.use(
    unreadRepliesCount(),
    http.get(restUrl("/service_providers"), () => HttpResponse.json(PROVIDER)),
    http.get(restUrl("/user_oauth_connections"), () =>
      HttpResponse.json(
        state.connections.toSorted((a, b) => a.created_at.localeCompare(b.created_at)),
      ),
    ),
    http.get(restUrl("/agent_integration_permissions"), ({ request }) => {
      const params = new URL(request.url).searchParams;
      const connectionId = params.get("user_oauth_connection_id")?.replace(/^eq\./, "");
      return HttpResponse.json(
        state.grants
          .filter((grant) => grant.connection_id === connectionId && grant.is_active)
          .map((grant) => ({ agent_id: grant.agent_id, is_active: true })),
      );
    }),
    http.get(restUrl("/agents"), ({ request }) => {
      const filter = new URL(request.url).searchParams.get("id") ?? "";
      const ids = (/^in\.\((.*)\)$/.exec(filter)?.[1] ?? "").replace(/"/g, "").split(",");
      return HttpResponse.json(state.agents.filter((agent) => ids.includes(agent.id)));
    }),

    http.get(functionUrl("clicksend-connect"), async ({ request }) => {
      await record(request, "clicksend-connect");
      return HttpResponse.json({ sandbox, sandbox_account: sandbox ? SANDBOX : null });
    }),
    http.post(functionUrl("clicksend-connect"), async ({ request }) => {
      const body = connectBody.parse(await record(request, "clicksend-connect"));
      const holder = state.connections.find(
        (held) =>
          held.connection_status === "active" &&
          held.external_username?.toLowerCase() === body.username.toLowerCase(),
      );
      if (holder) {
        return functionError(
          409,
          "already_connected",
          `The ClickSend account ${body.username} is already connected as “${holder.connection_name}”. To use a new API key, rotate the key on that connection instead of connecting the account again.`,
        );
      }
      if (body.username !== SANDBOX.username || body.api_key !== SANDBOX.api_key) {
        return functionError(400, "invalid_credentials", AUTH_FAILED);
      }
      const created = row({
        connection_name: body.connection_name ?? `ClickSend (${body.username})`,
        credential_hint: body.api_key.slice(-4),
        connection_metadata: { default_sender_id: body.default_sender_id ?? null },
      });
      state.connections.push(created);
      return HttpResponse.json({ connection: view(created), account }, { status: 201 });
    }),
    http.patch(functionUrl("clicksend-connect"), async ({ request }) => {
      const body = patchBody.parse(await record(request, "clicksend-connect"));
      const target = state.connections.find((candidate) => candidate.id === body.connection_id);
      if (!target) return functionError(404, "not_found", "No such ClickSend connection.");
      if (body.api_key !== undefined) {
        if (body.api_key.startsWith("WRONG")) {
          return functionError(400, "invalid_credentials", AUTH_FAILED);
        }
        target.credential_hint = body.api_key.slice(-4);
        // A new key on a disconnected connection reconnects it.
        target.connection_status = "active";
      }
      if (body.connection_name !== undefined) target.connection_name = body.connection_name;
      if (body.enable_replies) {
        if (target.connection_status !== "active") {
          return functionError(409, "connection_unusable", "Reconnect this connection first.");
        }
        // What ensurePushRules records when ClickSend takes both rules.
        Object.assign(target.connection_metadata, {
          inbound_rule_id: 21,
          inbound_poll_rule_id: 22,
        });
      }
      return HttpResponse.json({
        connection: view(target),
        ...(body.api_key === undefined ? {} : { account: { ...account, balance: 99 } }),
      });
    }),
    http.delete(functionUrl("clicksend-connect"), async ({ request }) => {
      const { connection_id } = idBody.parse(await record(request, "clicksend-connect"));
      const target = state.connections.find((candidate) => candidate.id === connection_id);
      if (!target) return functionError(404, "not_found", "No such ClickSend connection.");
      const revoked = state.grants.filter(
        (grant) => grant.connection_id === connection_id && grant.is_active,
      );
      for (const grant of revoked) grant.is_active = false;
      Object.assign(target, { connection_status: "revoked", credential_hint: null });
      return HttpResponse.json({ connection: view(target), revoked_grants: revoked.length });
    }),
    // RLS lets a user delete their own connection; the app removes only disconnected ones.
    http.delete(restUrl("/user_oauth_connections"), ({ request }) => {
      const params = new URL(request.url).searchParams;
      const id = params.get("id")?.replace(/^eq\./, "");
      const status = params.get("connection_status")?.replace(/^eq\./, "");
      state.calls.push({ method: "DELETE", name: "user_oauth_connections", body: { id, status } });
      const before = state.connections.length;
      state.connections = state.connections.filter(
        (held) => held.id !== id || held.connection_status !== status,
      );
      const removed = before - state.connections.length;
      return new HttpResponse(null, {
        status: 204,
        headers: { "content-range": `*/${String(removed)}` },
      });
    }),
    http.post(functionUrl("clicksend-api"), async ({ request }) => {
      const { connection_id } = idBody.parse(await record(request, "clicksend-api"));
      const target = state.connections.find((candidate) => candidate.id === connection_id);
      if (target?.connection_status !== "active") {
        return functionError(404, "connection_not_found", "No active ClickSend connection.");
      }
      return HttpResponse.json({ ok: true, result: account });
    }),
  );
  return state;
}

async function openIntegrations() {
  const view = await renderRoute("/integrations");
  expect(await screen.findByRole("heading", { level: 1, name: "Integrations" })).toBeVisible();
  await screen.findByRole("heading", { level: 3, name: "Your connections" });
  await waitFor(() => {
    expect(screen.queryByText("Loading your connections")).not.toBeInTheDocument();
  });
  return view;
}

const notifications = () => within(screen.getByRole("status", { name: "Notifications" }));
const connectionCard = (name: string) => screen.getByRole("article", { name });
const writes = (backend: Backend) =>
  backend.calls.filter((call) => call.method !== "GET" && call.name === "clicksend-connect");

async function waitForDialogToClose() {
  await waitFor(() => {
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });
}

describe("Integrations page", () => {
  it("shows the provider's name, features and setup steps, and what to do first", async () => {
    fakeBackend({ sandbox: false });
    await openIntegrations();

    expect(screen.getByRole("heading", { level: 2, name: "ClickSend SMS/MMS" })).toBeVisible();
    const features = within(screen.getByRole("region", { name: "Features" }));
    expect(features.getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      "Send SMS",
      "Send MMS",
      "Balance checks",
    ]);
    const steps = within(screen.getByRole("region", { name: "How to connect" }));
    expect(steps.getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      "Sign up for a ClickSend account at clicksend.com (opens in a new tab)",
      "Open API Credentials in your ClickSend dashboard",
      "Copy your API username and API key",
      "Choose Connect ClickSend here and paste them",
    ]);
    expect(steps.getByRole("link", { name: /clicksend\.com/ })).toHaveAttribute(
      "href",
      "https://clicksend.com",
    );
    expect(
      screen.getByRole("heading", { level: 4, name: "No ClickSend account connected" }),
    ).toBeVisible();
    expect(screen.queryByText("Sandbox")).not.toBeInTheDocument();
  });

  it("connects an account: the dialog closes and the card shows the username and balance", async () => {
    const backend = fakeBackend();
    const { user } = await openIntegrations();

    await user.click(screen.getByRole("button", { name: "Connect ClickSend" }));
    const dialog = within(screen.getByRole("dialog", { name: "Connect ClickSend" }));
    const apiKey = dialog.getByLabelText("API key");
    expect(apiKey).toHaveAttribute("type", "password");
    await user.type(dialog.getByLabelText("Username"), SANDBOX.username);
    await user.type(apiKey, SANDBOX.api_key);
    await user.click(dialog.getByRole("button", { name: "Show" }));
    expect(apiKey).toHaveAttribute("type", "text");
    await user.type(dialog.getByLabelText("Connection name"), "Support line");
    await user.click(dialog.getByRole("button", { name: "Connect" }));

    await waitForDialogToClose();
    const card = within(connectionCard("Support line"));
    expect(card.getByText(SANDBOX.username)).toBeVisible();
    expect(card.getByText("12.34 AUD")).toBeVisible();
    expect(card.getByText("Active")).toBeVisible();
    expect(notifications().getByText("ClickSend connected")).toBeVisible();
    expect(screen.queryByText("No ClickSend account connected")).not.toBeInTheDocument();
    expect(writes(backend).map((call) => call.body)).toEqual([
      { username: SANDBOX.username, api_key: SANDBOX.api_key, connection_name: "Support line" },
    ]);
    // The balance came with the connect answer; nobody asked ClickSend twice.
    expect(backend.calls.filter((call) => call.name === "clicksend-api")).toHaveLength(0);
  });

  it("keeps the dialog open with ClickSend's reason when the key is wrong", async () => {
    const backend = fakeBackend();
    const { user } = await openIntegrations();

    await user.click(screen.getByRole("button", { name: "Connect ClickSend" }));
    const dialog = within(screen.getByRole("dialog", { name: "Connect ClickSend" }));
    await user.type(dialog.getByLabelText("Username"), SANDBOX.username);
    await user.type(dialog.getByLabelText("API key"), "WRONG-KEY-0000");
    await user.click(dialog.getByRole("button", { name: "Connect" }));

    expect(await dialog.findByRole("alert")).toHaveTextContent("Authorization failed.");
    expect(screen.getByRole("dialog", { name: "Connect ClickSend" })).toBeVisible();
    expect(dialog.getByLabelText("Username")).toHaveValue(SANDBOX.username);
    expect(dialog.getByRole("button", { name: "Connect" })).toBeEnabled();
    expect(backend.connections).toHaveLength(0);
  });

  it("checks the sender ID before sending anything", async () => {
    const backend = fakeBackend();
    const { user } = await openIntegrations();

    await user.click(screen.getByRole("button", { name: "Connect ClickSend" }));
    const dialog = within(screen.getByRole("dialog", { name: "Connect ClickSend" }));
    await user.type(dialog.getByLabelText("Username"), SANDBOX.username);
    await user.type(dialog.getByLabelText("API key"), SANDBOX.api_key);
    const sender = dialog.getByLabelText("Default sender ID");
    await user.type(sender, "+0412");
    await user.click(dialog.getByRole("button", { name: "Connect" }));

    expect(sender).toHaveAttribute("aria-invalid", "true");
    expect(sender).toHaveAccessibleDescription(
      expect.stringContaining(
        "Use an E.164 number such as +61411111111, or 3-11 letters and digits.",
      ),
    );
    expect(writes(backend)).toHaveLength(0);

    await user.clear(sender);
    await user.type(sender, "+61411111111");
    await user.click(dialog.getByRole("button", { name: "Connect" }));

    await waitForDialogToClose();
    expect(writes(backend).map((call) => call.body)).toEqual([
      { username: SANDBOX.username, api_key: SANDBOX.api_key, default_sender_id: "+61411111111" },
    ]);
    expect(
      within(connectionCard("ClickSend (sandbox_user)")).getByText("+61411111111"),
    ).toBeVisible();
  });

  it("shows a Sandbox badge and fills the sandbox credentials", async () => {
    fakeBackend({ sandbox: true });
    const { user } = await openIntegrations();

    const card = within(screen.getByRole("region", { name: /ClickSend SMS\/MMS/ }));
    expect(await card.findByText("Sandbox")).toBeVisible();
    expect(card.getAllByText(SANDBOX.api_key)[0]).toBeVisible();

    await user.click(screen.getByRole("button", { name: "Connect ClickSend" }));
    const dialog = within(screen.getByRole("dialog", { name: "Connect ClickSend" }));
    await user.click(dialog.getByRole("button", { name: "Use sandbox credentials" }));
    expect(dialog.getByLabelText("Username")).toHaveValue(SANDBOX.username);
    expect(dialog.getByLabelText("API key")).toHaveValue(SANDBOX.api_key);

    await user.click(dialog.getByRole("button", { name: "Connect" }));
    await waitForDialogToClose();
    expect(within(connectionCard("ClickSend (sandbox_user)")).getByText("12.34 AUD")).toBeVisible();
  });

  it("rotates the key from an empty, masked field and shows the new hint", async () => {
    const connection = row({ connection_name: "Marketing" });
    const backend = fakeBackend({ connections: [connection] });
    const { user } = await openIntegrations();

    const card = within(connectionCard("Marketing"));
    expect(await card.findByText("12.34 AUD")).toBeVisible();
    await user.click(card.getByRole("button", { name: "Rotate key Marketing" }));
    const dialog = within(screen.getByRole("dialog", { name: "Rotate API key" }));
    const field = dialog.getByLabelText("New API key");
    expect(field).toHaveValue("");
    expect(field).toHaveAttribute("type", "password");
    expect(field).toHaveFocus();

    await user.type(field, "WRONG-KEY-1111");
    await user.click(dialog.getByRole("button", { name: "Rotate key" }));
    expect(await dialog.findByRole("alert")).toHaveTextContent("Authorization failed.");

    await user.clear(field);
    await user.type(field, "NEW-KEY-7777");
    await user.click(dialog.getByRole("button", { name: "Rotate key" }));

    await waitForDialogToClose();
    expect(notifications().getByText("API key rotated")).toBeVisible();
    expect(card.getByText("7777")).toBeVisible();
    expect(card.getByText("99.00 AUD")).toBeVisible();
    expect(writes(backend).at(-1)?.body).toEqual({
      connection_id: connection.id,
      api_key: "NEW-KEY-7777",
    });
    // Focus goes back to the button that opened the dialog.
    expect(card.getByRole("button", { name: "Rotate key Marketing" })).toHaveFocus();
  });

  it("renames a connection", async () => {
    const connection = row({ connection_name: "Marketing" });
    const backend = fakeBackend({ connections: [connection] });
    const { user } = await openIntegrations();

    await user.click(
      within(connectionCard("Marketing")).getByRole("button", { name: "Rename Marketing" }),
    );
    const dialog = within(screen.getByRole("dialog", { name: "Rename connection" }));
    const field = dialog.getByLabelText("Connection name");
    expect(field).toHaveValue("Marketing");

    await user.clear(field);
    await user.click(dialog.getByRole("button", { name: "Save name" }));
    expect(field).toHaveAccessibleDescription("Give the connection a name.");
    expect(writes(backend)).toHaveLength(0);

    await user.type(field, "Customer support");
    await user.click(dialog.getByRole("button", { name: "Save name" }));

    await waitForDialogToClose();
    expect(connectionCard("Customer support")).toBeVisible();
    expect(notifications().getByText("Connection renamed")).toBeVisible();
    expect(writes(backend).map((call) => call.body)).toEqual([
      { connection_id: connection.id, connection_name: "Customer support" },
    ]);
  });

  it("names the agents that lose access, then disconnects", async () => {
    const connection = row({ connection_name: "Marketing" });
    const other = row({ connection_name: "Alerts" });
    const agents = [
      { id: crypto.randomUUID(), name: "Support bot" },
      { id: crypto.randomUUID(), name: "Sales bot" },
      { id: crypto.randomUUID(), name: "Ops bot" },
    ];
    const grants = [
      { agent_id: agents[0]?.id ?? "", connection_id: connection.id, is_active: true },
      { agent_id: agents[1]?.id ?? "", connection_id: connection.id, is_active: true },
      { agent_id: agents[2]?.id ?? "", connection_id: other.id, is_active: true },
    ];
    const backend = fakeBackend({ connections: [connection, other], agents, grants });
    const { user } = await openIntegrations();

    await user.click(
      within(connectionCard("Marketing")).getByRole("button", { name: "Disconnect Marketing" }),
    );
    const dialog = within(screen.getByRole("dialog", { name: "Disconnect Marketing?" }));
    expect(await dialog.findByText("These 2 agents lose access:")).toBeVisible();
    expect(
      dialog
        .getAllByRole("listitem")
        .map((item) => item.textContent)
        .sort(),
    ).toEqual(["Sales bot", "Support bot"]);
    expect(dialog.queryByText("Ops bot")).not.toBeInTheDocument();

    await user.click(dialog.getByRole("button", { name: "Disconnect" }));

    await waitForDialogToClose();
    const card = within(connectionCard("Marketing"));
    expect(card.getByText("Disconnected")).toBeVisible();
    expect(card.getAllByRole("button").map((button) => button.textContent)).toEqual([
      "Reconnect Marketing",
      "Remove Marketing",
    ]);
    expect(notifications().getByText("Marketing disconnected")).toBeVisible();
    expect(notifications().getByText("2 agents lost access.")).toBeVisible();
    expect(writes(backend).map((call) => [call.method, call.body])).toEqual([
      ["DELETE", { connection_id: connection.id }],
    ]);
    // The other connection is untouched and still usable.
    expect(
      within(connectionCard("Alerts")).getByRole("button", { name: "Disconnect Alerts" }),
    ).toBeVisible();
  });

  it("says when no agent loses access, and shows the empty state after the last disconnect", async () => {
    fakeBackend({ connections: [row({ connection_name: "Marketing" })] });
    const { user } = await openIntegrations();

    await user.click(screen.getByRole("button", { name: "Disconnect Marketing" }));
    const dialog = within(screen.getByRole("dialog", { name: "Disconnect Marketing?" }));
    expect(await dialog.findByText(/No agent has access to this connection/)).toBeVisible();
    await user.click(dialog.getByRole("button", { name: "Disconnect" }));

    await waitForDialogToClose();
    expect(
      screen.getByRole("heading", { level: 4, name: "No ClickSend account connected" }),
    ).toBeVisible();
    // The disconnect button is gone, so focus lands on the connection instead of the page.
    expect(screen.getByRole("heading", { level: 4, name: "Marketing" })).toHaveFocus();
  });

  it("shows a load error the user can retry", async () => {
    fakeBackend({ connections: [row({ connection_name: "Marketing" })] });
    // Failing until the user tries again: the navigation reads the same list, and a second
    // reader mounting after a failure tries once more on its own.
    let failing = true;
    server.use(
      http.get(restUrl("/user_oauth_connections"), () => {
        if (!failing) return undefined;
        // A PostgREST error (connection lost): postgrest-js itself retries only network errors.
        return HttpResponse.json(
          { code: "08006", message: "Database connection lost.", details: null, hint: null },
          { status: 500 },
        );
      }),
    );
    const { user } = await openIntegrations();

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load your connections");
    expect(alert).toHaveTextContent("Something went wrong on our side");
    expect(alert).not.toHaveTextContent("Database connection lost.");
    failing = false;
    await user.click(within(alert).getByRole("button", { name: "Try again" }));

    expect(await screen.findByRole("article", { name: "Marketing" })).toBeVisible();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("explains a failure that retrying cannot fix, without a Try again button", async () => {
    fakeBackend();
    server.use(
      http.get(restUrl("/service_providers"), () =>
        HttpResponse.json(
          {
            code: "PGRST116",
            message: "JSON object requested, multiple (or no) rows returned",
            details: "The result contains 0 rows",
            hint: null,
          },
          { status: 406 },
        ),
      ),
    );
    await renderRoute("/integrations");

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the ClickSend integration");
    expect(alert).toHaveTextContent("The ClickSend integration is not enabled on this server.");
    expect(within(alert).queryByRole("button")).not.toBeInTheDocument();
  });

  it("retries a balance ClickSend could not give", async () => {
    fakeBackend({ connections: [row({ connection_name: "Marketing" })] });
    server.use(
      http.post(
        functionUrl("clicksend-api"),
        () =>
          functionError(
            502,
            "upstream_unavailable",
            "ClickSend could not be reached; try again shortly.",
            {
              retryable: true,
            },
          ),
        { once: true },
      ),
    );
    const { user } = await openIntegrations();

    const card = within(connectionCard("Marketing"));
    expect(
      await card.findByText(/Balance unavailable: ClickSend could not be reached/),
    ).toBeVisible();
    await user.click(card.getByRole("button", { name: "Try again balance of Marketing" }));
    expect(await card.findByText("12.34 AUD")).toBeVisible();
  });

  it("works by keyboard: Enter opens the dialog, Escape closes it and focus returns", async () => {
    fakeBackend();
    const { user } = await openIntegrations();

    const open = screen.getByRole("button", { name: "Connect ClickSend" });
    open.focus();
    await user.keyboard("{Enter}");
    const dialog = screen.getByRole("dialog", { name: "Connect ClickSend" });
    // The first control in the dialog has focus: the sandbox "fill" button.
    expect(within(dialog).getByRole("button", { name: "Use sandbox credentials" })).toHaveFocus();
    await user.keyboard("{Enter}");
    await user.tab();
    expect(within(dialog).getByLabelText("Username")).toHaveFocus();
    await user.keyboard("{Escape}");

    await waitForDialogToClose();
    expect(open).toHaveFocus();
  });
});

describe("Integrations page: replies", () => {
  it("says how replies reach each connection, and enables them when they are off", async () => {
    const backend = fakeBackend({
      connections: [
        row({ connection_name: "Old account" }),
        row({
          connection_name: "Polled account",
          connection_metadata: { default_sender_id: null, inbound_poll_rule_id: 5 },
        }),
        row({
          connection_name: "Pushed account",
          connection_metadata: { default_sender_id: null, inbound_rule_id: 4 },
        }),
      ],
    });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.use(
      http.patch(functionUrl("clicksend-connect"), async () => {
        await held;
      }),
    );
    const { user } = await openIntegrations();

    const pushed = within(connectionCard("Pushed account"));
    expect(pushed.getByText("Pushed")).toBeVisible();
    expect(pushed.getByText(/sends each reply here as it arrives/)).toBeVisible();
    expect(pushed.queryByRole("button", { name: /replies/ })).not.toBeInTheDocument();
    const polled = within(connectionCard("Polled account"));
    expect(polled.getByText("Polled only")).toBeVisible();
    expect(polled.getByRole("button", { name: "Repair replies for Polled account" })).toBeVisible();

    const old = within(connectionCard("Old account"));
    expect(old.getByText("Off")).toBeVisible();
    const enable = old.getByRole("button", { name: "Enable replies for Old account" });
    await user.click(enable);

    // Pending: the button is busy until clicksend-connect answers.
    expect(enable).toBeDisabled();
    expect(enable).toHaveAttribute("aria-busy", "true");
    release();

    expect(await notifications().findByText("Replies enabled")).toBeVisible();
    expect(await old.findByText("Pushed")).toBeVisible();
    expect(old.queryByRole("button", { name: /Enable replies/ })).not.toBeInTheDocument();
    expect(writes(backend).map((call) => call.body)).toEqual([
      { connection_id: backend.connections[0]?.id, enable_replies: true },
    ]);
  });

  it("says why replies could not be enabled, and leaves the button to try again", async () => {
    fakeBackend({ connections: [row({ connection_name: "Old account" })] });
    server.use(
      http.patch(functionUrl("clicksend-connect"), () =>
        functionError(
          409,
          "connection_unusable",
          "The ClickSend connection has no usable credentials; reconnect it.",
        ),
      ),
    );
    const { user } = await openIntegrations();

    const card = within(connectionCard("Old account"));
    await user.click(card.getByRole("button", { name: "Enable replies for Old account" }));

    const alert = await card.findByRole("alert");
    expect(alert).toHaveTextContent("Could not enable replies");
    expect(alert).toHaveTextContent("no usable credentials; reconnect it");
    expect(card.getByText("Off")).toBeVisible();
    expect(card.getByRole("button", { name: "Enable replies for Old account" })).toBeEnabled();
  });

  it("shows no replies row for a disconnected connection", async () => {
    fakeBackend({
      connections: [row({ connection_name: "Gone", connection_status: "revoked" })],
    });
    await openIntegrations();
    const card = within(connectionCard("Gone"));
    expect(card.queryByText("Replies")).not.toBeInTheDocument();
    expect(card.queryByRole("button", { name: /replies/ })).not.toBeInTheDocument();
  });
});

describe("Integrations page: the connect dialog and disconnected connections", () => {
  it("clears ClickSend's refusal as soon as a field changes", async () => {
    fakeBackend();
    const { user } = await openIntegrations();

    await user.click(screen.getByRole("button", { name: "Connect ClickSend" }));
    const dialog = within(screen.getByRole("dialog", { name: "Connect ClickSend" }));
    await user.type(dialog.getByLabelText("Username"), SANDBOX.username);
    await user.type(dialog.getByLabelText("API key"), "WRONG-KEY-0000");
    await user.click(dialog.getByRole("button", { name: "Connect" }));
    expect(await dialog.findByRole("alert")).toHaveTextContent("Authorization failed.");

    await user.type(dialog.getByLabelText("API key"), "1");
    expect(dialog.queryByRole("alert")).not.toBeInTheDocument();
    expect(dialog.queryByText("ClickSend account not connected")).not.toBeInTheDocument();
  });

  it("warns while the typed username is already connected, and offers to rotate that key instead", async () => {
    const connection = row({ connection_name: "Marketing" });
    const backend = fakeBackend({ connections: [connection] });
    const { user } = await openIntegrations();

    await user.click(screen.getByRole("button", { name: "Connect ClickSend" }));
    const dialog = within(screen.getByRole("dialog", { name: "Connect ClickSend" }));
    await user.type(dialog.getByLabelText("Username"), SANDBOX.username.toUpperCase());
    expect(dialog.getByText(/is already connected as “Marketing”/)).toBeVisible();
    await user.click(dialog.getByRole("button", { name: "Rotate the key on Marketing instead" }));

    expect(screen.queryByRole("dialog", { name: "Connect ClickSend" })).not.toBeInTheDocument();
    const rotate = within(screen.getByRole("dialog", { name: "Rotate API key" }));
    await user.type(rotate.getByLabelText("New API key"), "NEW-KEY-7777");
    await user.click(rotate.getByRole("button", { name: "Rotate key" }));
    await waitForDialogToClose();
    expect(writes(backend).map((call) => [call.method, call.body])).toEqual([
      ["PATCH", { connection_id: connection.id, api_key: "NEW-KEY-7777" }],
    ]);
  });

  it("offers to rotate instead when the server answers that the account is already connected", async () => {
    const backend = fakeBackend();
    const { user } = await openIntegrations();
    // Connected meanwhile in another tab: this screen's list does not have it yet.
    backend.connections.push(row({ connection_name: "Front desk" }));

    await user.click(screen.getByRole("button", { name: "Connect ClickSend" }));
    const dialog = within(screen.getByRole("dialog", { name: "Connect ClickSend" }));
    await user.type(dialog.getByLabelText("Username"), SANDBOX.username);
    await user.type(dialog.getByLabelText("API key"), SANDBOX.api_key);
    await user.click(dialog.getByRole("button", { name: "Connect" }));

    expect(
      await dialog.findByRole("button", { name: "Rotate the key on Front desk instead" }),
    ).toBeVisible();
    expect(dialog.getByText(/is already connected as “Front desk”/)).toBeVisible();
    expect(backend.connections).toHaveLength(1);
  });

  it("reconnects a disconnected connection with a key ClickSend accepts; a wrong key changes nothing", async () => {
    const connection = row({
      connection_name: "Old line",
      connection_status: "revoked",
      credential_hint: null,
    });
    const backend = fakeBackend({ connections: [connection] });
    const { user } = await openIntegrations();

    const card = within(connectionCard("Old line"));
    await user.click(card.getByRole("button", { name: "Reconnect Old line" }));
    const dialog = within(screen.getByRole("dialog", { name: "Reconnect Old line" }));
    expect(screen.getByRole("dialog", { name: "Reconnect Old line" })).toHaveTextContent(
      "Its message history stays",
    );
    const field = dialog.getByLabelText("API key");
    expect(field).toHaveAttribute("type", "password");
    await user.type(field, "WRONG-KEY-1111");
    await user.click(dialog.getByRole("button", { name: "Reconnect" }));
    expect(await dialog.findByRole("alert")).toHaveTextContent("Authorization failed.");
    expect(card.getByText("Disconnected")).toBeVisible();

    await user.clear(field);
    await user.type(field, "NEW-KEY-7777");
    await user.click(dialog.getByRole("button", { name: "Reconnect" }));
    await waitForDialogToClose();
    expect(notifications().getByText("Reconnected")).toBeVisible();
    expect(card.getByText("Active")).toBeVisible();
    expect(card.getByText("7777")).toBeVisible();
    expect(writes(backend).map((call) => [call.method, call.body])).toEqual([
      ["PATCH", { connection_id: connection.id, api_key: "WRONG-KEY-1111" }],
      ["PATCH", { connection_id: connection.id, api_key: "NEW-KEY-7777" }],
    ]);
    expect(screen.getByRole("heading", { level: 4, name: "Old line" })).toHaveFocus();
  });

  it("says the message history is deleted before removing a disconnected connection for good", async () => {
    const connection = row({
      connection_name: "Old line",
      connection_status: "revoked",
      credential_hint: null,
    });
    const backend = fakeBackend({ connections: [connection, row({ connection_name: "Live" })] });
    const { user } = await openIntegrations();

    await user.click(screen.getByRole("button", { name: "Remove Old line" }));
    let dialog = screen.getByRole("dialog", { name: "Remove Old line?" });
    expect(dialog).toHaveTextContent(
      "Every message sent through this connection and every reply received on it are deleted, and cannot be recovered.",
    );
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitForDialogToClose();
    expect(connectionCard("Old line")).toBeVisible();
    expect(backend.calls.filter((call) => call.method === "DELETE")).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Remove Old line" }));
    dialog = screen.getByRole("dialog", { name: "Remove Old line?" });
    await user.click(within(dialog).getByRole("button", { name: "Remove with its history" }));
    await waitForDialogToClose();
    expect(screen.queryByRole("article", { name: "Old line" })).not.toBeInTheDocument();
    expect(notifications().getByText("Old line removed")).toBeVisible();
    expect(backend.calls.filter((call) => call.method === "DELETE")).toEqual([
      {
        method: "DELETE",
        name: "user_oauth_connections",
        body: { id: connection.id, status: "revoked" },
      },
    ]);
    expect(connectionCard("Live")).toBeVisible();
  });
});
