/**
 * Query keys of the Messages feature. Everything read through one connection sits under
 * `connection(id)`. The connections and their balances are shared: see `@/lib/connections`.
 */
export const messagesKeys = {
  all: ["messages"] as const,
  connection: (connectionId: string) => [...messagesKeys.all, "connection", connectionId] as const,
  histories: (connectionId: string) =>
    [...messagesKeys.connection(connectionId), "history"] as const,
  history: (connectionId: string, channel: "sms" | "mms", params: object) =>
    [...messagesKeys.histories(connectionId), channel, params] as const,
  /**
   * Everything read from our own database for one connection (the rows the receipt webhook and
   * the sends keep up to date). The live poll invalidates this prefix as soon as the stored
   * messages change, so a DB-backed query placed under it follows new receipts and sends at once.
   */
  stored: (connectionId: string) => [...messagesKeys.connection(connectionId), "stored"] as const,
  /**
   * A cheap fingerprint of the connection's stored messages, which the live poll reads often;
   * outside `stored` so that invalidating `stored` does not read it again.
   */
  storedSignature: (connectionId: string) =>
    [...messagesKeys.connection(connectionId), "stored-signature"] as const,
  /** Every page and lookup of delivery receipts asked of ClickSend. */
  allReceipts: (connectionId: string) =>
    [...messagesKeys.connection(connectionId), "receipts"] as const,
  receipts: (connectionId: string, params: object) =>
    [...messagesKeys.connection(connectionId), "receipts", params] as const,
  price: (connectionId: string, params: object) =>
    [...messagesKeys.connection(connectionId), "price", params] as const,
  /** Threads by contact and each thread's messages, read from our own database. */
  conversations: (connectionId: string) =>
    [...messagesKeys.connection(connectionId), "conversations"] as const,
  conversationList: (connectionId: string) =>
    [...messagesKeys.conversations(connectionId), "list"] as const,
  thread: (connectionId: string, contact: string) =>
    [...messagesKeys.conversations(connectionId), "thread", contact] as const,
  usages: () => [...messagesKeys.all, "usage"] as const,
  usage: (sinceDays: number) => [...messagesKeys.usages(), sinceDays] as const,
};
