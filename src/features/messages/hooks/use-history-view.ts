import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";

const HISTORY_TABS = ["sms", "mms", "receipts"] as const;
export type HistoryTab = (typeof HISTORY_TABS)[number];

export type HistoryFilters = {
  /** YYYY-MM-DD, inclusive; "" for no bound. */
  from: string;
  /** YYYY-MM-DD, inclusive; "" for no bound. */
  to: string;
  /** A ClickSend history status, "" for all. */
  status: string;
  /** E.164 recipient, "" for all. */
  number: string;
};

export const NO_FILTERS: HistoryFilters = { from: "", to: "", status: "", number: "" };
const FILTER_KEYS = ["from", "to", "status", "number"] as const;

function isTab(value: string | null): value is HistoryTab {
  return HISTORY_TABS.some((tab) => tab === value);
}

/**
 * Which history tab, page, filters and receipt lookup are shown, kept in the URL so a reload,
 * a shared link and the Back button show the same view.
 */
export function useHistoryView() {
  const [search, setSearch] = useSearchParams();

  const tabParam = search.get("tab");
  const tab: HistoryTab = isTab(tabParam) ? tabParam : "sms";
  const pageNumber = Number(search.get("page"));
  const page = Number.isInteger(pageNumber) && pageNumber >= 1 ? pageNumber : 1;
  const messageId = search.get("message") ?? "";
  const from = search.get("from") ?? "";
  const to = search.get("to") ?? "";
  const status = search.get("status") ?? "";
  const number = search.get("number") ?? "";
  const filters = useMemo<HistoryFilters>(
    () => ({ from, to, status, number }),
    [from, to, status, number],
  );

  const update = useCallback(
    (change: (next: URLSearchParams) => void) => {
      setSearch(
        (current) => {
          const next = new URLSearchParams(current);
          change(next);
          return next;
        },
        { preventScrollReset: true },
      );
    },
    [setSearch],
  );

  const setTab = useCallback(
    (value: string) => {
      update((next) => {
        if (value === "sms") next.delete("tab");
        else next.set("tab", value);
        next.delete("page");
      });
    },
    [update],
  );

  const setPage = useCallback(
    (value: number) => {
      update((next) => {
        if (value <= 1) next.delete("page");
        else next.set("page", String(value));
      });
    },
    [update],
  );

  const setFilters = useCallback(
    (value: HistoryFilters) => {
      update((next) => {
        for (const key of FILTER_KEYS) {
          if (value[key] === "") next.delete(key);
          else next.set(key, value[key]);
        }
        next.delete("page");
      });
    },
    [update],
  );

  const setMessageId = useCallback(
    (value: string) => {
      update((next) => {
        if (value === "") next.delete("message");
        else next.set("message", value);
        next.delete("page");
      });
    },
    [update],
  );

  return { tab, setTab, page, setPage, filters, setFilters, messageId, setMessageId };
}
