import { http, HttpResponse } from "msw";
import { z } from "zod";

import type { ConsentEvent, OptOut } from "@contracts/guardrails.ts";
import { restUrl } from "@/testing/msw/urls";

/**
 * A stand-in for the opt-out lists (public.clicksend_opt_outs and clicksend_consent_events under
 * RLS) and the two RPCs that change them, over a store a test seeds and reads back. The screens
 * that flag opted-out numbers (composer, Conversations) read the list; `optOutBackend()` with no
 * store answers an empty one.
 */
export type OptOutStore = {
  optOuts: OptOut[];
  events: ConsentEvent[];
  /** Each connection's ClickSend account (lower-cased), as the database reads it. */
  accounts: Record<string, string>;
  addCalls: unknown[];
  removeCalls: unknown[];
};

export function optOutStore(accounts: Record<string, string> = {}): OptOutStore {
  return { optOuts: [], events: [], accounts, addCalls: [], removeCalls: [] };
}

let nextEventId = 1;

/** Records a consent change in the store, as clicksend_set_consent does in the database. */
export function seedConsent(
  store: OptOutStore,
  change: Omit<ConsentEvent, "id" | "created_at"> & { at: string },
): void {
  const { at, ...event } = change;
  store.events.push({ ...event, id: nextEventId++, created_at: at });
  const same = (row: OptOut) =>
    row.account_username === event.account_username && row.phone === event.phone;
  if (event.action === "opt_in") {
    store.optOuts = store.optOuts.filter((row) => !same(row));
  } else if (!store.optOuts.some(same)) {
    const { account_username, phone, source } = event;
    store.optOuts.push({ account_username, phone, source, since: at });
  }
}

/** PostgREST's `column=eq.value` filters (the only ones these reads use). */
function eqFiltered<T extends object>(rows: T[], url: URL): T[] {
  return rows.filter((row) =>
    [...url.searchParams].every(([column, filter]) => {
      if (!filter.startsWith("eq.")) return true;
      return String((row as Record<string, unknown>)[column]) === filter.slice(3);
    }),
  );
}

const newestFirst = <T extends { created_at: string }>(rows: T[]) =>
  [...rows].sort((a, b) => b.created_at.localeCompare(a.created_at));

export function optOutBackend(store: OptOutStore = optOutStore()) {
  return [
    http.get(restUrl("/clicksend_opt_outs"), ({ request }) =>
      HttpResponse.json(
        eqFiltered(store.optOuts, new URL(request.url)).sort((a, b) =>
          b.since.localeCompare(a.since),
        ),
      ),
    ),
    http.get(restUrl("/clicksend_consent_events"), ({ request }) =>
      HttpResponse.json(newestFirst(eqFiltered(store.events, new URL(request.url)))),
    ),
    http.post(restUrl("/rpc/clicksend_opt_out_add"), async ({ request }) => {
      const body = z
        .object({ p_connection_id: z.string(), p_phone: z.string() })
        .parse(await request.json());
      store.addCalls.push(body);
      const account = store.accounts[body.p_connection_id];
      if (account === undefined) {
        return HttpResponse.json(
          { code: "22023", message: "no ClickSend connection with that id in your account" },
          { status: 400 },
        );
      }
      const added = !store.optOuts.some(
        (row) => row.account_username === account && row.phone === body.p_phone,
      );
      if (added) {
        seedConsent(store, {
          account_username: account,
          phone: body.p_phone,
          action: "opt_out",
          source: "manual",
          keyword: null,
          at: new Date().toISOString(),
        });
      }
      return HttpResponse.json({
        added,
        account_username: account,
        phone: body.p_phone,
        cancel: [],
      });
    }),
    http.post(restUrl("/rpc/clicksend_opt_out_remove"), async ({ request }) => {
      const body = z
        .object({ p_account_username: z.string(), p_phone: z.string() })
        .parse(await request.json());
      store.removeCalls.push(body);
      const there = store.optOuts.some(
        (row) => row.account_username === body.p_account_username && row.phone === body.p_phone,
      );
      if (there) {
        seedConsent(store, {
          account_username: body.p_account_username,
          phone: body.p_phone,
          action: "opt_in",
          source: "manual",
          keyword: null,
          at: new Date().toISOString(),
        });
      }
      return HttpResponse.json(there);
    }),
  ];
}

/**
 * No one opted out: the default answer of the test server, since the composer and Conversations
 * read the list on every page that has them. Tests about opt-outs use `optOutBackend(store)`.
 */
export function noOptOuts() {
  return [
    http.get(restUrl("/clicksend_opt_outs"), () => HttpResponse.json([])),
    http.get(restUrl("/clicksend_consent_events"), () => HttpResponse.json([])),
  ];
}
