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

function message(status: string, statusCode: string | null): UsageMessage {
  return {
    agent_id: null,
    status,
    status_code: statusCode,
    price: PRICE,
    currency: "AUD",
    channel: "sms",
    created_at: new Date().toISOString(),
  };
}

/** Renders the usage view over these stored messages; resolves to its table's only row. */
async function renderUsage(messages: UsageMessage[]) {
  server.use(
    http.get(restUrl("/clicksend_messages"), () => HttpResponse.json(messages)),
    http.get(restUrl("/agents"), () => HttpResponse.json([])),
  );
  const queryClient = new QueryClient({
    defaultOptions: { ...queryConfig, queries: { ...queryConfig.queries, retry: false } },
  });
  render(
    <QueryClientProvider client={queryClient}>
      <AgentUsage />
    </QueryClientProvider>,
  );
  const table = await screen.findByRole("table", { name: /Usage per agent/ });
  const row = within(table).getByRole("row", { name: /Sent from this dashboard/ });
  const cells = within(row).getAllByRole("cell");
  const headers = within(table)
    .getAllByRole("columnheader")
    .map((header) => header.textContent);
  return Object.fromEntries(headers.map((header, index) => [header, cells[index]?.textContent]));
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
