// How many SMS parts a text costs, by ClickSend's published credit tables. Pure: no Node or Deno
// APIs, so the web app's composer, the Edge Functions and the local ClickSend sandbox share it.
//
// GSM-7: 160 characters in one part, 153 per part once concatenated.
// UCS-2 (any character outside GSM 03.38): 70 in one part, 67 per part; counted in UTF-16 code
// units, so an emoji (a surrogate pair) counts 2.
// As billed: GSM extension characters (^ { } [ ] ~ | \ € and form feed) take 2 characters, and a
// line break (\n, \r or \r\n) counts 2 in either encoding (ClickSend's help article).
// Parts: a concatenated part carries 153 septets, and an extension character (ESC + code) is
// never split between two parts (3GPP TS 23.040 §9.2.3.24.1), so where one would straddle a
// boundary it moves to the next part and the text may need one part more than
// ceil(characters / 153). UCS-2 parts carry 67 code units; a surrogate pair may be split.

type SmsEncoding = "GSM-7" | "UCS-2";

export interface SmsSegmentCount {
  encoding: SmsEncoding;
  /** Characters as billed (extension characters and line breaks count 2). */
  characters: number;
  /** Parts billed; 0 for an empty text. */
  segments: number;
  /** Capacity of one part at this length: 160/70 for a single part, 153/67 once concatenated. */
  perSegment: number;
  /** Characters left before the text needs another part. */
  remainingInSegment: number;
}

const GSM7_SINGLE = 160;
const GSM7_MULTI = 153;
const UCS2_SINGLE = 70;
const UCS2_MULTI = 67;

// GSM 03.38 default alphabet without the escape code; \n and \r are handled as line breaks.
const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM7_EXTENSION = new Set("^{}\\[~]|€\f");
const LINE_BREAK_CHARACTERS = 2;

/** True when every character of the text exists in GSM-7 (basic set or extension table). */
export function isGsm7(text: string): boolean {
  for (const char of text) {
    if (char !== "\n" && char !== "\r" && !GSM7_BASIC.has(char) && !GSM7_EXTENSION.has(char)) {
      return false;
    }
  }
  return true;
}

/** Billed characters of a text in the given encoding. */
function billedCharacters(text: string, encoding: SmsEncoding): number {
  let count = 0;
  let index = 0;
  while (index < text.length) {
    const unit = text.charCodeAt(index);
    if (unit === 0x0d || unit === 0x0a) {
      count += LINE_BREAK_CHARACTERS;
      const crlf = unit === 0x0d && text.charCodeAt(index + 1) === 0x0a;
      index += crlf ? 2 : 1;
      continue;
    }
    if (encoding === "UCS-2") {
      count += 1; // one UTF-16 code unit; a surrogate pair is two iterations
    } else {
      count += GSM7_EXTENSION.has(text.charAt(index)) ? 2 : 1;
    }
    index += 1;
  }
  return count;
}

/** Septets used in the last part of a concatenated GSM-7 text, and how many parts it takes. */
function gsmParts(text: string): { segments: number; usedInLast: number } {
  let segments = 1;
  let used = 0;
  const add = (size: number): void => {
    if (used + size > GSM7_MULTI) {
      segments += 1;
      used = 0;
    }
    used += size;
  };
  let index = 0;
  while (index < text.length) {
    const unit = text.charCodeAt(index);
    if (unit === 0x0d || unit === 0x0a) {
      // Billed as CR LF: two septets, which may fall either side of a boundary.
      add(1);
      add(1);
      index += unit === 0x0d && text.charCodeAt(index + 1) === 0x0a ? 2 : 1;
      continue;
    }
    add(GSM7_EXTENSION.has(text.charAt(index)) ? 2 : 1);
    index += 1;
  }
  return { segments, usedInLast: used };
}

export function countSmsSegments(text: string): SmsSegmentCount {
  const encoding: SmsEncoding = isGsm7(text) ? "GSM-7" : "UCS-2";
  const single = encoding === "GSM-7" ? GSM7_SINGLE : UCS2_SINGLE;
  const multi = encoding === "GSM-7" ? GSM7_MULTI : UCS2_MULTI;
  const characters = billedCharacters(text, encoding);

  if (characters === 0) {
    return { encoding, characters, segments: 0, perSegment: single, remainingInSegment: single };
  }
  if (characters <= single) {
    return {
      encoding,
      characters,
      segments: 1,
      perSegment: single,
      remainingInSegment: single - characters,
    };
  }
  if (encoding === "GSM-7") {
    const { segments, usedInLast } = gsmParts(text);
    return {
      encoding,
      characters,
      segments,
      perSegment: multi,
      remainingInSegment: multi - usedInLast,
    };
  }
  const segments = Math.ceil(characters / multi);
  return {
    encoding,
    characters,
    segments,
    perSegment: multi,
    remainingInSegment: segments * multi - characters,
  };
}
