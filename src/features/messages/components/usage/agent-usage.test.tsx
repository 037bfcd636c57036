import { render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { AgentUsage } from "@/features/messages/components/usage/agent-usage";
import type { UsageMessage } from "@/features/messages/utils/usage";
import { queryConfig } from "@/lib/react-query";
import { server } from "@/testing/msw/server";
import { restUrl } from "@/testing/msw/urls";

const PRICE = 0.0792;
const SHOP = { id: "c0000000-0000-4000-8000-000000000001", name: "Shop", username: "shop_user" };
const OFFICE = { id: "c0000000-0000-4000-8000-000000000002", name: "Office", username: "office" };
const AGENT = { id: "a0000000-0000-4000-8000-000000000001", name: "Support bot" };

function message(
  status: string,
  statusCode: string | null,
  changes: Partial<UsageMessage> = {},
): UsageMessage {
  return {
    user_oauth_connection_id: SHOP.id,
    agent_id: null,
    status,
    status_code: statusCode,
    price: PRICE,
    currency: "AUD",
    channel: "sms",
    created_at: new Date().toISOString(),
    ...changes,
  };
}

/** Renders the usage view over these stored messages (and the user's agents and connections). */
function showUsage(messages: UsageMessage[], agents: { id: string; name: string }[] = []) {
  server.use(
    http.get(restUrl("/clicksend_messages"), () => HttpResponse.json(messages)),
    http.get(restUrl("/agents"), () => HttpResponse.json(agents)),
    http.get(restUrl("/user_oauth_connections"), () =>
      HttpResponse.json(
        [SHOP, OFFICE].map((account) => ({
          id: account.id,
          connection_name: account.name,
          external_username: account.username,
        })),
      ),
    ),
  );
  const queryClient = new QueryClient({
    defaultOptions: { ...queryConfig, queries: { ...queryConfig.queries, retry: false } },
  });
  render(
    <QueryClientProvider client={queryClient}>
      <AgentUsage />
    </QueryClientProvider>,
  );
}

/** The cells of a table row by column header. */
function rowCells(table: HTMLElement, name: RegExp) {
  const row = within(table).getByRole("row", { name });
  const cells = within(row).getAllByRole("cell");
  const headers = within(table)
    .getAllByRole("columnheader")
    .map((header) => header.textContent);
  return Object.fromEntries(headers.map((header, index) => [header, cells[index]?.textContent]));
}

/** Renders the usage view over these stored messages; resolves to its table's only row. */
async function renderUsage(messages: UsageMessage[]) {
  showUsage(messages);
  const table = await screen.findByRole("table", { name: /Usage per agent/ });
  return rowCells(table, /Sent from this dashboard/);
}

describe("AgentUsage", () => {
  it("gives no success rate while every message is only scheduled", async () => {
    const row = await renderUsage([message("Scheduled", null), message("Scheduled", null)]);

    expect(row).toMatchObject({ Messages: "2", Delivered: "0", Pending: "2", "Success rate": "—" });
    const chart = screen.getByRole("figure", { name: "Messages per agent, by outcome" });
    expect(within(chart).getByText("2 messages · no final outcome yet")).toBeInTheDocument();
    expect(screen.queryByText(/100%/)).not.toBeInTheDocument();
  });

  it("leaves a cancelled message out of the cost and the success rate", async () => {
    const row = await renderUsage([
      message("Sent", "201"),
      message("Scheduled", null),
      message("Cancelled", "301"),
    ]);

    expect(row).toEqual({
      Agent: "Sent from this dashboard",
      Messages: "3",
      Delivered: "1",
      Failed: "0",
      Pending: "1",
      Cancelled: "1",
      "Success rate": "100%",
      // Delivered and scheduled are charged; the cancelled one was refunded.
      Cost: "0.1584 AUD",
    });
  });

  it("does not call an accepted message a success before its receipt", async () => {
    const row = await renderUsage([message("SUCCESS", null), message("Failed", "301")]);

    expect(row).toMatchObject({ Delivered: "0", Failed: "1", Pending: "1", "Success rate": "0%" });
  });

  it("names the ClickSend account of every figure: an agent on two accounts gets a row under each", async () => {
    showUsage(
      [
        message("Sent", "201", { agent_id: AGENT.id }),
        message("Sent", "201", { agent_id: AGENT.id }),
        message("Failed", "301", { agent_id: AGENT.id, user_oauth_connection_id: OFFICE.id }),
        message("Sent", "201", { user_oauth_connection_id: OFFICE.id }),
      ],
      [AGENT],
    );

    const shop = await screen.findByRole("region", { name: "From Shop (shop_user)" });
    const office = screen.getByRole("region", { name: "From Office (office)" });
    const shopTable = within(shop).getByRole("table", {
      name: "Usage per agent from Shop (shop_user), last 30 days",
    });
    const officeTable = within(office).getByRole("table", {
      name: "Usage per agent from Office (office), last 30 days",
    });
    expect(rowCells(shopTable, /Support bot/)).toMatchObject({ Messages: "2", Delivered: "2" });
    expect(within(shopTable).queryByRole("row", { name: /Sent from this dashboard/ })).toBeNull();
    expect(rowCells(officeTable, /Support bot/)).toMatchObject({ Messages: "1", Failed: "1" });
    expect(rowCells(officeTable, /Sent from this dashboard/)).toMatchObject({ Messages: "1" });
    expect(within(shop).getByText("2 messages · 100% success")).toBeInTheDocument();
    expect(within(office).getByText("1 message · 0% success")).toBeInTheDocument();
  });

  it("shows how each figure is counted", async () => {
    await renderUsage([message("Sent", "201")]);

    const definitions = screen.getByText("How these are counted").closest("details");
    expect(definitions).not.toBeNull();
    const terms = within(definitions as HTMLElement)
      .getAllByRole("term")
      .map((term) => term.textContent);
    expect(terms).toEqual([
      "Delivered: ",
      "Failed: ",
      "Pending: ",
      "Cancelled: ",
      "Success rate: ",
      "Cost: ",
    ]);
  });
});
