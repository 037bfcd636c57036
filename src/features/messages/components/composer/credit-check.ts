import type { AccountBalance } from "@contracts/connection-schemas.ts";
import { formatMoney } from "@/lib/format-money";

type Quote = { total_price: number; currency: string | null };

/**
 * Why the account's balance cannot pay for this send, in words, or null when it can (or when
 * the balance is not known yet). A quoted SMS or MMS is checked against its price; without a
 * quote yet, only an empty balance is a problem.
 */
export function creditProblem(
  channel: "sms" | "mms",
  quote: Quote | undefined,
  balance: AccountBalance | undefined,
): string | null {
  if (!balance) return null;
  const money = (amount: number) => formatMoney(amount, balance.currency, { precise: true });
  const comparable = quote && (quote.currency === null || quote.currency === balance.currency);
  if (comparable && quote.total_price > balance.balance) {
    const short = quote.total_price - balance.balance;
    return `This costs ${money(quote.total_price)}; the balance is ${money(balance.balance)} — ${money(short)} short.`;
  }
  if (balance.balance <= 0) {
    return `The balance is ${money(balance.balance)}, so ClickSend would refuse this ${channel.toUpperCase()}.`;
  }
  return null;
}
