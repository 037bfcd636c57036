/**
 * How long data asked of ClickSend (history, receipts, balance) stays fresh in the dashboard.
 * Those reads share the connection's ClickSend limits with the agents (1,000 requests an hour,
 * and 20 a minute for /account), so a window focus or a remount within this time shows the cache
 * instead of asking again; the Messages page's live poll refreshes them when our own database
 * says something changed, and Refresh always asks at once.
 */
export const CLICKSEND_STALE_MS = 5 * 60_000;

/** The live poll asks ClickSend again at most this often, however often the database changes. */
export const CLICKSEND_MIN_REFRESH_MS = 30_000;
