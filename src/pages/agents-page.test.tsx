import { screen, waitFor, within } from "@testing-library/react";
import {
  http,
  HttpResponse,
  type DefaultBodyType,
  type JsonBodyType,
  type StrictRequest,
} from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import type { AgentPolicy } from "@contracts/guardrails.ts";
import type { Scope } from "@contracts/scopes.ts";
import { toolByName, toolsForScopes } from "@contracts/tool-catalog.ts";
import { renderRoute } from "@/testing/render-route";
import { functionError } from "@/testing/msw/function-responses";
import { server } from "@/testing/msw/server";
import { unreadRepliesCount } from "@/testing/msw/unread-replies";
import { functionUrl, restUrl } from "@/testing/msw/urls";

// An in-memory stand-in for the three tables and two functions the Agents page uses, faithful
// to the contracts it relies on: PostgREST filters and upsert, the non-empty allowed_scopes
// constraint, discovery from grants in force, and a permission check on every tool call.

type AgentRow = {
  id: string;
  name: string;
  description: string | null;
  created_at: string;
  default_connection_id: string | null;
};
type GrantRow = {
  id: string;
  agent_id: string;
  user_oauth_connection_id: string;
  allowed_scopes: Scope[];
  is_active: boolean;
  revoked_at: string | null;
  expires_at: string | null;
  granted_at: string;
};
/** A user_oauth_connections row, as the app selects it. */
type ConnectionRow = {
  id: string;
  connection_name: string;
  external_username: string;
  connection_status: "active" | "revoked";
  credential_hint: string;
  connection_metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
};
type Recorded = { method: string; url: URL; body: unknown };

const CONNECTION: ConnectionRow = {
  id: "c0000000-0000-4000-8000-000000000001",
  connection_name: "ClickSend",
  external_username: "sandbox_user",
  connection_status: "active",
  credential_hint: "89AB",
  connection_metadata: { account_country: "AU", default_sender_id: null },
  created_at: "2025-01-01T00:00:00.000Z",
  updated_at: "2025-01-01T00:00:00.000Z",
};

let agents: AgentRow[];
let grants: GrantRow[];
let connections: ConnectionRow[];
let grantWrites: Recorded[];
let agentWrites: Recorded[];
let toolCalls: unknown[];
type WebhookRow = {
  agent_id: string;
  url: string;
  secret_hint: string;
  secret_rotated_at: string;
  created_at: string;
  updated_at: string;
};
type DeliveryRow = {
  id: number;
  agent_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  url: string;
  status_code: number | null;
  error: string | null;
  succeeded: boolean;
  attempted_at: string;
};
/** A public.agent_policies row as the app reads it, with its agent. */
type PolicyRow = AgentPolicy & { agent_id: string };
let policies: PolicyRow[];
let policyWrites: Recorded[];
let webhooks: WebhookRow[];
let deliveries: DeliveryRow[];
let webhookCalls: unknown[];
let secrets: number;
/** A public.tool_execution_logs row, as the executor writes it. */
type LogRow = {
  id: string;
  agent_id: string;
  tool_name: string;
  success: boolean;
  error_code: string | null;
  error_message: string | null;
  http_status: number | null;
  created_at: string;
};
/** A public.clicksend_messages row, reduced to what the refused-recipients summary reads. */
type MessageRow = { agent_id: string; status: string; created_at: string };
let logs: LogRow[];
let messages: MessageRow[];

function agent(name: string, description: string | null = null): AgentRow {
  return {
    id: crypto.randomUUID(),
    name,
    description,
    created_at: new Date(Date.UTC(2025, 0, agents.length + 1)).toISOString(),
    default_connection_id: null,
  };
}

function grant(
  agentId: string,
  scopes: Scope[],
  connectionId = CONNECTION.id,
  grantedAt = "2025-02-01T00:00:00.000Z",
): GrantRow {
  return {
    id: crypto.randomUUID(),
    agent_id: agentId,
    user_oauth_connection_id: connectionId,
    allowed_scopes: scopes,
    is_active: true,
    revoked_at: null,
    expires_at: null,
    granted_at: grantedAt,
  };
}

const RESERVED_PARAMS = new Set(["select", "order", "on_conflict", "limit", "offset", "columns"]);

/** PostgREST `column=eq.value` filters (the only operator the page uses). */
function matches(row: Record<string, unknown>, url: URL): boolean {
  return [...url.searchParams].every(
    ([column, filter]) =>
      RESERVED_PARAMS.has(column) ||
      (filter.startsWith("eq.") && String(row[column]) === filter.slice(3)),
  );
}

/** `.single()` asks for one object instead of an array. */
function answer(request: StrictRequest<DefaultBodyType>, rows: JsonBodyType[], status = 200) {
  const single = request.headers.get("accept")?.includes("vnd.pgrst.object") ?? false;
  return HttpResponse.json(single ? (rows[0] ?? null) : rows, { status });
}

function postgrestError(status: number, code: string, message: string) {
  return HttpResponse.json({ code, message, details: null, hint: null }, { status });
}

function scopesInForce(agentId: string): Scope[] {
  return grants
    .filter((row) => row.agent_id === agentId && row.is_active)
    .flatMap((row) => row.allowed_scopes);
}

/** PostgREST answers only the columns `select` names. */
function selected(request: Request) {
  const columns = new URL(request.url).searchParams.get("select")?.split(",") ?? [];
  return (row: PolicyRow) =>
    Object.fromEntries(Object.entries(row).filter(([column]) => columns.includes(column)));
}

/**
 * Zones this browser knows that the stand-in database does not (its time zone data is older):
 * the database's own check refuses them with 22023, as private.agent_policy_check does.
 */
const ZONES_UNKNOWN_TO_DATABASE = new Set(["America/Ciudad_Juarez"]);

/** PostgREST `in.(A,B)` and `gte.<time>` filters, as the activity's reads use them. */
function matchesFilter(value: unknown, filter: string): boolean {
  if (filter.startsWith("eq.")) return String(value) === filter.slice(3);
  if (filter.startsWith("in.(")) return filter.slice(4, -1).split(",").includes(String(value));
  if (filter.startsWith("gte.")) return Date.parse(String(value)) >= Date.parse(filter.slice(4));
  throw new Error(`Unexpected filter ${filter}`);
}

function filtered<Row extends Record<string, unknown>>(rows: Row[], url: URL): Row[] {
  return rows.filter((row) =>
    [...url.searchParams].every(
      ([column, filter]) => RESERVED_PARAMS.has(column) || matchesFilter(row[column], filter),
    ),
  );
}

const handlers = [
  unreadRepliesCount(),
  http.get(restUrl("/tool_execution_logs"), ({ request }) => {
    const url = new URL(request.url);
    const limit = Number(url.searchParams.get("limit"));
    return answer(
      request,
      filtered(logs, url)
        .sort((a, b) => b.created_at.localeCompare(a.created_at))
        .slice(0, limit),
    );
  }),
  http.get(restUrl("/clicksend_messages"), ({ request }) =>
    answer(request, filtered(messages, new URL(request.url))),
  ),
  http.get(restUrl("/agent_policies"), ({ request }) =>
    answer(
      request,
      policies.filter((row) => matches(row, new URL(request.url))).map(selected(request)),
    ),
  ),
  // An upsert on agent_id, checked as the table's trigger checks it.
  http.post(restUrl("/agent_policies"), async ({ request }) => {
    const url = new URL(request.url);
    const body = (await request.json()) as PolicyRow;
    policyWrites.push({ method: "POST", url, body });
    const zone = body.quiet_hours_timezone;
    if (zone !== null && ZONES_UNKNOWN_TO_DATABASE.has(zone)) {
      return postgrestError(
        400,
        "22023",
        `quiet_hours_timezone: ${zone} is not a known time zone (use an IANA name such as Australia/Sydney)`,
      );
    }
    if (url.searchParams.get("on_conflict") !== "agent_id") {
      return postgrestError(409, "23505", "duplicate key value violates unique constraint");
    }
    // The database answers times with seconds.
    const row: PolicyRow = {
      ...body,
      quiet_hours_start: body.quiet_hours_start && `${body.quiet_hours_start}:00`,
      quiet_hours_end: body.quiet_hours_end && `${body.quiet_hours_end}:00`,
    };
    policies = [...policies.filter((existing) => existing.agent_id !== body.agent_id), row];
    return answer(request, [row].map(selected(request)), 201);
  }),
  http.delete(restUrl("/agent_policies"), ({ request }) => {
    const url = new URL(request.url);
    policyWrites.push({ method: "DELETE", url, body: null });
    const gone = policies.filter((row) => matches(row, url));
    policies = policies.filter((row) => !gone.includes(row));
    return answer(request, gone);
  }),
  http.post(functionUrl("clicksend-api"), () =>
    HttpResponse.json({
      ok: true,
      result: { username: CONNECTION.external_username, balance: 25, currency: "AUD" },
    }),
  ),
  http.get(restUrl("/agents"), ({ request }) =>
    answer(
      request,
      agents
        .filter((row) => matches(row, new URL(request.url)))
        .sort((a, b) => a.created_at.localeCompare(b.created_at)),
    ),
  ),
  http.post(restUrl("/agents"), async ({ request }) => {
    const body = (await request.json()) as { name: string; description: string | null };
    const row = { ...agent(body.name, body.description) };
    agents.push(row);
    return answer(request, [row], 201);
  }),
  http.patch(restUrl("/agents"), async ({ request }) => {
    const url = new URL(request.url);
    const changes = (await request.json()) as Partial<AgentRow>;
    agentWrites.push({ method: "PATCH", url, body: changes });
    // The composite foreign key: a default must be one of the user's own connections.
    const target = changes.default_connection_id;
    if (typeof target === "string" && !connections.some((row) => row.id === target)) {
      return postgrestError(409, "23503", "violates foreign key constraint");
    }
    const updated = agents.filter((row) => matches(row, url));
    for (const row of updated) Object.assign(row, changes);
    return answer(request, updated);
  }),
  http.delete(restUrl("/agents"), ({ request }) => {
    const url = new URL(request.url);
    const gone = new Set(agents.filter((row) => matches(row, url)).map((row) => row.id));
    agents = agents.filter((row) => !gone.has(row.id));
    grants = grants.filter((row) => !gone.has(row.agent_id));
    return new HttpResponse(null, { status: 204 });
  }),
  http.get(restUrl("/user_oauth_connections"), ({ request }) => answer(request, connections)),
  http.get(restUrl("/agent_integration_permissions"), ({ request }) => {
    const url = new URL(request.url);
    return answer(
      request,
      grants.filter((row) => matches(row, url)),
    );
  }),
  http.post(restUrl("/agent_integration_permissions"), async ({ request }) => {
    const url = new URL(request.url);
    // granted_at is the database's default (now), never sent by the app.
    const body = (await request.json()) as Omit<GrantRow, "id" | "granted_at">;
    grantWrites.push({ method: "POST", url, body });
    if (body.allowed_scopes.length === 0) {
      return postgrestError(400, "23514", "violates check constraint on allowed_scopes");
    }
    const existing = grants.find(
      (row) =>
        row.agent_id === body.agent_id &&
        row.user_oauth_connection_id === body.user_oauth_connection_id,
    );
    if (existing && url.searchParams.get("on_conflict") !== "agent_id,user_oauth_connection_id") {
      return postgrestError(409, "23505", "duplicate key value violates unique constraint");
    }
    if (existing) Object.assign(existing, body);
    else grants.push({ id: crypto.randomUUID(), granted_at: new Date().toISOString(), ...body });
    return new HttpResponse(null, { status: 201 });
  }),
  http.patch(restUrl("/agent_integration_permissions"), async ({ request }) => {
    const url = new URL(request.url);
    const changes = (await request.json()) as Partial<GrantRow>;
    grantWrites.push({ method: "PATCH", url, body: changes });
    for (const row of grants.filter((candidate) => matches(candidate, url))) {
      Object.assign(row, changes);
    }
    return new HttpResponse(null, { status: 204 });
  }),
  http.get(restUrl("/agent_webhooks"), ({ request }) =>
    answer(
      request,
      webhooks.filter((row) => matches(row, new URL(request.url))),
    ),
  ),
  http.get(restUrl("/agent_webhook_deliveries"), ({ request }) =>
    answer(
      request,
      deliveries
        .filter((row) => matches(row, new URL(request.url)))
        .sort((a, b) => b.attempted_at.localeCompare(a.attempted_at)),
    ),
  ),
  // agent-webhooks as _shared/agent-webhooks.ts answers: a new webhook or a rotation returns
  // the secret once (201 for a new one); changing only the URL returns secret null.
  http.post(functionUrl("agent-webhooks"), async ({ request }) => {
    const body = (await request.json()) as { action: string; agent_id: string; url?: string };
    webhookCalls.push(body);
    const existing = webhooks.find((row) => row.agent_id === body.agent_id);
    if (body.action === "remove") {
      webhooks = webhooks.filter((row) => row !== existing);
      return HttpResponse.json({ removed: existing !== undefined });
    }
    if (body.action === "set" && !body.url?.startsWith("https://")) {
      return functionError(400, "invalid_request", "url: must start with https://");
    }
    if (!existing && body.action !== "set") {
      return functionError(
        404,
        "webhook_not_found",
        "This agent has no webhook; set its URL first.",
      );
    }
    const now = new Date().toISOString();
    const secret =
      existing && body.action === "set" ? null : `whsec_${String(++secrets).padStart(64, "0")}`;
    const row: WebhookRow = existing ?? {
      agent_id: body.agent_id,
      url: "",
      secret_hint: "",
      secret_rotated_at: now,
      created_at: now,
      updated_at: now,
    };
    if (body.url !== undefined) row.url = body.url;
    if (secret !== null)
      Object.assign(row, { secret_hint: secret.slice(-4), secret_rotated_at: now });
    if (!existing) webhooks.push(row);
    return HttpResponse.json({ webhook: row, secret }, { status: existing ? 200 : 201 });
  }),
  http.post(functionUrl("get-agent-tools"), async ({ request }) => {
    const { agent_id } = (await request.json()) as { agent_id: string };
    return HttpResponse.json({ tools: toolsForScopes(scopesInForce(agent_id)) });
  }),
  http.post(functionUrl("execute-agent-tool"), async ({ request }) => {
    const body = (await request.json()) as { agent_id: string; tool: string; arguments: unknown };
    toolCalls.push(body);
    const tool = toolByName(body.tool as Parameters<typeof toolByName>[0]);
    if (!scopesInForce(body.agent_id).includes(tool.scope)) {
      return functionError(
        403,
        "permission_denied",
        `This agent is not allowed to use ${tool.name} (needs the ${tool.scope} scope).`,
      );
    }
    return HttpResponse.json({
      ok: true,
      result: { messages: [{ to: "+61411111111", status: "SUCCESS", message_id: "m-1" }] },
    });
  }),
];

beforeEach(() => {
  agents = [];
  grants = [];
  connections = [CONNECTION];
  grantWrites = [];
  agentWrites = [];
  toolCalls = [];
  policies = [];
  policyWrites = [];
  webhooks = [];
  deliveries = [];
  webhookCalls = [];
  secrets = 0;
  logs = [];
  messages = [];
  server.use(...handlers);
});

function seedDemoAgents() {
  const support = agent("Support assistant", "Answers customer questions by SMS.");
  agents.push(support);
  const marketing = agent("Marketing helper");
  agents.push(marketing);
  return { support, marketing };
}

async function openAgentsPage(path = "/agents") {
  const view = await renderRoute(path);
  expect(await screen.findByRole("heading", { level: 1, name: "Agents" })).toBeInTheDocument();
  return view;
}

const notifications = () => screen.getByRole("status", { name: "Notifications" });
const permissions = () => screen.getByRole("region", { name: "Permissions" });
const findPermissions = () => screen.findByRole("region", { name: "Permissions" });
const toolsJson = () => screen.getByRole("region", { name: "Tools JSON" });

describe("Agents page: agents", () => {
  it("says what to do when there are no agents, and creates the first one", async () => {
    const { user } = await openAgentsPage();

    expect(await screen.findByRole("heading", { name: "No agents yet" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "New agent" }));
    const dialog = screen.getByRole("dialog", { name: "Create agent" });
    expect(within(dialog).getByLabelText("Name")).toHaveFocus();
    await user.keyboard("Receptionist{Enter}");

    expect(
      await screen.findByRole("heading", { level: 2, name: "Receptionist" }),
    ).toBeInTheDocument();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(within(notifications()).getByText("Agent created")).toBeInTheDocument();
    expect(agents.map((row) => row.name)).toEqual(["Receptionist"]);
  });

  it("creates an agent with a description and selects it; a blank name is refused", async () => {
    seedDemoAgents();
    const { user, router } = await openAgentsPage();
    await screen.findByRole("heading", { level: 2, name: "Support assistant" });

    await user.click(screen.getByRole("button", { name: "New agent" }));
    const dialog = screen.getByRole("dialog", { name: "Create agent" });
    await user.type(within(dialog).getByLabelText("Name"), "   ");
    await user.click(within(dialog).getByRole("button", { name: "Create agent" }));
    expect(within(dialog).getByLabelText("Name")).toHaveAccessibleDescription(
      "Enter a name for the agent.",
    );
    expect(agents).toHaveLength(2);

    await user.clear(within(dialog).getByLabelText("Name"));
    await user.type(within(dialog).getByLabelText("Name"), "Night shift");
    await user.type(within(dialog).getByLabelText("Description"), "Covers out-of-hours.");
    await user.click(within(dialog).getByRole("button", { name: "Create agent" }));

    expect(
      await screen.findByRole("heading", { level: 2, name: "Night shift" }),
    ).toBeInTheDocument();
    expect(screen.getByText("Covers out-of-hours.")).toBeInTheDocument();
    const list = screen.getByRole("navigation", { name: "Your agents" });
    expect(within(list).getByRole("link", { name: "Night shift" })).toHaveAttribute(
      "aria-current",
      "true",
    );
    expect(router.state.location.search).toBe(`?agent=${agents[2]?.id ?? ""}`);
  });

  it("lists the agents, shows the first, and switches to another from the list", async () => {
    const { marketing } = seedDemoAgents();
    const { user, router } = await openAgentsPage();

    const list = await screen.findByRole("navigation", { name: "Your agents" });
    expect(
      within(list)
        .getAllByRole("link")
        .map((link) => link.textContent),
    ).toEqual(["Support assistant", "Marketing helper"]);
    expect(
      await screen.findByRole("heading", { level: 2, name: "Support assistant" }),
    ).toBeInTheDocument();

    await user.click(within(list).getByRole("link", { name: "Marketing helper" }));
    expect(
      await screen.findByRole("heading", { level: 2, name: "Marketing helper" }),
    ).toBeInTheDocument();
    expect(router.state.location.search).toBe(`?agent=${marketing.id}`);
  });

  it("renames an agent", async () => {
    const { support } = seedDemoAgents();
    const { user } = await openAgentsPage();

    await user.click(await screen.findByRole("button", { name: "Rename Support assistant" }));
    const dialog = screen.getByRole("dialog", { name: "Rename agent" });
    const name = within(dialog).getByLabelText("Name");
    expect(name).toHaveValue("Support assistant");
    await user.clear(name);
    await user.type(name, "Helpdesk");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    expect(await screen.findByRole("heading", { level: 2, name: "Helpdesk" })).toBeInTheDocument();
    expect(within(notifications()).getByText("Agent saved")).toBeInTheDocument();
    expect(agents.find((row) => row.id === support.id)?.name).toBe("Helpdesk");
  });

  it("deletes an agent after confirmation, and keeps it when cancelled", async () => {
    const { support } = seedDemoAgents();
    const { user } = await openAgentsPage();

    await user.click(await screen.findByRole("button", { name: "Delete Support assistant" }));
    let dialog = screen.getByRole("dialog", { name: "Delete Support assistant?" });
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(agents).toHaveLength(2);

    await user.click(screen.getByRole("button", { name: "Delete Support assistant" }));
    dialog = screen.getByRole("dialog", { name: "Delete Support assistant?" });
    await user.click(within(dialog).getByRole("button", { name: "Delete agent" }));

    expect(
      await screen.findByRole("heading", { level: 2, name: "Marketing helper" }),
    ).toBeInTheDocument();
    expect(within(notifications()).getByText("Agent deleted")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Support assistant" })).not.toBeInTheDocument();
    expect(agents.some((row) => row.id === support.id)).toBe(false);
  });

  it("shows skeletons while the agents load", async () => {
    seedDemoAgents();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.use(
      http.get(restUrl("/agents"), async () => {
        await held;
        return undefined;
      }),
    );
    await openAgentsPage();

    expect(screen.getByText("Loading agents")).toBeInTheDocument();
    release();
    expect(
      await screen.findByRole("heading", { level: 2, name: "Support assistant" }),
    ).toBeInTheDocument();
    expect(screen.queryByText("Loading agents")).not.toBeInTheDocument();
  });

  it("explains a failed load and loads again on request", async () => {
    seedDemoAgents();
    let failing = true;
    server.use(
      http.get(restUrl("/agents"), () =>
        failing ? postgrestError(500, "XX000", "internal error") : undefined,
      ),
    );
    const { user } = await openAgentsPage();

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load your agents");
    expect(alert).toHaveTextContent("Something went wrong on our side");
    expect(alert).not.toHaveTextContent("internal error");
    failing = false;
    await user.click(within(alert).getByRole("button", { name: "Try again" }));

    expect(
      await screen.findByRole("heading", { level: 2, name: "Support assistant" }),
    ).toBeInTheDocument();
  });
});

describe("Agents page: permissions", () => {
  it("links to Integrations when no ClickSend account is connected", async () => {
    seedDemoAgents();
    connections = [];
    await openAgentsPage();

    expect(
      await screen.findByRole("heading", { name: "No ClickSend account connected" }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole("link", { name: "Connect ClickSend on the Integrations page" }),
    ).toHaveAttribute("href", "/integrations");
    expect(screen.queryByRole("switch")).not.toBeInTheDocument();
  });

  it("offers only connections that work: a disconnected one is not shown", async () => {
    seedDemoAgents();
    connections = [
      CONNECTION,
      {
        ...CONNECTION,
        id: "c0000000-0000-4000-8000-000000000002",
        connection_name: "Old account",
        external_username: "old_user",
        connection_status: "revoked",
      },
    ];
    await openAgentsPage();

    const permissions = await findPermissions();
    expect(
      await within(permissions).findByRole("group", { name: "ClickSend (sandbox_user)" }),
    ).toBeInTheDocument();
    expect(within(permissions).getAllByRole("group")).toHaveLength(1);
    expect(screen.queryByText(/Old account/)).not.toBeInTheDocument();
  });

  it("shows one labelled switch per scope, with the tools each unlocks", async () => {
    seedDemoAgents();
    await openAgentsPage();

    const group = await within(await findPermissions()).findByRole("group", {
      name: "ClickSend (sandbox_user)",
    });
    expect(
      within(group)
        .getAllByRole("switch")
        .map((element) => element.getAttribute("aria-checked")),
    ).toEqual(["false", "false", "false", "false", "false", "false"]);
    expect(within(group).getByRole("switch", { name: "Send SMS" })).toHaveAccessibleDescription(
      "Unlocks clicksend_send_sms",
    );
    expect(
      within(group).getByRole("switch", { name: "Read message history" }),
    ).toHaveAccessibleDescription("Unlocks clicksend_get_sms_history, clicksend_get_mms_history");
    expect(within(group).getByRole("switch", { name: "Read replies" })).toHaveAccessibleDescription(
      "Unlocks clicksend_get_replies",
    );
    for (const label of ["Send MMS", "Check balance", "Read delivery receipts"]) {
      expect(within(group).getByRole("switch", { name: label })).toBeInTheDocument();
    }
    expect(screen.getByRole("button", { name: "Revoke all" })).toBeDisabled();
    expect(await screen.findByText(/^No tools:/)).toBeInTheDocument();
  });

  it("turning on “Send SMS” upserts the grant and the preview shows its tool", async () => {
    const { support } = seedDemoAgents();
    const { user } = await openAgentsPage();
    await screen.findByText(/^No tools:/);

    const sms = await within(await findPermissions()).findByRole("switch", { name: "Send SMS" });
    await user.click(sms);

    expect(sms).toBeChecked();
    await waitFor(() => {
      expect(sms).toHaveAccessibleDescription("Unlocks clicksend_send_sms Saved");
    });
    expect(within(notifications()).queryByText("Permissions saved")).not.toBeInTheDocument();
    expect(grantWrites).toHaveLength(1);
    const write = grantWrites[0];
    expect(write?.method).toBe("POST");
    expect(write?.url.searchParams.get("on_conflict")).toBe("agent_id,user_oauth_connection_id");
    expect(write?.body).toEqual({
      agent_id: support.id,
      user_oauth_connection_id: CONNECTION.id,
      allowed_scopes: ["sms"],
      is_active: true,
      revoked_at: null,
      expires_at: null,
    });
    expect(await screen.findByText("1 tool: clicksend_send_sms.")).toBeInTheDocument();
    expect(toolsJson()).toHaveTextContent('"name": "clicksend_send_sms"');
    expect(toolsJson()).not.toHaveTextContent("clicksend_send_mms");
  });

  it("adds a scope to an existing grant, keeping the others", async () => {
    const { support } = seedDemoAgents();
    grants.push(grant(support.id, ["sms"]));
    const { user } = await openAgentsPage();

    await user.click(
      await within(await findPermissions()).findByRole("switch", { name: "Check balance" }),
    );

    await within(permissions()).findByText("Saved");
    expect(grantWrites[0]?.body).toMatchObject({ allowed_scopes: ["sms", "balance"] });
    expect(
      await screen.findByText("2 tools: clicksend_send_sms, clicksend_get_balance."),
    ).toBeInTheDocument();
  });

  it("toggling four switches quickly saves each, says so on each switch, and stacks no toasts", async () => {
    seedDemoAgents();
    const { user } = await openAgentsPage();
    await screen.findByText(/^No tools:/);
    const labels = ["Send SMS", "Send MMS", "Check balance", "Read message history"];
    const group = await within(await findPermissions()).findByRole("group", {
      name: "ClickSend (sandbox_user)",
    });

    for (const label of labels)
      await user.click(within(group).getByRole("switch", { name: label }));

    expect(await screen.findByText(/^5 tools:/)).toBeInTheDocument();
    expect(grantWrites).toHaveLength(4);
    expect(grantWrites.at(-1)?.body).toMatchObject({
      allowed_scopes: ["sms", "mms", "balance", "history"],
    });
    expect(within(notifications()).queryAllByText("Permissions saved").length).toBeLessThanOrEqual(
      1,
    );
    await waitFor(() => {
      expect(within(group).getAllByText("Saved")).toHaveLength(4);
    });
    for (const label of labels) {
      expect(within(group).getByRole("switch", { name: label })).toHaveAccessibleDescription(
        /Saved$/,
      );
    }
  });

  it("a failed save shows the switch on at once, then sets it back and says so on the switch and in a toast", async () => {
    seedDemoAgents();
    let fail: () => void = () => undefined;
    const failing = new Promise<void>((resolve) => {
      fail = resolve;
    });
    server.use(
      http.post(restUrl("/agent_integration_permissions"), async () => {
        await failing;
        return postgrestError(403, "42501", "new row violates row-level security policy");
      }),
    );
    const { user } = await openAgentsPage();

    const sms = await within(await findPermissions()).findByRole("switch", { name: "Send SMS" });
    await user.click(sms);
    expect(sms).toBeChecked();
    expect(sms).toHaveAccessibleDescription("Unlocks clicksend_send_sms Saving…");

    fail();
    await waitFor(() => {
      expect(sms).not.toBeChecked();
    });
    expect(sms).toHaveAccessibleDescription("Unlocks clicksend_send_sms Not saved — try again");
    const toast = await within(notifications()).findByText("Could not save permissions");
    expect(toast.parentElement).toHaveTextContent(
      "Send SMS on ClickSend (sandbox_user): You are not allowed to do that. The switch was set back.",
    );
    expect(grants).toHaveLength(0);
  });

  it("turning off the last scope deactivates the grant instead of saving no scopes", async () => {
    const { support } = seedDemoAgents();
    grants.push(grant(support.id, ["sms"]));
    const { user } = await openAgentsPage();
    await screen.findByText("1 tool: clicksend_send_sms.");

    const sms = within(permissions()).getByRole("switch", { name: "Send SMS" });
    expect(sms).toBeChecked();
    await user.click(sms);

    expect(sms).not.toBeChecked();
    await within(permissions()).findByText("Saved");
    expect(grantWrites).toHaveLength(1);
    const write = grantWrites[0];
    expect(write?.method).toBe("PATCH");
    expect(write?.url.searchParams.get("agent_id")).toBe(`eq.${support.id}`);
    expect(write?.url.searchParams.get("user_oauth_connection_id")).toBe(`eq.${CONNECTION.id}`);
    expect(write?.body).toEqual({ is_active: false, revoked_at: expect.any(String) as string });
    expect(grants[0]).toMatchObject({ is_active: false, allowed_scopes: ["sms"] });
    expect(await screen.findByText(/^No tools:/)).toBeInTheDocument();
  });

  it("“Revoke all” deactivates every grant of the agent after confirmation", async () => {
    const { support, marketing } = seedDemoAgents();
    grants.push(grant(support.id, ["sms", "balance"]), grant(marketing.id, ["history"]));
    const { user } = await openAgentsPage();
    await screen.findByText("2 tools: clicksend_send_sms, clicksend_get_balance.");

    await user.click(screen.getByRole("button", { name: "Revoke all" }));
    const dialog = screen.getByRole("dialog", { name: "Revoke all permissions?" });
    expect(dialog).toHaveAccessibleDescription(
      /Support assistant loses every ClickSend permission/,
    );
    await user.click(within(dialog).getByRole("button", { name: "Revoke all" }));

    expect(
      within(permissions())
        .getAllByRole("switch")
        .every((element) => element.getAttribute("aria-checked") === "false"),
    ).toBe(true);
    expect(await within(notifications()).findByText("All permissions revoked")).toBeInTheDocument();
    expect(grantWrites).toHaveLength(1);
    expect(grantWrites[0]?.url.searchParams.get("agent_id")).toBe(`eq.${support.id}`);
    expect(grantWrites[0]?.body).toMatchObject({ is_active: false });
    expect(grants.map((row) => [row.agent_id, row.is_active])).toEqual([
      [support.id, false],
      [marketing.id, true],
    ]);
    expect(await screen.findByText(/^No tools:/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Revoke all" })).toBeDisabled();
  });
});

describe("Agents page: sending account", () => {
  const SECOND: ConnectionRow = {
    ...CONNECTION,
    id: "c0000000-0000-4000-8000-000000000003",
    connection_name: "Second",
    external_username: "second_user",
  };
  const QUESTION = "Which ClickSend account does Support assistant send from?";
  const radioGroup = () => screen.findByRole("radiogroup", { name: QUESTION });

  it("with one granted account, names it instead of asking", async () => {
    const { support } = seedDemoAgents();
    connections = [CONNECTION, SECOND];
    grants.push(grant(support.id, ["sms"]));
    await openAgentsPage();

    const note = await within(await findPermissions()).findByText(
      /the only ClickSend account it is granted on/,
    );
    expect(note).toHaveTextContent(
      "Support assistant sends from ClickSend (sandbox_user), the only ClickSend account it is granted on.",
    );
    expect(screen.queryByRole("radiogroup")).not.toBeInTheDocument();
  });

  it("asks which of two granted accounts the agent sends from, says which it uses until then, and saves the choice", async () => {
    const { support } = seedDemoAgents();
    connections = [CONNECTION, SECOND];
    grants.push(
      grant(support.id, ["sms", "balance"], CONNECTION.id, "2025-02-01T00:00:00.000Z"),
      grant(support.id, ["sms"], SECOND.id, "2025-03-01T00:00:00.000Z"),
    );
    const { user } = await openAgentsPage();

    const group = await radioGroup();
    const first = within(group).getByRole("radio", { name: "ClickSend (sandbox_user)" });
    const second = within(group).getByRole("radio", { name: "Second (second_user)" });
    expect(first).not.toBeChecked();
    expect(second).not.toBeChecked();
    expect(group).toHaveAccessibleDescription(
      /^Not chosen yet: it sends from Second \(second_user\), the account granted most recently\./,
    );

    await user.click(first);
    expect(first).toBeChecked();
    await within(group).findByText("Saved");
    expect(agents.find((row) => row.id === support.id)?.default_connection_id).toBe(CONNECTION.id);
    expect(agentWrites).toHaveLength(1);
    expect(agentWrites[0]?.url.searchParams.get("id")).toBe(`eq.${support.id}`);
    expect(agentWrites[0]?.body).toEqual({ default_connection_id: CONNECTION.id });
    expect(group).not.toHaveAccessibleDescription(/Not chosen yet/);

    // Keyboard: arrows move the choice within the group, and each choice is saved.
    await user.keyboard("{ArrowDown}");
    await waitFor(() => {
      expect(second).toBeChecked();
    });
    await waitFor(() => {
      expect(agents.find((row) => row.id === support.id)?.default_connection_id).toBe(SECOND.id);
    });
    expect(within(group).getByText("Saved")).toBeInTheDocument();
    expect(notifications()).not.toHaveTextContent("Could not choose the account");
  });

  it("shows the stored choice, and sets it back and says so when a save fails", async () => {
    const { support } = seedDemoAgents();
    support.default_connection_id = SECOND.id;
    connections = [CONNECTION, SECOND];
    grants.push(grant(support.id, ["sms"], CONNECTION.id), grant(support.id, ["sms"], SECOND.id));
    server.use(
      http.patch(restUrl("/agents"), () =>
        postgrestError(403, "42501", "new row violates row-level security policy"),
      ),
    );
    const { user } = await openAgentsPage();

    const group = await radioGroup();
    const first = within(group).getByRole("radio", { name: "ClickSend (sandbox_user)" });
    const second = within(group).getByRole("radio", { name: "Second (second_user)" });
    await waitFor(() => {
      expect(second).toBeChecked();
    });
    await user.click(first);
    await within(group).findByText("Not saved — try again");
    expect(second).toBeChecked();
    expect(first).not.toBeChecked();
    const toast = await within(notifications()).findByText("Could not choose the account");
    expect(toast.parentElement).toHaveTextContent(
      "ClickSend (sandbox_user): You are not allowed to do that. The choice was set back.",
    );
    expect(support.default_connection_id).toBe(SECOND.id);
  });

  it("says when the chosen account cannot send SMS", async () => {
    const { support } = seedDemoAgents();
    connections = [CONNECTION, SECOND];
    grants.push(
      grant(support.id, ["sms"], CONNECTION.id),
      grant(support.id, ["history"], SECOND.id),
    );
    await openAgentsPage();

    const group = await radioGroup();
    expect(
      within(group).getByRole("radio", { name: /^Second \(second_user\)/ }),
    ).toHaveAccessibleName(
      /^Second \(second_user\)\s*Cannot send SMS here: its permissions do not include Send SMS\.$/,
    );
    expect(group).toHaveAccessibleDescription(
      /^Not chosen yet: it sends from ClickSend \(sandbox_user\)/,
    );
  });
});

describe("Agents page: tool playground", () => {
  it("runs a granted tool and shows “Allowed” with the result", async () => {
    const { support } = seedDemoAgents();
    grants.push(grant(support.id, ["sms"]));
    const { user } = await openAgentsPage();

    const tool = await screen.findByLabelText("Tool");
    expect(tool).toHaveValue("clicksend_send_sms");
    expect(await screen.findByText("Granted: the agent sees this tool.")).toBeInTheDocument();
    const args = screen.getByLabelText<HTMLTextAreaElement>("Arguments (JSON)");
    expect(JSON.parse(args.value)).toEqual({
      to: ["+61411111111"],
      body: "Hello from the playground",
    });
    await user.click(screen.getByRole("button", { name: "Run tool" }));

    expect(await screen.findByText("Allowed")).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Tool result JSON" })).toHaveTextContent(
      '"message_id": "m-1"',
    );
    expect(toolCalls).toEqual([
      {
        agent_id: support.id,
        tool: "clicksend_send_sms",
        arguments: { to: ["+61411111111"], body: "Hello from the playground" },
      },
    ]);
  });

  it("runs an ungranted tool and shows “Denied” with the reason and the switch to turn on", async () => {
    const { support } = seedDemoAgents();
    grants.push(grant(support.id, ["sms"]));
    const { user } = await openAgentsPage();

    await user.selectOptions(await screen.findByLabelText("Tool"), "clicksend_send_mms");
    expect(
      await screen.findByText(
        "Not granted: the agent does not see this tool, so a call is denied.",
      ),
    ).toBeInTheDocument();
    const args = screen.getByLabelText<HTMLTextAreaElement>("Arguments (JSON)");
    expect(JSON.parse(args.value)).toMatchObject({ to: ["+61411111111"], subject: "Playground" });
    await user.click(screen.getByRole("button", { name: "Run tool" }));

    expect(await screen.findByText("Denied")).toBeInTheDocument();
    expect(
      screen.getByText(
        "This agent is not allowed to use clicksend_send_mms (needs the mms scope).",
      ),
    ).toBeInTheDocument();
    expect(screen.getByText("Turn on “Send MMS” above to allow it.")).toBeInTheDocument();
    expect(screen.queryByText("Allowed")).not.toBeInTheDocument();
  });

  it("refuses arguments that are not a JSON object before calling anything", async () => {
    seedDemoAgents();
    const { user } = await openAgentsPage();

    const args = await screen.findByLabelText("Arguments (JSON)");
    await user.clear(args);
    await user.type(args, "[[1, 2]");
    await user.click(screen.getByRole("button", { name: "Run tool" }));

    expect(args).toHaveAccessibleDescription(/Write the arguments as a JSON object/);
    expect(toolCalls).toEqual([]);
  });

  it("shows the executor's reason for bad arguments and a rate limit", async () => {
    seedDemoAgents();
    server.use(
      http.post(functionUrl("execute-agent-tool"), () =>
        functionError(400, "invalid_arguments", "to: Too small: expected array to have >=1 items"),
      ),
    );
    const { user } = await openAgentsPage();

    await user.click(await screen.findByRole("button", { name: "Run tool" }));
    expect(await screen.findByText("Arguments not accepted")).toBeInTheDocument();
    expect(screen.getByText("Fix the arguments, then run again.")).toBeInTheDocument();

    server.use(
      http.post(functionUrl("execute-agent-tool"), () =>
        functionError(429, "rate_limited", "Too many calls for this connection.", {
          retryable: true,
          headers: { "Retry-After": "3" },
        }),
      ),
    );
    await user.click(screen.getByRole("button", { name: "Run tool" }));
    expect(await screen.findByText("Too many calls")).toBeInTheDocument();
    expect(screen.getByText("Try again in 3 seconds.")).toBeInTheDocument();
  });
});

describe("Agents page: reply webhook", () => {
  const findWebhookSection = () => screen.findByRole("region", { name: "Reply webhook" });
  const SECRET_1 = `whsec_${"1".padStart(64, "0")}`;
  const SECRET_2 = `whsec_${"2".padStart(64, "0")}`;

  it("sets a webhook and shows its secret exactly once, with a copy button", async () => {
    const { support } = seedDemoAgents();
    const first = await openAgentsPage();
    const section = within(await findWebhookSection());
    expect(
      section.getByText(/ClickSend-Agents-Signature: t=<unix>,v1=<hex HMAC-SHA256/),
    ).toBeVisible();
    expect(await section.findByRole("heading", { name: "No deliveries yet" })).toBeVisible();

    await first.user.type(
      section.getByLabelText("Webhook URL"),
      "https://agent.example.com/replies",
    );
    await first.user.click(section.getByRole("button", { name: "Set webhook" }));

    const secret = await section.findByLabelText("Signing secret");
    expect(secret).toHaveValue(SECRET_1);
    expect(section.getByText(/shown only this once/)).toBeVisible();
    await first.user.click(section.getByRole("button", { name: "Copy secret" }));
    expect(await navigator.clipboard.readText()).toBe(SECRET_1);
    expect(section.getByText("Copied to the clipboard.")).toBeVisible();
    expect(section.getByText(/Signing secret ending in/)).toHaveTextContent("0001");
    expect(webhookCalls).toEqual([
      { action: "set", agent_id: support.id, url: "https://agent.example.com/replies" },
    ]);

    await first.user.click(section.getByRole("button", { name: "I have copied it" }));
    expect(section.queryByLabelText("Signing secret")).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET_1);

    // A later visit knows only the hint.
    first.unmount();
    await openAgentsPage();
    const again = within(await findWebhookSection());
    expect(await again.findByText(/Signing secret ending in/)).toHaveTextContent("0001");
    expect(again.getByLabelText("Webhook URL")).toHaveValue("https://agent.example.com/replies");
    expect(document.body).not.toHaveTextContent(SECRET_1);
  });

  it("changes only the URL without a new secret, and shows the server's reason for a bad URL", async () => {
    const { support } = seedDemoAgents();
    webhooks.push({
      agent_id: support.id,
      url: "https://old.example.com/hook",
      secret_hint: "abcd",
      secret_rotated_at: "2025-09-01T10:00:00Z",
      created_at: "2025-09-01T10:00:00Z",
      updated_at: "2025-09-01T10:00:00Z",
    });
    const { user } = await openAgentsPage();
    const section = within(await findWebhookSection());
    const url = await section.findByLabelText("Webhook URL");
    expect(url).toHaveValue("https://old.example.com/hook");

    await user.clear(url);
    await user.type(url, "http://agent.example.com/hook");
    await user.click(section.getByRole("button", { name: "Save URL" }));
    expect(await section.findByText("The URL must start with https://.")).toBeVisible();
    expect(url).toHaveAttribute("aria-invalid", "true");

    await user.clear(url);
    await user.type(url, "https://new.example.com/hook");
    await user.click(section.getByRole("button", { name: "Save URL" }));
    expect(await within(notifications()).findByText("Webhook URL saved")).toBeInTheDocument();
    expect(section.queryByLabelText("Signing secret")).not.toBeInTheDocument();
    expect(webhooks[0]?.url).toBe("https://new.example.com/hook");
  });

  it("rotates the secret after confirming, and removes the webhook after confirming", async () => {
    const { support } = seedDemoAgents();
    webhooks.push({
      agent_id: support.id,
      url: "https://agent.example.com/hook",
      secret_hint: "abcd",
      secret_rotated_at: "2025-09-01T10:00:00Z",
      created_at: "2025-09-01T10:00:00Z",
      updated_at: "2025-09-01T10:00:00Z",
    });
    secrets = 1;
    const { user } = await openAgentsPage();
    const section = within(await findWebhookSection());
    expect(await section.findByText(/Signing secret ending in/)).toHaveTextContent("abcd");

    await user.click(section.getByRole("button", { name: "Rotate secret" }));
    let dialog = within(screen.getByRole("dialog", { name: "Rotate the signing secret?" }));
    await user.click(dialog.getByRole("button", { name: "Cancel" }));
    expect(webhookCalls).toEqual([]);

    await user.click(section.getByRole("button", { name: "Rotate secret" }));
    dialog = within(screen.getByRole("dialog", { name: "Rotate the signing secret?" }));
    await user.click(dialog.getByRole("button", { name: "Rotate secret" }));
    expect(await section.findByLabelText("Signing secret")).toHaveValue(SECRET_2);
    expect(section.getByText(/Signing secret ending in/)).toHaveTextContent("0002");
    await user.click(section.getByRole("button", { name: "I have copied it" }));

    await user.click(section.getByRole("button", { name: "Remove webhook" }));
    dialog = within(screen.getByRole("dialog", { name: "Remove the webhook?" }));
    await user.click(dialog.getByRole("button", { name: "Remove webhook" }));
    expect(await within(notifications()).findByText("Webhook removed")).toBeInTheDocument();
    expect(await section.findByRole("button", { name: "Set webhook" })).toBeVisible();
    expect(section.getByLabelText("Webhook URL")).toHaveValue("");
    expect(webhookCalls).toEqual([
      { action: "rotate_secret", agent_id: support.id },
      { action: "remove", agent_id: support.id },
    ]);
  });

  it("lists the latest delivery attempts with what the webhook answered", async () => {
    const { support } = seedDemoAgents();
    const delivery = (attempt: number, changes: Partial<DeliveryRow>): DeliveryRow => ({
      id: attempt,
      agent_id: support.id,
      event_id: "e0000000-0000-4000-8000-000000000001",
      event_type: "reply",
      attempt,
      url: "https://agent.example.com/hook",
      status_code: null,
      error: null,
      succeeded: false,
      attempted_at: `2025-09-01T10:00:0${String(attempt)}Z`,
      ...changes,
    });
    deliveries.push(
      delivery(1, { error: "could not connect" }),
      delivery(2, { status_code: 500, error: "answered HTTP 500" }),
      delivery(3, { status_code: 200, succeeded: true }),
    );
    await openAgentsPage();
    const recent = await within(await findWebhookSection()).findByRole("region", {
      name: "Recent deliveries",
    });
    await waitFor(() => {
      expect(within(recent).getAllByRole("listitem")).toHaveLength(3);
    });
    const items = within(recent).getAllByRole("listitem");
    expect(items[0]).toHaveTextContent(/Delivered.*Reply, attempt 3.*HTTP 200/);
    expect(items[1]).toHaveTextContent(/Failed.*Reply, attempt 2.*answered HTTP 500/);
    expect(items[2]).toHaveTextContent(/Failed.*Reply, attempt 1.*could not connect/);
  });
});

describe("Agents page: limits and safety", () => {
  const findLimits = () => screen.findByRole("region", { name: "Limits and safety" });
  const filledPolicy = (agentId: string): PolicyRow => ({
    agent_id: agentId,
    daily_message_limit: 50,
    monthly_spend_limit: 20,
    allowed_recipients: ["+61411111111", "+6141*"],
    allowed_countries: ["AU", "NZ"],
    quiet_hours_start: "22:00:00",
    quiet_hours_end: "07:00:00",
    quiet_hours_timezone: "Australia/Sydney",
    approval_mode: "always",
  });

  it("says “No limits” without a policy, explains each rule, and saves the rules typed", async () => {
    const { support } = seedDemoAgents();
    const { user } = await openAgentsPage();
    const limits = await findLimits();

    expect(await within(limits).findByText("No limits")).toBeVisible();
    expect(within(limits).getByRole("button", { name: "Clear all limits" })).toBeDisabled();
    // Each rule says what it does: per recipient or the whole call.
    expect(within(limits).getByLabelText("Allowed recipients")).toHaveAccessibleDescription(
      /Any other number is left out of a send and reported as not allowed; the other recipients still get it/,
    );
    expect(within(limits).getByLabelText("Daily message limit")).toHaveAccessibleDescription(
      /A send that would go over is refused whole/,
    );
    expect(
      await within(limits).findByText(/In AUD, your ClickSend account’s currency/),
    ).toBeVisible();
    const quiet = within(limits).getByRole("group", { name: "Quiet hours" });
    expect(quiet).toHaveAccessibleDescription(
      /A start later than the end spans midnight.*A scheduled send is judged at the time it is scheduled for/,
    );
    // The browser's zone is the suggestion.
    expect(within(limits).getByLabelText("Time zone")).toHaveValue(
      Intl.DateTimeFormat().resolvedOptions().timeZone,
    );
    expect(within(limits).getByRole("radio", { name: "Never" })).toBeChecked();

    await user.type(within(limits).getByLabelText("Daily message limit"), "50");
    await user.type(within(limits).getByLabelText("Monthly spend limit"), "20");
    await user.type(
      within(limits).getByLabelText("Allowed recipients"),
      "+61 411 111 111{Enter}+6141*",
    );
    await user.type(within(limits).getByLabelText("Allowed countries"), "au, nz");
    expect(within(limits).getByText(/Now: Australia, New Zealand\./)).toBeVisible();
    await user.type(within(limits).getByLabelText("Quiet hours start"), "22:00");
    await user.type(within(limits).getByLabelText("Quiet hours end"), "07:00");
    // In the locale's own clock, as the time inputs show it.
    const clock = (hours: number) =>
      new Intl.DateTimeFormat(undefined, { timeStyle: "short" }).format(
        new Date(2000, 0, 1, hours),
      );
    expect(
      within(limits).getByText(`No sends from ${clock(22)} until ${clock(7)} the next morning.`),
    ).toBeVisible();
    const zone = within(limits).getByLabelText("Time zone");
    await user.clear(zone);
    await user.type(zone, "Australia/Sydney");
    const always = within(limits).getByRole("radio", { name: "Always" });
    expect(always).toHaveAccessibleDescription(
      "Every send waits for your approval on the Approvals page.",
    );
    await user.click(always);
    await user.click(within(limits).getByRole("button", { name: "Save limits" }));

    expect(await within(limits).findByText("Saved")).toBeVisible();
    expect(policyWrites.map((write) => write.body)).toEqual([
      {
        agent_id: support.id,
        daily_message_limit: 50,
        monthly_spend_limit: 20,
        allowed_recipients: ["+61411111111", "+6141*"],
        allowed_countries: ["AU", "NZ"],
        quiet_hours_start: "22:00",
        quiet_hours_end: "07:00",
        quiet_hours_timezone: "Australia/Sydney",
        approval_mode: "always",
      },
    ]);
    expect(within(limits).queryByText("No limits")).not.toBeInTheDocument();
    expect(within(limits).getByRole("button", { name: "Clear all limits" })).toBeEnabled();
  });

  it("names each field that is wrong and saves nothing", async () => {
    seedDemoAgents();
    const { user } = await openAgentsPage();
    const limits = await findLimits();
    await within(limits).findByText("No limits");

    await user.type(within(limits).getByLabelText("Daily message limit"), "fifty");
    await user.type(within(limits).getByLabelText("Monthly spend limit"), "0");
    await user.type(within(limits).getByLabelText("Allowed recipients"), "+61411111111{Enter}0411");
    await user.type(within(limits).getByLabelText("Allowed countries"), "AUS");
    await user.type(within(limits).getByLabelText("Quiet hours start"), "22:00");
    const zone = within(limits).getByLabelText("Time zone");
    await user.clear(zone);
    await user.type(zone, "Mars/Base");
    await user.click(within(limits).getByRole("button", { name: "Save limits" }));

    expect(within(limits).getByLabelText("Daily message limit")).toHaveAccessibleDescription(
      /Daily message limit: enter a whole number of messages, such as 50, or leave it empty\.$/,
    );
    expect(within(limits).getByLabelText("Monthly spend limit")).toHaveAccessibleDescription(
      /Monthly spend limit: enter an amount above 0, or leave it empty\.$/,
    );
    expect(within(limits).getByLabelText("Allowed recipients")).toHaveAccessibleDescription(
      /Allowed recipients: “0411” is neither a number in international format/,
    );
    expect(within(limits).getByLabelText("Allowed countries")).toHaveAccessibleDescription(
      /Allowed countries: “AUS” is not a two-letter country code/,
    );
    expect(within(limits).getByLabelText("Quiet hours end")).toHaveAccessibleDescription(
      "Optional Quiet hours end: choose when quiet hours end.",
    );
    expect(within(limits).getByLabelText("Time zone")).toHaveAccessibleDescription(
      /Time zone: “Mars\/Base” is not a known time zone/,
    );
    const summary = within(limits).getByRole("alert");
    expect(summary).toHaveTextContent("Not saved: fix these first");
    expect(within(summary).getAllByRole("listitem")).toHaveLength(6);
    // The first field in error gets focus, so a keyboard user lands on it.
    expect(within(limits).getByLabelText("Daily message limit")).toHaveFocus();
    expect(policyWrites).toEqual([]);
  });

  it("shows the database's reason under the field it names when it still refuses", async () => {
    seedDemoAgents();
    const { user } = await openAgentsPage();
    const limits = await findLimits();
    await within(limits).findByText("No limits");

    await user.type(within(limits).getByLabelText("Quiet hours start"), "21:00");
    await user.type(within(limits).getByLabelText("Quiet hours end"), "08:00");
    const zone = within(limits).getByLabelText("Time zone");
    await user.clear(zone);
    await user.type(zone, "America/Ciudad_Juarez");
    await user.click(within(limits).getByRole("button", { name: "Save limits" }));

    expect(await within(limits).findByText("Not saved")).toBeVisible();
    expect(within(limits).getByLabelText("Time zone")).toHaveAccessibleDescription(
      /Time zone: America\/Ciudad_Juarez is not a known time zone \(use an IANA name such as Australia\/Sydney\)$/,
    );
    expect(policies).toEqual([]);
    expect(within(limits).getByText("No limits")).toBeVisible();
  });

  it("shows a stored policy, and clears every limit only after confirming", async () => {
    const { support } = seedDemoAgents();
    policies.push(filledPolicy(support.id));
    const { user } = await openAgentsPage();
    const limits = await findLimits();

    expect(await within(limits).findByLabelText("Daily message limit")).toHaveValue("50");
    expect(within(limits).queryByText("No limits")).not.toBeInTheDocument();
    expect(within(limits).getByLabelText("Allowed recipients")).toHaveValue("+61411111111\n+6141*");
    expect(within(limits).getByLabelText("Allowed countries")).toHaveValue("AU, NZ");
    expect(within(limits).getByLabelText("Quiet hours start")).toHaveValue("22:00");
    expect(within(limits).getByLabelText("Quiet hours end")).toHaveValue("07:00");
    expect(within(limits).getByLabelText("Time zone")).toHaveValue("Australia/Sydney");
    expect(within(limits).getByRole("radio", { name: "Always" })).toBeChecked();

    await user.click(within(limits).getByRole("button", { name: "Clear all limits" }));
    let dialog = screen.getByRole("dialog", { name: "Clear all limits?" });
    expect(dialog).toHaveAccessibleDescription(/may then send to any number, at any time/);
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(policyWrites).toEqual([]);

    await user.click(within(limits).getByRole("button", { name: "Clear all limits" }));
    dialog = screen.getByRole("dialog", { name: "Clear all limits?" });
    await user.click(within(dialog).getByRole("button", { name: "Clear all limits" }));

    expect(await within(limits).findByText("No limits")).toBeVisible();
    expect(policies).toEqual([]);
    expect(policyWrites.map((write) => write.method)).toEqual(["DELETE"]);
    expect(within(limits).getByLabelText("Daily message limit")).toHaveValue("");
    expect(within(notifications()).getByText("Limits cleared")).toBeInTheDocument();
  });

  it("explains a failed load and loads again on request", async () => {
    const { support } = seedDemoAgents();
    let fail = true;
    server.use(
      http.get(restUrl("/agent_policies"), ({ request }) =>
        fail ? postgrestError(500, "57014", "canceling statement") : answer(request, []),
      ),
    );
    const { user } = await openAgentsPage(`/agents?agent=${support.id}`);
    const limits = await findLimits();

    const alert = await within(limits).findByRole("alert");
    expect(alert).toHaveTextContent("Could not load this agent's limits");
    fail = false;
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await within(limits).findByText("No limits")).toBeVisible();
  });
});

describe("Agents page: activity", () => {
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

  function log(agentId: string, minutes: number, fields: Partial<LogRow> = {}): LogRow {
    return {
      id: crypto.randomUUID(),
      agent_id: agentId,
      tool_name: "clicksend_send_sms",
      success: true,
      error_code: null,
      error_message: null,
      http_status: 200,
      created_at: minutesAgo(minutes),
      ...fields,
    };
  }

  const activity = () => screen.getByRole("region", { name: "Activity" });
  const findActivity = () => screen.findByRole("region", { name: "Activity" });
  const findCalls = () => screen.findByRole("list", { name: "Tool calls, newest first" });
  const refusedSummary = () =>
    screen.getByRole("region", { name: "Recipients refused in the last 24 hours" });

  it("lists the agent's calls newest first: the tool and what came of it, in words", async () => {
    const { support, marketing } = seedDemoAgents();
    const denied =
      "Daily message limit: 3 of 4 messages used in the last 24 hours, and this send needs 4. Nothing was sent.";
    logs.push(
      log(support.id, 90, { tool_name: "clicksend_get_balance" }),
      log(support.id, 5, {
        success: false,
        error_code: "policy_denied",
        error_message: denied,
        http_status: 403,
      }),
      log(support.id, 3, {
        success: false,
        error_code: "approval_pending",
        error_message: "Held for approval.",
        http_status: 202,
      }),
      log(support.id, 2, {
        tool_name: "clicksend_send_mms",
        success: false,
        error_code: "permission_denied",
        error_message: "This agent is not allowed to use clicksend_send_mms (needs the mms scope).",
        http_status: 403,
      }),
      log(support.id, 1, {
        tool_name: "clicksend_get_replies",
        success: false,
        error_code: "rate_limited",
        error_message: "Too many calls for this connection. Try again in 30 seconds.",
        http_status: 429,
      }),
      log(support.id, 0),
      log(marketing.id, 0, { tool_name: "clicksend_get_sms_history" }),
    );
    await openAgentsPage();

    const items = within(await findCalls()).getAllByRole("listitem");
    expect(items.map((item) => item.textContent)).toEqual([
      expect.stringMatching(/^Send SMSSentjust now/),
      expect.stringMatching(
        /^Get RepliesFailed: Too many callsToo many calls for this connection\. Try again in 30 seconds\.1 minute ago/,
      ),
      expect.stringMatching(
        /^Send MMSNot allowedThis agent is not allowed to use clicksend_send_mms \(needs the mms scope\)\.2 minutes ago/,
      ),
      expect.stringMatching(
        /^Send SMSHeld for approvalNothing was sent when it was held\. Decide it in Approvals3 minutes ago/,
      ),
      expect.stringMatching(
        new RegExp(
          `^Send SMSRefused by this agent's limits${denied.replace(/\./g, "\\.")}5 minutes ago`,
        ),
      ),
      expect.stringMatching(/^Check Account BalanceRead1 hour ago/),
    ]);
    // The exact moment beside the relative one, machine-readable too.
    const newest = logs[5];
    expect(
      within(items[0] as HTMLElement)
        .getByText("just now")
        .closest("time"),
    ).toHaveAttribute("datetime", newest?.created_at ?? "");
    expect(
      within(activity()).getByRole("link", { name: "Decide it in Approvals" }),
    ).toHaveAttribute("href", "/approvals");
    // The other agent's call is not this agent's activity.
    expect(within(activity()).queryByText("Get SMS History")).not.toBeInTheDocument();
  });

  it("shows 20 calls, then 20 more on “Show more” (by keyboard), until there are no more", async () => {
    const { support } = seedDemoAgents();
    for (let minutes = 0; minutes < 25; minutes++) logs.push(log(support.id, minutes * 60));
    const { user } = await openAgentsPage();

    expect(within(await findCalls()).getAllByRole("listitem")).toHaveLength(20);
    const more = within(activity()).getByRole("button", { name: "Show more calls" });
    more.focus();
    await user.keyboard("{Enter}");

    await waitFor(() => {
      expect(within(activity()).getAllByRole("listitem")).toHaveLength(25);
    });
    expect(within(activity()).queryByRole("button", { name: "Show more calls" })).toBeNull();
  });

  it("says “No calls yet” for an agent that made none, and that no recipient was refused", async () => {
    const { support } = seedDemoAgents();
    messages.push({ agent_id: support.id, status: "SUCCESS", created_at: minutesAgo(1) });
    await openAgentsPage();

    expect(
      await within(await findActivity()).findByRole("heading", { name: "No calls yet" }),
    ).toBeInTheDocument();
    expect(
      await within(refusedSummary()).findByText(
        "None. Every recipient of its sends passed the opt-outs and its recipient rules.",
      ),
    ).toBeInTheDocument();
  });

  it("counts the recipients refused one by one in the last 24 hours, by reason", async () => {
    const { support, marketing } = seedDemoAgents();
    const refused = (agentId: string, status: string, minutes: number) =>
      messages.push({ agent_id: agentId, status, created_at: minutesAgo(minutes) });
    refused(support.id, "OPTED_OUT", 5);
    refused(support.id, "OPTED_OUT", 60);
    refused(support.id, "COUNTRY_NOT_ALLOWED", 10);
    refused(support.id, "SUCCESS", 10);
    // Older than a day, and another agent's: not counted.
    refused(support.id, "RECIPIENT_NOT_ALLOWED", 25 * 60);
    refused(marketing.id, "RECIPIENT_NOT_ALLOWED", 5);
    await openAgentsPage();

    await waitFor(() => {
      expect(
        within(refusedSummary())
          .getAllByRole("listitem")
          .map((item) => item.textContent),
      ).toEqual(["2 Opted out — not sent", "1 Country not allowed — not sent"]);
    });
  });

  it("explains a failed load and loads again on request", async () => {
    seedDemoAgents();
    let failures = 1;
    server.use(
      http.get(restUrl("/tool_execution_logs"), ({ request }) =>
        failures-- > 0 ? postgrestError(500, "XX000", "internal error") : answer(request, []),
      ),
    );
    const { user } = await openAgentsPage();

    expect(
      await within(await screen.findByRole("region", { name: "Activity" })).findByText(
        "Could not load the activity",
      ),
    ).toBeInTheDocument();
    await user.click(within(activity()).getByRole("button", { name: "Try again" }));
    expect(
      await within(await findActivity()).findByRole("heading", { name: "No calls yet" }),
    ).toBeInTheDocument();
  });

  it("shows a call made in the playground at once, refusal included", async () => {
    const { support } = seedDemoAgents();
    grants.push(grant(support.id, ["sms"]));
    const reason =
      "Daily message limit: 3 of 4 messages used in the last 24 hours, and this send needs 4. Nothing was sent.";
    server.use(
      http.post(functionUrl("execute-agent-tool"), () => {
        logs.push(
          log(support.id, 0, {
            success: false,
            error_code: "policy_denied",
            error_message: reason,
            http_status: 403,
          }),
        );
        return HttpResponse.json(
          {
            error: {
              code: "policy_denied",
              reason: "daily_message_limit",
              message: reason,
              retryable: true,
              details: { limit: 4, used: 3, requested: 4 },
            },
          },
          { status: 403 },
        );
      }),
    );
    const { user } = await openAgentsPage();
    expect(
      await within(await findActivity()).findByRole("heading", { name: "No calls yet" }),
    ).toBeInTheDocument();

    await user.click(await screen.findByRole("button", { name: "Run tool" }));

    const items = within(await findCalls()).getAllByRole("listitem");
    expect(items).toHaveLength(1);
    expect(
      within(items[0] as HTMLElement).getByText("Refused by this agent's limits"),
    ).toBeVisible();
    expect(within(items[0] as HTMLElement).getByText(reason)).toBeVisible();
  });
});
