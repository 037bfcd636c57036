import { useId } from "react";

import type { Connection } from "@contracts/connection-schemas.ts";
import { Tab, TabList, TabPanel, Tabs } from "@/components/ui/tabs";
import { HistoryPanel } from "@/features/messages/components/history/history-panel";
import { ReceiptsPanel } from "@/features/messages/components/history/receipts-panel";
import { useHistoryView } from "@/features/messages/hooks/use-history-view";
import { useLiveMessages } from "@/features/messages/hooks/use-live-messages";
import { connectionTitle } from "@/lib/connections/get-connections";
import { MESSAGE_HISTORY_ID } from "@/lib/send-failure";

/**
 * SMS history, MMS history and delivery receipts, one tab each; the view lives in the URL. All of
 * it (and the balance and usage) follows new sends and receipts by itself: see useLiveMessages.
 */
export function MessageHistory({ connection }: { connection: Connection }) {
  const headingId = useId();
  const view = useHistoryView();
  const live = useLiveMessages(connection.id);

  return (
    // The id is where "Check history" after an uncertain send lands.
    <section id={MESSAGE_HISTORY_ID} aria-labelledby={headingId} className="scroll-mt-4 space-y-3">
      <h2 id={headingId} className="text-lg font-semibold">
        Message history
      </h2>
      {/* Which account this is, every time: agents on several accounts send from any of them. */}
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Sent from{" "}
        <strong className="font-semibold text-slate-900 wrap-anywhere dark:text-slate-100">
          {connectionTitle(connection)}
        </strong>
        , by you and by your agents.
      </p>
      <Tabs value={view.tab} onValueChange={view.setTab}>
        <TabList label="Message history">
          <Tab value="sms">SMS</Tab>
          <Tab value="mms">MMS</Tab>
          <Tab value="receipts">Delivery receipts</Tab>
        </TabList>
        {(["sms", "mms"] as const).map((channel) => (
          <TabPanel key={channel} value={channel}>
            <HistoryPanel
              connection={connection}
              channel={channel}
              live={live}
              filters={view.filters}
              page={view.page}
              onFiltersChange={view.setFilters}
              onPageChange={view.setPage}
            />
          </TabPanel>
        ))}
        <TabPanel value="receipts">
          <ReceiptsPanel
            connectionId={connection.id}
            page={view.page}
            messageId={view.messageId}
            onPageChange={view.setPage}
            onMessageIdChange={view.setMessageId}
          />
        </TabPanel>
      </Tabs>
    </section>
  );
}
