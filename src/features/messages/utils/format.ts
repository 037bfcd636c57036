const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Unix seconds as a local date and time; "—" when unknown. */
export function formatUnixTime(seconds: number | null): string {
  return seconds === null || seconds <= 0 ? "—" : dateTime.format(new Date(seconds * 1000));
}

/** An ISO 8601 time as a local date and time; the text as given when it is not a time. */
export function formatIsoTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : dateTime.format(new Date(time));
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
});
const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/**
 * An ISO 8601 time as briefly as is still clear: today's by its time, this year's by day and
 * time (or by day only with `dayOnly`), older ones by their date.
 */
export function formatRecent(iso: string, { dayOnly = false }: { dayOnly?: boolean } = {}): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const now = new Date();
  if (time.toDateString() === now.toDateString()) return timeOfDay.format(time);
  if (time.getFullYear() === now.getFullYear() && !dayOnly) return dayAndTime.format(time);
  return shortDate.format(time);
}

/** Unix seconds as ISO 8601 UTC, for exports; "" when unknown. */
export function unixToIso(seconds: number | null): string {
  return seconds === null || seconds <= 0 ? "" : new Date(seconds * 1000).toISOString();
}

export function formatPercent(ratio: number): string {
  return new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 0 }).format(
    ratio,
  );
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${new Intl.NumberFormat().format(count)} ${count === 1 ? one : many}`;
}
