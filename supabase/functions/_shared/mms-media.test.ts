import { describe, expect, it } from "vitest";
import { MMS_MAX_BYTES, checkMmsMedia } from "./mms-media.ts";

describe("checkMmsMedia", () => {
  it("accepts JPG, GIF, PNG and BMP up to 250 kB", () => {
    for (const type of ["image/jpeg", "image/gif", "image/png", "image/bmp"]) {
      expect(checkMmsMedia({ type, size: MMS_MAX_BYTES })).toEqual({ ok: true });
    }
  });
  it("refuses other types, empty files and files over 250 kB, saying why", () => {
    expect(checkMmsMedia({ type: "image/webp", size: 10 })).toEqual({
      ok: false,
      reason: "MMS images must be JPG, GIF, PNG or BMP; this file is image/webp.",
    });
    expect(checkMmsMedia({ type: "image/jpeg", size: MMS_MAX_BYTES + 1 })).toEqual({
      ok: false,
      reason: "MMS images can be at most 250 kB; this one is 251 kB.",
    });
    expect(checkMmsMedia({ type: "image/gif", size: 0 })).toEqual({
      ok: false,
      reason: "The file is empty.",
    });
  });
});
