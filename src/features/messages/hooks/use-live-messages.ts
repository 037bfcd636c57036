import { useQueryClient, type QueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

import { useStoredSignature } from "@/features/messages/api/get-stored-signature";
import { messagesKeys } from "@/features/messages/api/query-keys";
import { CLICKSEND_MIN_REFRESH_MS } from "@/lib/clicksend-freshness";
import { connectionKeys } from "@/lib/connections/query-keys";

export type LiveMessages = {
  /** False while our database cannot be read: nothing follows new receipts until it can. */
  ok: boolean;
  /** When ClickSend's data will be asked again for a change already seen (ms), or null. */
  refreshDueAt: number | null;
};

/** The queries answered by ClickSend for one connection: history, receipts, balance. */
function clickSendKeys(connectionId: string): QueryKey[] {
  return [
    messagesKeys.histories(connectionId),
    messagesKeys.allReceipts(connectionId),
    connectionKeys.balance(connectionId),
  ];
}

/**
 * When ClickSend was last asked for any of them (by this poll, Refresh, a send or a page
 * change); now while a request is in flight.
 */
function lastClickSendRequest(queryClient: QueryClient, connectionId: string): number {
  let last = 0;
  for (const queryKey of clickSendKeys(connectionId)) {
    for (const query of queryClient.getQueryCache().findAll({ queryKey })) {
      if (query.state.fetchStatus === "fetching") return Date.now();
      last = Math.max(last, query.state.dataUpdatedAt, query.state.errorUpdatedAt);
    }
  }
  return last;
}

function isHidden(): boolean {
  return document.visibilityState === "hidden";
}

/**
 * Keeps the Messages page following new sends and receipts without spending ClickSend's limits.
 * Our own database (where sends and the receipt webhook store every status) is polled while the
 * tab is visible; when it changes, the queries read from it (`messagesKeys.stored`, usage) are
 * read again at once, and the ones answered by ClickSend (history, receipts, balance) at most
 * every CLICKSEND_MIN_REFRESH_MS and never in a hidden tab. Invalidating only refetches what is
 * on screen, in place: filters and page (in the URL), rows and focus stay.
 */
export function useLiveMessages(connectionId: string): LiveMessages {
  const queryClient = useQueryClient();
  const signature = useStoredSignature(connectionId);
  const [due, setDue] = useState<{ connectionId: string; at: number } | null>(null);
  // Another connection starts from what it shows.
  const refreshDueAt = due?.connectionId === connectionId ? due.at : null;
  const seen = useRef<{ connectionId: string; fingerprint: string } | null>(null);

  // A send or receipt stored since the last read.
  useEffect(() => {
    if (!signature.data) return;
    const fingerprint = `${String(signature.data.total)}|${signature.data.lastChange ?? ""}`;
    const before = seen.current;
    seen.current = { connectionId, fingerprint };
    if (before?.connectionId !== connectionId || before.fingerprint === fingerprint) return;

    void queryClient.invalidateQueries({ queryKey: messagesKeys.stored(connectionId) });
    void queryClient.invalidateQueries({ queryKey: messagesKeys.usages() });
    setDue((current) =>
      current?.connectionId === connectionId
        ? current
        : {
            connectionId,
            at: Math.max(
              Date.now(),
              lastClickSendRequest(queryClient, connectionId) + CLICKSEND_MIN_REFRESH_MS,
            ),
          },
    );
  }, [signature.data, connectionId, queryClient]);

  // A send from this page (or a cancellation) is stored at once: read the database now rather
  // than at the next tick, so the faster pace starts with it.
  useEffect(
    () =>
      queryClient.getMutationCache().subscribe((event) => {
        if (event.type === "updated" && event.action.type === "success") {
          void queryClient.invalidateQueries({
            queryKey: messagesKeys.storedSignature(connectionId),
          });
        }
      }),
    [queryClient, connectionId],
  );

  // Ask ClickSend again once the interval since the last request has passed, in a visible tab.
  useEffect(() => {
    if (refreshDueAt === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      clearTimeout(timer);
      if (isHidden()) return; // the visibility listener tries again
      const earliest = lastClickSendRequest(queryClient, connectionId) + CLICKSEND_MIN_REFRESH_MS;
      if (Date.now() < earliest) {
        timer = setTimeout(refresh, earliest - Date.now());
        return;
      }
      setDue(null);
      for (const queryKey of clickSendKeys(connectionId)) {
        void queryClient.invalidateQueries({ queryKey });
      }
    };
    const onVisibilityChange = () => {
      if (!isHidden()) refresh();
    };
    timer = setTimeout(refresh, Math.max(0, refreshDueAt - Date.now()));
    document.addEventListener("visibilitychange", onVisibilityChange);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibilityChange);
    };
  }, [refreshDueAt, connectionId, queryClient]);

  return { ok: !signature.isError, refreshDueAt };
}
