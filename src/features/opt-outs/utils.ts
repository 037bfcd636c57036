import type { Connection } from "@contracts/connection-schemas.ts";
import { accountOf, type OptOutEntry } from "@/lib/opt-outs/get-opt-outs";

const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** An ISO time as a local date and time, e.g. "12 Mar 2026, 10:04". */
export function formatExact(iso: string): string {
  return exact.format(new Date(iso));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** How long ago, in the largest whole unit: "3 days ago", "yesterday", "just now". */
export function formatAgo(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  for (const [unit, size] of UNITS) {
    if (seconds >= size) return relative.format(-Math.floor(seconds / size), unit);
  }
  return "just now";
}

/** One ClickSend account: its list, and the connections that use it now (none once removed). */
export type AccountList = {
  account: string;
  connections: Connection[];
  entries: OptOutEntry[];
};

/**
 * The lists by account: every account a connection uses (even with an empty list), then every
 * account with numbers whose connections are all gone (the list outlives them), by name.
 */
export function groupByAccount(connections: Connection[], entries: OptOutEntry[]): AccountList[] {
  const accounts = new Map<string, AccountList>();
  const listOf = (account: string) => {
    let list = accounts.get(account);
    if (!list) {
      list = { account, connections: [], entries: [] };
      accounts.set(account, list);
    }
    return list;
  };
  for (const connection of connections) {
    const account = accountOf(connection);
    if (account !== null) listOf(account).connections.push(connection);
  }
  for (const entry of entries) listOf(entry.account_username).entries.push(entry);
  return [...accounts.values()].sort(
    (a, b) =>
      Number(b.connections.length > 0) - Number(a.connections.length > 0) ||
      a.account.localeCompare(b.account),
  );
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${new Intl.NumberFormat().format(count)} ${count === 1 ? one : many}`;
}
