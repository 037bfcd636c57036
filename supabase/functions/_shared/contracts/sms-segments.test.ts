import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countSmsSegments, isGsm7 } from "./sms-segments.ts";

// ClickSend's credit tables (help article "How many characters can I send in an SMS"):
// the last character count of each part count.
const GSM7_TABLE = [160, 306, 459, 612, 765, 918, 1071, 1224];
const UCS2_TABLE = [70, 134, 201, 268, 335, 402, 469, 536];

describe("countSmsSegments: GSM-7 credit table", () => {
  it.each(GSM7_TABLE.map((max, index) => [index + 1, max] as const))(
    "%i part(s) up to %i characters, one more part after",
    (parts, max) => {
      const atMax = countSmsSegments("a".repeat(max));
      expect(atMax).toMatchObject({ encoding: "GSM-7", characters: max, segments: parts });
      expect(atMax.remainingInSegment).toBe(0);
      expect(countSmsSegments("a".repeat(max + 1)).segments).toBe(parts + 1);
      const first = parts === 1 ? 1 : (GSM7_TABLE[parts - 2] ?? 0) + 1;
      expect(countSmsSegments("a".repeat(first)).segments).toBe(parts);
    },
  );

  it("reports the per-part capacity and what is left", () => {
    expect(countSmsSegments("hello")).toEqual({
      encoding: "GSM-7",
      characters: 5,
      segments: 1,
      perSegment: 160,
      remainingInSegment: 155,
    });
    expect(countSmsSegments("a".repeat(161))).toEqual({
      encoding: "GSM-7",
      characters: 161,
      segments: 2,
      perSegment: 153,
      remainingInSegment: 145,
    });
  });

  it("counts an empty text as no part", () => {
    expect(countSmsSegments("")).toEqual({
      encoding: "GSM-7",
      characters: 0,
      segments: 0,
      perSegment: 160,
      remainingInSegment: 160,
    });
  });
});

describe("countSmsSegments: UCS-2 credit table", () => {
  it.each(UCS2_TABLE.map((max, index) => [index + 1, max] as const))(
    "%i part(s) up to %i characters, one more part after",
    (parts, max) => {
      const text = "ж".repeat(max);
      expect(countSmsSegments(text)).toMatchObject({
        encoding: "UCS-2",
        characters: max,
        segments: parts,
        remainingInSegment: 0,
      });
      expect(countSmsSegments(`${text}ж`).segments).toBe(parts + 1);
      const first = parts === 1 ? 1 : (UCS2_TABLE[parts - 2] ?? 0) + 1;
      expect(countSmsSegments("ж".repeat(first)).segments).toBe(parts);
    },
  );

  it("switches the whole text to UCS-2 for one character outside GSM-7", () => {
    const count = countSmsSegments(`${"a".repeat(69)}ç`);
    expect(count).toEqual({
      encoding: "UCS-2",
      characters: 70,
      segments: 1,
      perSegment: 70,
      remainingInSegment: 0,
    });
    expect(countSmsSegments(`${"a".repeat(70)}ç`)).toMatchObject({ segments: 2, perSegment: 67 });
  });

  it("counts an emoji (surrogate pair) as two characters", () => {
    expect(countSmsSegments("😀")).toMatchObject({ encoding: "UCS-2", characters: 2 });
    expect(countSmsSegments("😀".repeat(35))).toMatchObject({ characters: 70, segments: 1 });
    expect(countSmsSegments("😀".repeat(36))).toMatchObject({ characters: 72, segments: 2 });
    // 66 emoji and two letters fill two parts of 67 exactly.
    expect(countSmsSegments(`${"😀".repeat(66)}xx`)).toMatchObject({
      characters: 134,
      segments: 2,
      remainingInSegment: 0,
    });
  });

  it("does not count extension characters double in UCS-2", () => {
    expect(countSmsSegments("€ж")).toMatchObject({ encoding: "UCS-2", characters: 2 });
  });
});

describe("countSmsSegments: characters as billed", () => {
  it("counts each GSM extension character as two", () => {
    for (const char of ["^", "{", "}", "\\", "[", "~", "]", "|", "€", "\f"]) {
      expect(countSmsSegments(char)).toMatchObject({ encoding: "GSM-7", characters: 2 });
    }
    expect(countSmsSegments("€".repeat(80))).toMatchObject({ characters: 160, segments: 1 });
    expect(countSmsSegments("€".repeat(81))).toMatchObject({ characters: 162, segments: 2 });
    expect(countSmsSegments(`${"a".repeat(159)}[`)).toMatchObject({ characters: 161, segments: 2 });
  });

  it("counts a line break as two characters, whatever its form", () => {
    expect(countSmsSegments("a\nb").characters).toBe(4);
    expect(countSmsSegments("a\r\nb").characters).toBe(4);
    expect(countSmsSegments("a\rb").characters).toBe(4);
    expect(countSmsSegments("\n\n").characters).toBe(4);
    expect(countSmsSegments("ж\nж")).toMatchObject({ encoding: "UCS-2", characters: 4 });
    expect(countSmsSegments(`${"a".repeat(158)}\n`)).toMatchObject({
      characters: 160,
      segments: 1,
    });
    expect(countSmsSegments(`${"a".repeat(159)}\n`).segments).toBe(2);
  });

  it("never splits an extension character between two parts (TS 23.040)", () => {
    // 306 septets fit 2 parts by ClickSend's table, but € would be septets 153 and 154.
    expect(countSmsSegments(`${"a".repeat(152)}€${"a".repeat(152)}`)).toMatchObject({
      characters: 306,
      segments: 3,
      remainingInSegment: 152,
    });
    expect(countSmsSegments("€".repeat(153)).segments).toBe(3);
    // Where the boundary falls between two plain characters, the table holds.
    expect(countSmsSegments(`${"a".repeat(151)}€${"a".repeat(153)}`).segments).toBe(2);
  });

  it("keeps the whole GSM 03.38 basic set in GSM-7", () => {
    const basic =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
      "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    expect(Array.from(basic)).toHaveLength(127); // 128 code points minus the escape code
    expect(isGsm7(basic)).toBe(true);
    for (const outside of ["ç", "á", "α", "`", "€ж", "\t", "😀", "’"]) {
      expect(isGsm7(outside)).toBe(false);
    }
  });
});

describe("countSmsSegments: invariants", () => {
  it("always fits the characters into the parts it reports", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 700 }), (text) => {
        const count = countSmsSegments(text);
        expect(count.remainingInSegment).toBeGreaterThanOrEqual(0);
        // An extension character never straddles two parts, so a full part may hold one less.
        expect(count.characters + count.remainingInSegment).toBeLessThanOrEqual(
          Math.max(count.segments, 1) * count.perSegment,
        );
        if (count.segments > 1) {
          expect(count.characters).toBeGreaterThan((count.segments - 1) * (count.perSegment - 1));
        }
        expect(count.characters).toBeGreaterThanOrEqual(text.length === 0 ? 0 : 1);
      }),
    );
  });
});
