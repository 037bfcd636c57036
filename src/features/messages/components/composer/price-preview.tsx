import type { UseQueryResult } from "@tanstack/react-query";

import { describeRecipientStatus } from "@contracts/send-outcome.ts";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import type { MessagePrice } from "@/features/messages/api/price-sms";
import { plural } from "@/features/messages/utils/format";
import { formatMoney } from "@/lib/format-money";

type PricePreviewProps = {
  channel: "sms" | "mms";
  /** Whether there is something valid to price (the debounced input is not null). */
  ready: boolean;
  /** What is missing while not ready, e.g. "Enter a valid number and a message". */
  missing: string;
  /** The composer's price query (SMS or MMS). */
  price: UseQueryResult<MessagePrice>;
};

/** What ClickSend would charge for the composed SMS or MMS, updated as the user types. */
export function PricePreview({ channel, ready, missing, price }: PricePreviewProps) {
  let content;
  if (!ready) {
    content = <span>{missing} to see the price.</span>;
  } else if (price.isError) {
    content = (
      <span className="flex flex-wrap items-center gap-2">
        <span>Price not available: {price.error.message}</span>
        <Button variant="secondary" size="sm" onClick={() => void price.refetch()}>
          Check price again
        </Button>
      </span>
    );
  } else if (price.isPending || (price.isPlaceholderData && price.isFetching)) {
    content = (
      <span className="inline-flex items-center gap-2">
        <Spinner className="size-4" /> Checking the price…
      </span>
    );
  } else {
    const { total_price: total, currency, messages } = price.data;
    // An MMS is one part whatever its length; only an SMS is split.
    const parts = channel === "sms" ? (messages[0]?.parts ?? null) : null;
    const blocked = messages.filter((message) => message.status !== "SUCCESS");
    content = (
      <span>
        Estimated cost:{" "}
        <strong className="font-semibold">{formatMoney(total, currency, { precise: true })}</strong>
        {` for ${plural(messages.length, "message")}`}
        {parts === null ? "" : ` of ${plural(parts, "part")}`}.
        {blocked.length > 0
          ? ` ${plural(blocked.length, "number")} cannot be sent: ${blocked
              .map((message) => {
                const refusal = describeRecipientStatus(message.status);
                return `${message.to} (${refusal.label}. ${refusal.detail})`;
              })
              .join(", ")}`
          : null}
      </span>
    );
  }

  return (
    <p aria-live="polite" className="text-sm text-slate-700 dark:text-slate-200">
      {content}
    </p>
  );
}
