import { countSmsSegments, isGsm7 } from "@/features/messages/utils/backend";
import {
  MMS_BODY_MAX,
  MMS_UNICODE_BODY_MAX,
} from "@/features/messages/components/composer/compose-schema";
import { plural } from "@/features/messages/utils/format";

type SegmentCounterProps = {
  id: string;
  channel: "sms" | "mms";
  body: string;
};

/** The characters that are not in GSM-7 and so switch the whole SMS to UCS-2. */
function unicodeCharacters(body: string): string[] {
  return [...new Set(Array.from(body).filter((char) => !isGsm7(char)))].slice(0, 5);
}

/**
 * Live length of the message: for SMS the encoding, billed characters and segments (by the same
 * counter the server bills with); for MMS the characters left. Screen readers hear segment and
 * encoding changes only, not every keystroke.
 */
export function SegmentCounter({ id, channel, body }: SegmentCounterProps) {
  if (channel === "mms") {
    const max = isGsm7(body) ? MMS_BODY_MAX : MMS_UNICODE_BODY_MAX;
    return (
      <p id={id} className="text-sm text-slate-600 tabular-nums dark:text-slate-300">
        {`${String(body.length)} of ${String(max)} characters`}
      </p>
    );
  }

  const count = countSmsSegments(body);
  const unicode = count.encoding === "UCS-2" ? unicodeCharacters(body) : [];
  return (
    <div className="space-y-1 text-sm text-slate-600 dark:text-slate-300">
      <p id={id} className="flex flex-wrap gap-x-3 gap-y-1 tabular-nums">
        <span>{count.encoding}</span>
        <span>{plural(count.characters, "character")}</span>
        <span>{plural(count.segments, "segment")}</span>
        <span>{`${String(count.remainingInSegment)} left in this segment`}</span>
      </p>
      {unicode.length > 0 ? (
        <p>
          Unicode (UCS-2) because of {unicode.join(" ")}: each segment holds{" "}
          {count.segments > 1 ? "67" : "70"} characters instead of{" "}
          {count.segments > 1 ? "153" : "160"}.
        </p>
      ) : null}
      <p role="status" className="sr-only">
        {count.segments > 0 ? `${plural(count.segments, "segment")}, ${count.encoding}` : ""}
      </p>
    </div>
  );
}
