// What the unit tests of the _shared modules set up alike: one caller (user, connection, agent),
// the functions' env pointed at the fake ClickSend, the fake's lifetime around a file's (or a
// describe's) tests, clicksend_prepare_call's "ready" answer and the ready call it becomes, and
// the ApiError a promise must reject with.
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { ClickSendClient } from "../clicksend/client.ts";
import type { FunctionEnv } from "../env.ts";
import { ApiError } from "../http.ts";
import type { ReadyCall, ReservedRow } from "../prepared-call.ts";
import { fakeBackend, type BackendRequest, type FakeBackend } from "./fake-backend.ts";
import { startFakeClickSend, type FakeClickSend } from "./fake-clicksend.ts";

export const USER = "5f1d8a0e-3c2b-4e7f-9a61-2b8c4d6e0f13";
export const CONNECTION = "0b7e1c52-7d0a-4c59-9a51-3d2f6f1a9e01";
export const AGENT = "9c3e5a71-1b2d-4f60-8e94-7a0b1c2d3e4f";
/** CONNECTION's ClickSend account, as clicksend_prepare_call names it. */
export const ACCOUNT = { connection_id: CONNECTION, name: "Shop", username: "shop_user" };

/** The functions' env for the fake backend, with ClickSend at `clicksendApiBase` (300 ms timeout). */
export function testEnv(clicksendApiBase: string): FunctionEnv {
  return {
    SUPABASE_URL: "http://backend.test",
    SUPABASE_ANON_KEY: "anon",
    SUPABASE_SERVICE_ROLE_KEY: "service",
    CLICKSEND_API_BASE: clicksendApiBase,
    CLICKSEND_TIMEOUT_MS: 300,
  };
}

/**
 * The fake ClickSend for the tests of the enclosing file or describe: started before them (handed
 * to `started`), reset before each (before the caller's own beforeEach hooks registered after
 * this call), closed after them.
 */
export function useFakeClickSend(started: (clicksend: FakeClickSend) => void): void {
  let clicksend: FakeClickSend | undefined;
  beforeAll(async () => {
    clicksend = await startFakeClickSend();
    started(clicksend);
  });
  afterAll(async () => {
    await clicksend?.close();
  });
  beforeEach(() => {
    clicksend?.reset();
  });
}

/** The fakes a test of a module that calls ClickSend and the database uses. */
interface Fakes {
  clicksend: FakeClickSend;
  /** A fresh one for each test. */
  backend: FakeBackend;
  /** testEnv pointed at `clicksend`. */
  env: FunctionEnv;
}

/** useFakeClickSend for the enclosing file or describe, and the fakes handed to `use` before each test. */
export function useFakes(use: (fakes: Fakes) => void): void {
  let clicksend: FakeClickSend | undefined;
  useFakeClickSend((started) => {
    clicksend = started;
  });
  beforeEach(() => {
    if (clicksend === undefined) throw new Error("the fake ClickSend has not started");
    use({ clicksend, backend: fakeBackend(), env: testEnv(clicksend.baseUrl) });
  });
}

/** The ApiError `promise` rejects with; a fulfilment or any other error fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => new Error("expected a rejection"),
    (caught: unknown) => caught,
  );
  if (error instanceof ApiError) return error;
  throw error;
}

/** clicksend_prepare_call's p_send, as the tests read it. */
export interface PrepareSend {
  recipients: string[];
  first_index: number;
  total: number;
  idempotency_key: string;
}

/** The p_send of a clicksend_prepare_call request (undefined for a read or a probe). */
export const prepareSendOf = (request: BackendRequest): PrepareSend | undefined =>
  (request.body as { p_send?: PrepareSend }).p_send;

/** clicksend_prepare_call's "ready" answer: USER's CONNECTION, call 41, nothing reserved; `extra` over it. */
export const readyAnswer = (extra: Record<string, unknown> = {}) => ({
  outcome: "ready",
  user_id: USER,
  connection_id: CONNECTION,
  account: ACCOUNT,
  username: "shop_user",
  api_key: "API-KEY-1234",
  country: "AU",
  call_ids: [41],
  rows: [],
  ...extra,
});

/** One reserved row per recipient, with ids row-<index> counted from `from`. */
export const reservedRows = (
  recipients: readonly string[],
  idempotencyKey: string,
  from = 0,
): ReservedRow[] =>
  recipients.map((recipient, i) => ({
    id: `row-${String(from + i)}`,
    recipient,
    idempotency_key: idempotencyKey,
    status: "pending",
  }));

/** A ready call on USER's CONNECTION through `client` (call 1, nothing reserved); `extra` over it. */
export const readyCall = (client: ClickSendClient, extra: Partial<ReadyCall> = {}): ReadyCall => ({
  outcome: "ready",
  userId: USER,
  connectionId: CONNECTION,
  account: ACCOUNT,
  client,
  country: "AU",
  callIds: [1],
  rows: [],
  ...extra,
});
