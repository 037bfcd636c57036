import { useCallback } from "react";
import { useSearchParams } from "react-router";

import { RECEIPT_FILTERS, type ReceiptFilter } from "@/features/messages/utils/status";

function isReceiptFilter(value: string | null): value is ReceiptFilter {
  return RECEIPT_FILTERS.some((choice) => choice.value === value);
}

/**
 * The Receipts tab's status filter, kept in the URL (`receipt`) beside the tab and page of
 * useHistoryView; choosing one goes back to the first page.
 */
export function useReceiptsFilter() {
  const [search, setSearch] = useSearchParams();
  const param = search.get("receipt");
  const filter: ReceiptFilter | "" = isReceiptFilter(param) ? param : "";

  const setFilter = useCallback(
    (value: ReceiptFilter | "") => {
      setSearch(
        (current) => {
          const next = new URLSearchParams(current);
          if (value === "") next.delete("receipt");
          else next.set("receipt", value);
          next.delete("page");
          return next;
        },
        { preventScrollReset: true },
      );
    },
    [setSearch],
  );

  return { filter, setFilter };
}
