import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { Tab, TabList, TabPanel, Tabs } from "@/components/ui/tabs";

function HistoryTabs() {
  return (
    <Tabs defaultValue="sms">
      <TabList label="Message history">
        <Tab value="sms">SMS</Tab>
        <Tab value="mms">MMS</Tab>
        <Tab value="receipts">Delivery receipts</Tab>
      </TabList>
      <TabPanel value="sms">SMS history</TabPanel>
      <TabPanel value="mms">MMS history</TabPanel>
      <TabPanel value="receipts">Receipts list</TabPanel>
    </Tabs>
  );
}

describe("Tabs", () => {
  it("shows the selected tab's panel, labelled by its tab", () => {
    render(<HistoryTabs />);

    expect(screen.getByRole("tablist", { name: "Message history" })).toBeInTheDocument();
    const sms = screen.getByRole("tab", { name: "SMS", selected: true });
    const panel = screen.getByRole("tabpanel", { name: "SMS" });
    expect(panel).toHaveTextContent("SMS history");
    expect(sms).toHaveAttribute("aria-controls", panel.id);
    expect(screen.queryByText("MMS history")).not.toBeInTheDocument();
  });

  it("moves between tabs with the arrow keys, Home and End, selecting as it goes", async () => {
    const user = userEvent.setup();
    render(<HistoryTabs />);

    // Only the selected tab is a tab stop; Tab then goes on to its panel.
    await user.tab();
    expect(screen.getByRole("tab", { name: "SMS" })).toHaveFocus();

    await user.keyboard("{ArrowRight}");
    expect(screen.getByRole("tab", { name: "MMS", selected: true })).toHaveFocus();
    expect(screen.getByRole("tabpanel", { name: "MMS" })).toHaveTextContent("MMS history");

    await user.keyboard("{ArrowRight}{ArrowRight}");
    expect(screen.getByRole("tab", { name: "SMS", selected: true })).toHaveFocus();

    await user.keyboard("{ArrowLeft}");
    expect(screen.getByRole("tab", { name: "Delivery receipts", selected: true })).toHaveFocus();

    await user.keyboard("{Home}");
    expect(screen.getByRole("tab", { name: "SMS", selected: true })).toHaveFocus();
    await user.keyboard("{End}");
    expect(screen.getByRole("tab", { name: "Delivery receipts", selected: true })).toHaveFocus();

    await user.tab();
    expect(screen.getByRole("tabpanel", { name: "Delivery receipts" })).toHaveFocus();
  });

  it("selects a tab by click", async () => {
    const user = userEvent.setup();
    render(<HistoryTabs />);

    await user.click(screen.getByRole("tab", { name: "MMS" }));

    expect(screen.getByRole("tab", { name: "MMS" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tabpanel")).toHaveTextContent("MMS history");
  });
});
