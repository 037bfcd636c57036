// A small route table for the /v3 API: "/sms/receipts/:id"-style patterns, 404 for unknown paths
// and 405 (with Allow) for known paths with another method.
import type { AccountState } from "./accounts.ts";
import type { SandboxContext } from "./context.ts";
import type { Reply } from "./envelope.ts";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface RouteRequest {
  method: Method;
  /** Path below /v3, e.g. "/sms/send". */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when empty. */
  body: unknown;
  contentType: string;
  account: AccountState;
}

type RouteHandler = (ctx: SandboxContext, req: RouteRequest) => Reply | Promise<Reply>;

export interface Route {
  method: Method;
  pattern: string;
  handler: RouteHandler;
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method"; allow: Method[] }
  | { kind: "none" };

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of want.entries()) {
    const actual = got[index] ?? "";
    if (segment.startsWith(":")) {
      if (actual === "") return undefined;
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined; // malformed %-escape
      }
    } else if (segment !== actual) {
      return undefined;
    }
  }
  return params;
}

export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const allow: Method[] = [];
  for (const route of routes) {
    const params = matchPattern(route.pattern, path);
    if (!params) continue;
    if (route.method === method) return { kind: "found", route, params };
    allow.push(route.method);
  }
  return allow.length > 0 ? { kind: "method", allow } : { kind: "none" };
}
