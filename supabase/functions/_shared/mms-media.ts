// MMS media limits (clicksend-api.md §2.4): one image up to about 250 kB; JPG and GIF are sent as
// they are, PNG and BMP go through ClickSend's upload with convert=mms first.
export const MMS_MAX_BYTES = 250 * 1024;
export const MMS_DIRECT_TYPES = ["image/jpeg", "image/gif"] as const;
export const MMS_CONVERTED_TYPES = ["image/png", "image/bmp"] as const;
export const MMS_ACCEPTED_TYPES: readonly string[] = [...MMS_DIRECT_TYPES, ...MMS_CONVERTED_TYPES];

export type MediaCheck = { ok: true } | { ok: false; reason: string };

export function checkMmsMedia(file: { type: string; size: number }): MediaCheck {
  if (!MMS_ACCEPTED_TYPES.includes(file.type)) {
    return {
      ok: false,
      reason: `MMS images must be JPG, GIF, PNG or BMP; this file is ${file.type || "of an unknown type"}.`,
    };
  }
  if (file.size > MMS_MAX_BYTES) {
    return {
      ok: false,
      reason: `MMS images can be at most 250 kB; this one is ${String(Math.ceil(file.size / 1024))} kB.`,
    };
  }
  if (file.size === 0) return { ok: false, reason: "The file is empty." };
  return { ok: true };
}
