import type { AccountBalance } from "@contracts/connection-schemas.ts";
import { formatMoney } from "@/lib/format-money";

type Quote = { total_price: number; currency: string | null };

/**
 * Why the account's balance cannot pay for this send, in words, or null when it can (or when
 * the balance is not known yet). An SMS is checked against its quoted price; an MMS, which
 * ClickSend prices only when it is sent, only against an empty balance.
 */
export function creditProblem(
  channel: "sms" | "mms",
  quote: Quote | undefined,
  balance: AccountBalance | undefined,
): string | null {
  if (!balance) return null;
  const money = (amount: number) => formatMoney(amount, balance.currency, { precise: true });
  const comparable = quote && (quote.currency === null || quote.currency === balance.currency);
  if (channel === "sms" && comparable && quote.total_price > balance.balance) {
    const short = quote.total_price - balance.balance;
    return `This costs ${money(quote.total_price)}; the balance is ${money(balance.balance)} — ${money(short)} short.`;
  }
  if (balance.balance <= 0) {
    return `The balance is ${money(balance.balance)}, so ClickSend would refuse this ${channel.toUpperCase()}.`;
  }
  return null;
}

const REFUSALS: Record<string, string> = {
  INSUFFICIENT_CREDIT:
    "the ClickSend balance does not cover it; top up the account, then send again",
  COUNTRY_NOT_ENABLED: "sending to this country is not turned on for the ClickSend account",
};

/** Why ClickSend refused a recipient, in words; unknown codes are shown as ClickSend gave them. */
export function refusalReason(status: string): string {
  return REFUSALS[status] ?? `ClickSend refused it (${status})`;
}
