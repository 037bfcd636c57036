import { PageHeader } from "@/components/layout/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export function IntegrationsPage() {
  return (
    <>
      <PageHeader title="Integrations">
        Your ClickSend connections: the accounts your agents send through.
      </PageHeader>
      <EmptyState title="No ClickSend account connected">
        <p>
          Here you will connect a ClickSend account with its username and API key, which are checked
          with ClickSend before anything is stored. Once connected, you can rename the connection,
          rotate its key or disconnect it. The key itself is never shown again.
        </p>
      </EmptyState>
    </>
  );
}
