/**
 * Query keys of the user's ClickSend connections and their balances. Every feature that shows a
 * connection reads it under these keys, so a change to a connection invalidates exactly them.
 */
export const connectionKeys = {
  all: ["connections"] as const,
  list: () => [...connectionKeys.all, "list"] as const,
  balances: () => [...connectionKeys.all, "balance"] as const,
  balance: (connectionId: string) => [...connectionKeys.balances(), connectionId] as const,
};
