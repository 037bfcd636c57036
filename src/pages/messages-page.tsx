import { PageHeader } from "@/components/layout/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export function MessagesPage() {
  return (
    <>
      <PageHeader title="Messages">Your ClickSend balance and message activity.</PageHeader>
      <EmptyState title="No messages to show yet">
        <p>
          Once a ClickSend account is connected, this page shows your balance, SMS and MMS history,
          delivery receipts and what each agent sent. You will also be able to write a message with
          a live segment count and export the history as CSV.
        </p>
      </EmptyState>
    </>
  );
}
