import { PageHeader } from "@/components/layout/page-header";
import { OptOuts } from "@/features/opt-outs/components/opt-outs";

export function OptOutsPage() {
  return (
    <>
      <PageHeader title="Opt-outs">
        People who asked not to be texted, per ClickSend account. Nothing is sent to them from that
        account, whoever sends: your agents, the composer or a reply in Conversations.
      </PageHeader>
      <OptOuts />
    </>
  );
}
