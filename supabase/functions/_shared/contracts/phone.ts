// Phone numbers to E.164 with an explicit default country: a national number is read in that
// country, never by blindly prefixing +1 (seed-review: an AU 04… number must not become US).
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { z } from "zod";

const countryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, "use a two-letter ISO country code such as AU, GB or US");

export type PhoneResult =
  | { ok: true; e164: string; country: string | undefined }
  | { ok: false; input: string; reason: string };

export function toE164(input: string, defaultCountry: string): PhoneResult {
  const trimmed = input.trim();
  if (!/^[+\d\s().-]{3,32}$/.test(trimmed) || !/\d/.test(trimmed)) {
    return { ok: false, input, reason: "is not a phone number (digits, spaces, + ( ) . - only)" };
  }
  if (!trimmed.startsWith("+") && !countryCodeSchema.safeParse(defaultCountry).success) {
    return {
      ok: false,
      input,
      reason: "has no +country code and no valid default country was given",
    };
  }
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode);
  if (!parsed?.isValid()) {
    return {
      ok: false,
      input,
      reason: trimmed.startsWith("+")
        ? "is not a valid phone number"
        : `is not a valid phone number in ${defaultCountry}`,
    };
  }
  return { ok: true, e164: parsed.number, country: parsed.country };
}
