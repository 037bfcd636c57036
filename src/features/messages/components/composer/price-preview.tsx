import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import type { PriceSmsInput, usePriceSms } from "@/features/messages/api/price-sms";
import { refusalReason } from "@/features/messages/components/composer/credit-check";
import { plural } from "@/features/messages/utils/format";
import { formatMoney } from "@/lib/format-money";

type PricePreviewProps = {
  /** The SMS to price (already debounced); null while there is nothing valid to price. */
  input: PriceSmsInput | null;
  /** The composer's price query for `input`. */
  price: ReturnType<typeof usePriceSms>;
};

/** What ClickSend would charge for the composed SMS, updated as the user types. */
export function PricePreview({ input, price }: PricePreviewProps) {
  let content;
  if (input === null) {
    content = <span>Enter a valid number and a message to see the price.</span>;
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
    const parts = messages[0]?.parts ?? null;
    const blocked = messages.filter((message) => message.status !== "SUCCESS");
    content = (
      <span>
        Estimated cost:{" "}
        <strong className="font-semibold">{formatMoney(total, currency, { precise: true })}</strong>
        {` for ${plural(messages.length, "message")}`}
        {parts === null ? "" : ` of ${plural(parts, "part")}`}.
        {blocked.length > 0
          ? ` ${plural(blocked.length, "number")} cannot be sent: ${blocked
              .map((message) => `${message.to} (${refusalReason(message.status)})`)
              .join(", ")}.`
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
