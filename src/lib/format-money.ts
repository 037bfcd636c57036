/**
 * The one way money is shown: the amount, then its currency code, e.g. "25.00 AUD". Message
 * prices are fractions of a cent, so `precise` keeps up to 4 decimals. Without a currency
 * (ClickSend did not say) the amount stands alone.
 */
export function formatMoney(
  amount: number,
  currency: string | null,
  { precise = false }: { precise?: boolean } = {},
): string {
  const number = new Intl.NumberFormat(undefined, {
    minimumFractionDigits: 2,
    maximumFractionDigits: precise ? 4 : 2,
  }).format(amount);
  return currency ? `${number} ${currency}` : number;
}
