// The pure modules the Edge Functions use, so the composer counts, normalises and checks exactly
// as the server will. One import path for the whole feature.
export type { HistoryRow, Receipt } from "@contracts/clicksend-types.ts";
export { MMS_ACCEPTED_TYPES, MMS_MAX_BYTES, checkMmsMedia } from "@contracts/mms-media.ts";
export { toE164 } from "@contracts/phone.ts";
export { countSmsSegments, isGsm7 } from "@contracts/sms-segments.ts";
export {
  composerMediaUrl,
  MMS_SUBJECT_MAX,
  toolArgumentSchemas,
  UNCONFIRMED_SEND_STATUS,
} from "@contracts/tool-catalog.ts";
