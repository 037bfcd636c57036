// How ClickSend cuts an SMS into parts, the sandbox's own implementation. Written from the
// sources, not from the product's counter (supabase/functions/_shared/contracts/sms-segments.ts),
// so that a counting bug on either side shows up when segments.test.ts compares the two.
//
// Sources:
// - clicksend-api.md §2.2 "SMS length / segments" and ClickSend's help article "How many
//   characters can I send in an SMS": a text made only of GSM 03.38 characters goes as GSM-7,
//   160 characters alone or 153 per part; any other character makes the whole text Unicode
//   (UCS-2), 70 alone or 67 per part; "line breaks/carriage returns count as 2 characters".
// - 3GPP TS 23.038 §6.2.1 and §6.2.1.1 (GSM 7 bit default alphabet and its extension table): the
//   tables below. An extension character is sent as ESC (0x1B) and its code: two septets.
// - 3GPP TS 23.040 §9.2.3.24.1 (concatenated short messages): a part carries 153 septets
//   (160 - 7 for the 6-octet user data header) or 67 UCS-2 characters ((140 - 6) / 2); "a
//   character represented by an escape-sequence shall not be split in the middle", and "a UCS2
//   character shall not be split in the middle".
//
// Choices where the sources are silent (see README "Parts and prices"):
// - A line break (LF, CR or CR LF) goes out as CR LF: two characters, as ClickSend counts it, in
//   either encoding. CR and LF are separate basic characters, so a part may end between them.
// - UCS-2 is counted in 16-bit units: a character outside the Basic Multilingual Plane (most
//   emoji) is a UTF-16 surrogate pair, two units. Each unit is a UCS2 character for TS 23.040, so
//   a pair may straddle two parts; ClickSend documents nothing about emoji length.
// - Nothing is transliterated: a Greek capital that looks like a Latin one (Α, Β, …), a
//   typographic quote or a non-breaking space is not in the tables and makes the text UCS-2.
// - Too long: ClickSend does not reject a long SMS, it truncates it (the help article says
//   beyond 6 parts while its tables run to 8; the account's `setting_sms_message_char_limit`,
//   6 or 8, is the cap). `splitSms(text, maxParts)` keeps the parts that fit.

export type SmsEncoding = "GSM-7" | "UCS-2";

/** One part as it goes out: a slice of the sent text (line breaks as CR LF). */
interface SmsPart {
  text: string;
  /** Septets (GSM-7) or 16-bit units (UCS-2). */
  units: number;
}

export interface SmsSplit {
  encoding: SmsEncoding;
  /** Units of the whole text as sent, before any truncation. */
  units: number;
  /** The parts sent, in order; none for an empty text. */
  parts: SmsPart[];
  /** True when the text needed more than `maxParts` parts and the rest was dropped. */
  truncated: boolean;
}

/**
 * GSM 7 bit default alphabet, 3GPP TS 23.038 §6.2.1: the character of each septet value,
 * 0x00 to 0x7F, in rows of 16 (non-ASCII written as code points; the glyphs are in the
 * comments). null at 0x1B, the escape to the extension table.
 */
// prettier-ignore
const DEFAULT_ALPHABET: readonly (string | null)[] = [
  // 0x00: @ £ $ ¥ è é ù ì ò Ç LF Ø ø CR Å å
  "@", "\u00a3", "$", "\u00a5", "\u00e8", "\u00e9", "\u00f9", "\u00ec", "\u00f2", "\u00c7", "\n", "\u00d8", "\u00f8", "\r", "\u00c5", "\u00e5",
  // 0x10: Δ _ Φ Γ Λ Ω Π Ψ Σ Θ Ξ ESC Æ æ ß É
  "\u0394", "_", "\u03a6", "\u0393", "\u039b", "\u03a9", "\u03a0", "\u03a8", "\u03a3", "\u0398", "\u039e", null, "\u00c6", "\u00e6", "\u00df", "\u00c9",
  // 0x20: SP ! " # ¤ % & ' ( ) * + , - . /
  " ", "!", "\"", "#", "\u00a4", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
  // 0x30: 0-9 : ; < = > ?
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
  // 0x40: ¡ A-O
  "\u00a1", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
  // 0x50: P-Z Ä Ö Ñ Ü §
  "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "\u00c4", "\u00d6", "\u00d1", "\u00dc", "\u00a7",
  // 0x60: ¿ a-o
  "\u00bf", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
  // 0x70: p-z ä ö ñ ü à
  "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "\u00e4", "\u00f6", "\u00f1", "\u00fc", "\u00e0",
];

const ESCAPE = 0x1b;

/**
 * GSM 7 bit default alphabet extension table, 3GPP TS 23.038 §6.2.1.1: [septet after ESC,
 * character]. 0x0A is the page break (form feed); 0x0D (a control code for a second
 * extension table) and 0x1B (reserved) carry no character.
 */
// prettier-ignore
const EXTENSION_TABLE: readonly (readonly [number, string])[] = [
  [0x0a, "\f"], [0x14, "^"], [0x28, "{"], [0x29, "}"], [0x2f, "\\"],
  [0x3c, "["], [0x3d, "~"], [0x3e, "]"], [0x40, "|"], [0x65, "\u20ac"],
];

/** Every GSM-7 character and the septets that send it. */
const GSM7_SEPTETS: ReadonlyMap<string, readonly number[]> = new Map<string, readonly number[]>([
  ...DEFAULT_ALPHABET.flatMap((char, septet) => (char === null ? [] : [[char, [septet]] as const])),
  ...EXTENSION_TABLE.map(([septet, char]) => [char, [ESCAPE, septet]] as const),
]);

/** Part sizes in units: a message of one part, and each part of a concatenated message. */
const CAPACITY: Readonly<Record<SmsEncoding, { single: number; concatenated: number }>> = {
  "GSM-7": { single: 160, concatenated: 153 },
  "UCS-2": { single: 70, concatenated: 67 },
};

/** The text as ClickSend sends it: every line break (CR LF, LF or CR) becomes CR LF. */
function asSent(text: string): string {
  return text.replace(/\r\n|\r|\n/g, "\r\n");
}

/** GSM-7 when every character is in the default alphabet or its extension table. */
export function smsEncoding(text: string): SmsEncoding {
  for (const char of text) {
    if (!GSM7_SEPTETS.has(char)) return "UCS-2";
  }
  return "GSM-7";
}

/** The smallest pieces a part boundary may not cut, with their size in units. */
function atoms(sent: string, encoding: SmsEncoding): SmsPart[] {
  if (encoding === "UCS-2") {
    // One atom per UTF-16 code unit: a surrogate pair is two UCS2 characters.
    return Array.from({ length: sent.length }, (_, index) => ({
      text: sent.charAt(index),
      units: 1,
    }));
  }
  // One atom per character: an escape sequence (two septets) stays in one part.
  return Array.from(sent, (char) => ({ text: char, units: GSM7_SEPTETS.get(char)?.length ?? 1 }));
}

/** Fills parts of `capacity` units in order; stops after `maxParts` parts. */
function pack(
  pieces: readonly SmsPart[],
  capacity: number,
  maxParts: number,
): { parts: SmsPart[]; truncated: boolean } {
  const parts: SmsPart[] = [];
  let text = "";
  let units = 0;
  for (const piece of pieces) {
    if (units + piece.units > capacity) {
      parts.push({ text, units });
      if (parts.length >= maxParts) return { parts, truncated: true };
      text = "";
      units = 0;
    }
    text += piece.text;
    units += piece.units;
  }
  if (units > 0) parts.push({ text, units });
  return { parts, truncated: false };
}

/**
 * Cuts a text into the parts ClickSend sends and bills. A text that fits one part goes alone
 * (160 / 70 units); a longer one is cut into parts of 153 / 67 without splitting an escape
 * sequence. With `maxParts`, only that many parts are kept (ClickSend truncates, it does not
 * reject).
 */
export function splitSms(text: string, maxParts: number = Number.POSITIVE_INFINITY): SmsSplit {
  if (!(maxParts >= 1)) throw new RangeError(`maxParts must be at least 1, got ${maxParts}`);
  const sent = asSent(text);
  const encoding = smsEncoding(sent);
  const pieces = atoms(sent, encoding);
  const units = pieces.reduce((sum, piece) => sum + piece.units, 0);
  const { single, concatenated } = CAPACITY[encoding];
  const capacity = units <= single || maxParts === 1 ? single : concatenated;
  return { encoding, units, ...pack(pieces, capacity, maxParts) };
}
