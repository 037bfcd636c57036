import type { Connection } from "@contracts/connection-schemas.ts";
import { SendOutcomeReport } from "@/components/send-outcome-report";
import type { SendOutcome } from "@/features/messages/api/send-message";
import { CheckHistoryLink } from "@/features/messages/components/composer/check-history-link";

type SendResultProps = {
  outcome: SendOutcome;
  channel: "sms" | "mms";
  scheduled: boolean;
  /** The connection the composer sent from. */
  connection: Connection;
};

/** What the last send did, per recipient in words, from which account; the answer on demand. */
export function SendResult({ outcome, channel, scheduled, connection }: SendResultProps) {
  const recipients = outcome.messages.map((message) => message.to);
  return (
    <SendOutcomeReport
      outcome={outcome}
      scheduled={scheduled}
      account={{
        connection_id: connection.id,
        name: connection.connection_name,
        username: connection.external_username,
      }}
      raw={outcome}
      checkHistory={<CheckHistoryLink channel={channel} recipients={recipients} />}
      note={
        outcome.accepted > 0 && !scheduled
          ? "Delivery receipts show in the history's Delivery receipts tab as they arrive."
          : undefined
      }
    />
  );
}
