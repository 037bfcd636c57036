import { PageHeader } from "@/components/layout/page-header";
import { BalanceCard } from "@/features/messages/components/balance-card";
import { Composer } from "@/features/messages/components/composer/composer";
import { ConnectionGate } from "@/features/messages/components/connection-gate";
import { MessageHistory } from "@/features/messages/components/history/message-history";
import { AgentUsage } from "@/features/messages/components/usage/agent-usage";

export function MessagesPage() {
  return (
    <>
      <PageHeader title="Messages">
        Your ClickSend balance, SMS and MMS history, delivery receipts and what each agent sent.
      </PageHeader>
      <ConnectionGate>
        {(connection) => (
          <div className="space-y-10">
            <div className="grid gap-6 lg:grid-cols-[1fr_2fr] lg:items-start">
              <BalanceCard connectionId={connection.id} />
              <Composer connection={connection} />
            </div>
            <MessageHistory connection={connection} />
            <AgentUsage />
          </div>
        )}
      </ConnectionGate>
    </>
  );
}
