import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";

import { refreshConnections } from "@/features/integrations/api/refresh-connections";
import { connectionKeys } from "@/lib/connections/query-keys";

function seeded() {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
  const keys = {
    list: connectionKeys.list(),
    changed: connectionKeys.balance("c-1"),
    other: connectionKeys.balance("c-2"),
    unrelated: ["messages", "usage", 30],
  };
  for (const key of Object.values(keys)) client.setQueryData(key, { seeded: true });
  const invalidated = (key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated;
  return { client, keys, invalidated };
}

describe("refreshConnections", () => {
  it("invalidates exactly the connection list, leaving every other query alone", async () => {
    const { client, keys, invalidated } = seeded();
    await refreshConnections(client);

    expect(invalidated(keys.list)).toBe(true);
    expect(invalidated(keys.changed)).toBe(false);
    expect(invalidated(keys.other)).toBe(false);
    expect(invalidated(keys.unrelated)).toBe(false);
  });

  it("stores the balance the server just read, under the key every screen reads", async () => {
    const { client, keys, invalidated } = seeded();
    const account = { username: "sandbox_user", balance: 12.34, currency: "AUD" };
    await refreshConnections(client, { connectionId: "c-1", account });

    expect(client.getQueryData(keys.changed)).toEqual(account);
    expect(invalidated(keys.changed)).toBe(false);
    expect(invalidated(keys.list)).toBe(true);
  });
});
