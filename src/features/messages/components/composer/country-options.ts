/** Countries offered for national numbers; the connection's own country is added if missing. */
const COMMON_COUNTRIES = ["AU", "NZ", "GB", "IE", "US", "CA", "SG", "ZA", "IN", "DE", "FR"];

const regionNames = new Intl.DisplayNames(undefined, { type: "region" });

export function countryOptions(defaultCountry: string): { code: string; name: string }[] {
  const codes = COMMON_COUNTRIES.includes(defaultCountry)
    ? COMMON_COUNTRIES
    : [defaultCountry, ...COMMON_COUNTRIES];
  return codes.map((code) => ({ code, name: `${regionNames.of(code) ?? code} (${code})` }));
}
