// Sandbox prices in AUD (realistic, not ClickSend's price list) and the money formats ClickSend
// uses: `message_price` strings with 4 dp in send/price answers and 6 dp in history, `balance`
// with 6 dp, `total_price` as a JSON number.

/** Per SMS part, in millionths of AUD. */
export const SMS_PRICE_MICROS: Readonly<Record<string, number>> = {
  AU: 79_200,
  NZ: 110_000,
  GB: 88_000,
  US: 33_000,
  CA: 33_000,
};

/** Per MMS message (always 1 part), in millionths of AUD. */
export const MMS_PRICE_MICROS: Readonly<Record<string, number>> = {
  AU: 440_000,
  NZ: 660_000,
  GB: 660_000,
  US: 165_000,
  CA: 165_000,
};

export function priceString(micros: number, decimals: 4 | 6): string {
  return (micros / 1_000_000).toFixed(decimals);
}

/** `total_price`: a number rounded to 4 dp (integer 0 when free, as live). */
export function totalPrice(micros: number): number {
  return Math.round(micros / 100) / 10_000;
}

export interface Currency {
  currency_name_short: string;
  currency_prefix_d: string;
  currency_prefix_c: string;
  currency_name_long: string;
  min_recharge_amount?: string;
  max_recharge_amount?: string;
}

/** `_currency`; the price endpoint's example omits the recharge limits. */
export function currency(withRechargeLimits: boolean): Currency {
  const base: Currency = {
    currency_name_short: "AUD",
    currency_prefix_d: "$",
    currency_prefix_c: "c",
    currency_name_long: "Australian Dollars",
  };
  return withRechargeLimits
    ? { ...base, min_recharge_amount: "20.00", max_recharge_amount: "10000.00" }
    : base;
}
