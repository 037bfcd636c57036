import { PageHeader } from "@/components/layout/page-header";
import { ConnectionGate } from "@/features/messages/components/connection-gate";
import { Conversations } from "@/features/messages/components/conversations/conversations";

export function ConversationsPage() {
  return (
    <>
      <PageHeader title="Conversations">
        Replies to your messages, thread by thread, with what you and your agents sent. Answer them
        here.
      </PageHeader>
      <ConnectionGate
        emptyTitle="Connect ClickSend to see replies"
        emptyText="Replies to the messages you and your agents send appear here once a ClickSend account is connected and replies are enabled on it."
        pickerDescription="The threads and your replies use this account."
      >
        {(connection) => <Conversations connection={connection} />}
      </ConnectionGate>
    </>
  );
}
