// A Supabase backend inside the test process, for unit tests of the server modules: a real
// supabase-js client (the one the functions use) whose every request is recorded and answered
// by the test's handlers, an RPC by name and a table by method. What a module asked of the
// database, in which order and with which arguments, is then plain data to check; a request no
// handler expects answers 500 (as PostgREST would for a broken query) and is kept in
// `unhandled`. Nothing here listens on a socket, and realtime is refused outright.
import { createClient, type SupabaseClientOptions } from "@supabase/supabase-js";
import type { Database } from "../contracts/database.types.ts";
import type { Db } from "../supabase.ts";

export interface BackendRequest {
  /** GET, HEAD, POST, PATCH or DELETE. */
  method: string;
  /** A database function (POST /rest/v1/rpc/<name>) or a table or view (/rest/v1/<name>). */
  kind: "rpc" | "table";
  name: string;
  /** The query string: filters such as id=eq.…, select, and a GET RPC's arguments. */
  query: URLSearchParams;
  /** The parsed JSON body (an RPC's named arguments, a row to insert or update), or null. */
  body: unknown;
  headers: Headers;
}

export interface BackendAnswer {
  status?: number;
  /** JSON to answer; omitted = an empty body (204 unless `status` says otherwise). */
  body?: unknown;
  headers?: Record<string, string>;
}

type BackendHandler = (request: BackendRequest) => BackendAnswer | Promise<BackendAnswer>;

export interface FakeBackend {
  /** The client to hand the module under test, as its caller's or the service client. */
  db: Db;
  /** Every request, in the order they were made. */
  requests: BackendRequest[];
  /** Requests that no handler was registered for (each was answered 500). */
  unhandled: BackendRequest[];
  /** Answers calls of the database function `name` (replacing an earlier handler). */
  rpc(name: string, answer: BackendHandler | BackendAnswer): FakeBackend;
  /** Answers `method` requests to the table or view `name` (replacing an earlier handler). */
  table(method: string, name: string, answer: BackendHandler | BackendAnswer): FakeBackend;
  /** The requests made to a function or table, in order. */
  calls(name: string): BackendRequest[];
  /** The named arguments of each call to the database function `name`, in order. */
  rpcArgs(name: string): Record<string, unknown>[];
}

/** A 200 (or `status`) answer with a JSON body: an RPC's result, rows, a single object. */
export function reply(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return { status, body, headers } satisfies BackendAnswer;
}

/** PostgREST's error answer: {code, message, details, hint} with an HTTP status. */
export function pgError(status: number, code: string, message = `error ${code}`): BackendAnswer {
  return { status, body: { code, message, details: null, hint: null } };
}

/** PostgREST's answer to .single() when no row is visible. */
export const noRow: BackendAnswer = pgError(
  406,
  "PGRST116",
  "JSON object requested, multiple (or no) rows returned",
);

/** The realtime client is built eagerly; it gets a transport that cannot be opened. */
const noRealtime = function noRealtime(): never {
  throw new Error("the fake backend has no realtime");
} as unknown as NonNullable<NonNullable<SupabaseClientOptions<"public">["realtime"]>["transport"]>;

function parseBody(text: string | null): unknown {
  if (text === null || text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function argumentsOf(request: BackendRequest): Record<string, unknown> {
  if (request.method === "GET" || request.method === "HEAD")
    return Object.fromEntries(request.query);
  const body = request.body;
  return body !== null && typeof body === "object" && !Array.isArray(body)
    ? { ...(body as Record<string, unknown>) }
    : {};
}

export function fakeBackend(options: { url?: string; key?: string } = {}): FakeBackend {
  const url = options.url ?? "http://backend.test";
  const handlers = new Map<string, BackendHandler>();
  const requests: BackendRequest[] = [];
  const unhandled: BackendRequest[] = [];
  const keyOf = (kind: "rpc" | "table", method: string, name: string): string =>
    kind === "rpc" ? `rpc ${name}` : `${method} ${name}`;
  const asHandler = (answer: BackendHandler | BackendAnswer): BackendHandler =>
    typeof answer === "function" ? answer : () => answer;

  const fetchImpl = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const target = new URL(input instanceof Request ? input.url : input.toString());
    const method = (init?.method ?? "GET").toUpperCase();
    const path = target.pathname.replace(/^\/rest\/v1\//, "");
    const rpc = path.startsWith("rpc/");
    const request: BackendRequest = {
      method,
      kind: rpc ? "rpc" : "table",
      name: rpc ? path.slice("rpc/".length) : path,
      query: target.searchParams,
      body: parseBody(typeof init?.body === "string" ? init.body : null),
      headers: new Headers(init?.headers),
    };
    requests.push(request);
    const handler = handlers.get(keyOf(request.kind, method, request.name));
    let answer: BackendAnswer;
    if (handler === undefined) {
      unhandled.push(request);
      answer = pgError(500, "XX000", `fake backend: nothing answers ${method} ${path}`);
    } else {
      answer = await handler(request);
    }
    const status = answer.status ?? (answer.body === undefined ? 204 : 200);
    const text = answer.body === undefined || status === 204 ? null : JSON.stringify(answer.body);
    return new Response(method === "HEAD" ? null : text, {
      status,
      headers: { "content-type": "application/json", ...answer.headers },
    });
  };

  const backend: FakeBackend = {
    db: createClient<Database>(url, options.key ?? "service-role-key", {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: { fetch: fetchImpl },
      realtime: { transport: noRealtime },
    }),
    requests,
    unhandled,
    rpc(name, answer) {
      handlers.set(keyOf("rpc", "POST", name), asHandler(answer));
      return backend;
    },
    table(method, name, answer) {
      handlers.set(keyOf("table", method.toUpperCase(), name), asHandler(answer));
      return backend;
    },
    calls: (name) => requests.filter((request) => request.name === name),
    rpcArgs: (name) =>
      requests
        .filter((request) => request.kind === "rpc" && request.name === name)
        .map(argumentsOf),
  };
  return backend;
}
