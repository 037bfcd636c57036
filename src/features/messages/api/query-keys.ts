/**
 * Query keys of the Messages feature. Everything read through one connection sits under
 * `connection(id)`, so a send can invalidate that connection's history and balance in one call.
 */
export const messagesKeys = {
  all: ["messages"] as const,
  connections: () => [...messagesKeys.all, "connections"] as const,
  connection: (connectionId: string) => [...messagesKeys.all, "connection", connectionId] as const,
  balance: (connectionId: string) => [...messagesKeys.connection(connectionId), "balance"] as const,
  histories: (connectionId: string) =>
    [...messagesKeys.connection(connectionId), "history"] as const,
  history: (connectionId: string, channel: "sms" | "mms", params: object) =>
    [...messagesKeys.histories(connectionId), channel, params] as const,
  receipts: (connectionId: string, params: object) =>
    [...messagesKeys.connection(connectionId), "receipts", params] as const,
  price: (connectionId: string, params: object) =>
    [...messagesKeys.connection(connectionId), "price", params] as const,
  usages: () => [...messagesKeys.all, "usage"] as const,
  usage: (sinceDays: number) => [...messagesKeys.usages(), sinceDays] as const,
};
