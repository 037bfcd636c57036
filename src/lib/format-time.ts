/**
 * "in 5 h", "in 35 min", "in under a minute": how far off a moment is, roughly, for a refusal's
 * "opens again" or an approval's expiry. A moment already past reads "now".
 */
export function timeUntil(at: Date, now: Date = new Date()): string {
  const minutes = Math.ceil((at.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return "now";
  if (minutes === 1) return "in under a minute";
  if (minutes < 60) return `in ${String(minutes)} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `in ${String(hours)} h` : `in ${String(hours)} h ${String(rest)} min`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A moment in the user's own zone and words, e.g. "2 Dec 2026, 15:04". */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}
