// Recipients, sender ids, ClickSend's documented test numbers and sandbox-only details
// (carriers, shared system numbers) for the countries the sandbox knows.
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

/** ClickSend's test numbers: accepted, free (0 parts, "0.0000"), never delivered, no receipt. */
const TEST_NUMBERS: ReadonlyMap<string, string> = new Map([
  ["+61411111111", "AU"],
  ["+61422222222", "AU"],
  ["+61433333333", "AU"],
  ["+61444444444", "AU"],
  ["+14055555555", "US"],
  ["+14055555666", "US"],
  ["+447777777777", "GB"],
  ["+8615555555555", "CN"],
]);

export interface Recipient {
  e164: string;
  country: string;
  testNumber: boolean;
}

const E164 = /^\+[1-9]\d{6,14}$/;
const NATIONAL = /^\d{6,15}$/;

/**
 * E.164 (`+61411111111`), or a national number with the message's `country`
 * (`0411111111` + `AU`). Anything else, including numbers with spaces, is INVALID_RECIPIENT.
 */
export function parseRecipient(to: string, country: string | undefined): Recipient | undefined {
  const input = to.trim();
  const testCountry = TEST_NUMBERS.get(input);
  if (testCountry) return { e164: input, country: testCountry, testNumber: true };
  let parsed;
  if (E164.test(input)) {
    parsed = parsePhoneNumberFromString(input);
  } else if (country && /^[A-Za-z]{2}$/.test(country) && NATIONAL.test(input)) {
    parsed = parsePhoneNumberFromString(input, country.toUpperCase() as CountryCode);
  }
  if (!parsed?.isValid() || !parsed.country) return undefined;
  const e164 = parsed.number;
  return { e164, country: parsed.country, testNumber: TEST_NUMBERS.has(e164) };
}

/**
 * A sender id: empty means a shared system number; otherwise an E.164 number, a numeric sender
 * (digits only, up to 15), or an alphanumeric tag of 3–11 letters and digits without spaces.
 */
export function isValidSenderId(from: string): boolean {
  if (from.startsWith("+")) return E164.test(from) && !!parsePhoneNumberFromString(from)?.isValid();
  return /^\d{3,15}$/.test(from) || /^[A-Za-z0-9]{3,11}$/.test(from);
}

/** The shared system number the sandbox sends from when `from` is omitted. */
export const SHARED_NUMBERS: Readonly<Record<string, string>> = {
  AU: "+61481074845",
  NZ: "+64211000100",
  GB: "+447400000100",
  US: "+12015550100",
  CA: "+14165550100",
};

const CARRIERS: Readonly<Record<string, readonly string[]>> = {
  AU: ["Telstra", "Optus", "Vodafone"],
  NZ: ["Spark", "One NZ", "2degrees"],
  GB: ["EE", "Vodafone UK", "O2"],
  US: ["Verizon", "AT&T", "T-Mobile"],
  CA: ["Rogers", "Bell", "Telus"],
  CN: ["China Mobile", "China Unicom", "China Telecom"],
};

/** A stable carrier name for a number (derived from its last digit). */
export function carrierFor(e164: string, country: string): string {
  const list = CARRIERS[country];
  if (!list) return "";
  const lastDigit = Number(e164.slice(-1));
  return list[lastDigit % list.length] ?? "";
}
