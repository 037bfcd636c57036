import { PageHeader } from "@/components/layout/page-header";
import { ClickSendIntegration } from "@/features/integrations/components/clicksend-integration";

export function IntegrationsPage() {
  return (
    <>
      <PageHeader title="Integrations">
        Connect the ClickSend accounts your agents send through, and manage their keys.
      </PageHeader>
      <ClickSendIntegration />
    </>
  );
}
