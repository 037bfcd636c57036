const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD (what <input type="date"> gives). */
export function isDay(value: string): boolean {
  const match = DAY_PATTERN.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number);
  const date = new Date(year ?? 0, (month ?? 0) - 1, day ?? 0);
  return date.getMonth() === (month ?? 0) - 1 && date.getDate() === day;
}

/**
 * The instant a local calendar day starts, as ISO 8601, optionally some days later: the range
 * "1 to 3 September" is [start of 1 Sep, start of 4 Sep) in the user's own time zone.
 */
export function startOfLocalDay(day: string, addDays = 0): string {
  const [year = 0, month = 1, date = 1] = day.split("-").map(Number);
  return new Date(year, month - 1, date + addDays).toISOString();
}

/** A <input type="datetime-local"> value as an ISO 8601 instant; null when not a valid time. */
export function localDateTimeToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

/** Today as YYYY-MM-DD in local time, e.g. for an export's file name. */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${String(now.getFullYear())}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
