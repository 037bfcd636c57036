import { PageHeader } from "@/components/layout/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export function AgentsPage() {
  return (
    <>
      <PageHeader title="Agents">What each of your agents may do with ClickSend.</PageHeader>
      <EmptyState title="No agent permissions to show yet">
        <p>
          Once a ClickSend account is connected, this page lets you choose, agent by agent, which
          capabilities each may use: sending SMS, sending MMS, reading the balance, reading message
          history and reading delivery receipts. It also shows which tools each choice unlocks.
        </p>
      </EmptyState>
    </>
  );
}
