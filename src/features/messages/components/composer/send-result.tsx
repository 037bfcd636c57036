import { Alert } from "@/components/ui/alert";
import type { SendOutcome } from "@/features/messages/api/send-message";
import { refusalReason } from "@/features/messages/components/composer/credit-check";
import { UNCONFIRMED_SEND_STATUS as UNCONFIRMED } from "@/features/messages/utils/backend";
import { plural } from "@/features/messages/utils/format";
import { formatMoney } from "@/lib/format-money";

type SendResultProps = {
  outcome: SendOutcome;
  scheduled: boolean;
};

/** What the last send did: accepted, refused (and why), unconfirmed, invalid numbers, the cost. */
export function SendResult({ outcome, scheduled }: SendResultProps) {
  const unconfirmed = outcome.messages.filter((message) => message.status === UNCONFIRMED);
  const refused = outcome.messages.filter(
    (message) =>
      message.status !== "SUCCESS" &&
      message.status !== "Scheduled" &&
      message.status !== UNCONFIRMED,
  );
  const tone =
    outcome.accepted === 0 && unconfirmed.length === 0
      ? "error"
      : refused.length > 0 || unconfirmed.length > 0 || outcome.invalid_numbers.length > 0
        ? "warning"
        : "success";
  const title = outcome.idempotent_replay
    ? unconfirmed.length > 0
      ? "Not sent again: ClickSend never confirmed the first attempt"
      : "Already sent: this message was not sent again"
    : outcome.accepted === 0
      ? "Not sent"
      : `${scheduled ? "Scheduled" : "Sent"} to ${String(outcome.accepted)} of ${plural(outcome.recipients, "recipient")}`;

  return (
    <Alert tone={tone} title={title} role="none">
      <ul className="list-disc space-y-1 pl-5">
        {outcome.total_price > 0 ? (
          <li>Cost: {formatMoney(outcome.total_price, outcome.currency, { precise: true })}</li>
        ) : null}
        {unconfirmed.map((message) => (
          <li key={message.to}>
            {message.to}: ClickSend did not confirm it, so it may have gone. Look for it in the SMS
            history before sending it again.
          </li>
        ))}
        {refused.map((message) => (
          <li key={message.to}>
            {message.to}: {refusalReason(message.status)}
          </li>
        ))}
        {outcome.invalid_numbers.map((invalid) => (
          <li key={invalid.input}>
            {invalid.input} {invalid.reason}; not sent
          </li>
        ))}
        {outcome.accepted > 0 && !scheduled ? (
          <li>Delivery receipts arrive in the Delivery receipts tab within a few seconds.</li>
        ) : null}
      </ul>
    </Alert>
  );
}
