// What every Edge Function shares at its edge: CORS, JSON responses, the one error shape
// {"error": {code, message, retryable}}, and zod-validated bodies.
import type { z } from "zod";
import type { ErrorCode } from "./contracts/errors.ts";

const corsHeaders: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers":
    "authorization, x-client-info, apikey, content-type, mcp-protocol-version",
  "access-control-allow-methods": "GET, POST, PATCH, DELETE, OPTIONS",
};

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** A failure the caller can act on; thrown inside handlers, answered by `serve`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly retryable = false,
    readonly headers: Record<string, string> = {},
    /** More fields of the error object, after code, message and retryable (e.g. a policy's). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The `error` object of the answer. */
  body(): Record<string, unknown> {
    return { code: this.code, message: this.message, retryable: this.retryable, ...this.extra };
  }
}

function errorResponse(error: ApiError): Response {
  return json(error.status, { error: error.body() }, error.headers);
}

/** No request needs more than a few levels; deeper bodies are refused before validation. */
const MAX_JSON_DEPTH = 32;

function jsonPath(path: readonly string[]): string {
  if (path.length === 0) return "body";
  return path.length > 4 ? `${path.slice(0, 4).join(".")}.…` : path.join(".");
}

/**
 * What no function accepts anywhere in a JSON body, whatever its schema, as "where: problem":
 * text with U+0000 (Postgres text and jsonb cannot store it), the key "__proto__" (objects built
 * from the body would silently drop it), and nesting deeper than MAX_JSON_DEPTH (recursive code
 * such as log redaction would overflow the stack). Iterative, so any depth is safe to inspect.
 */
export function unacceptableJson(value: unknown): string | null {
  const pending: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: item, path } = next;
    if (typeof item === "string") {
      if (item.includes("\u0000")) return `${jsonPath(path)}: must not contain a NUL character`;
      continue;
    }
    if (item === null || typeof item !== "object") continue;
    if (path.length >= MAX_JSON_DEPTH) {
      return `${jsonPath(path)}: nested more than ${String(MAX_JSON_DEPTH)} levels deep`;
    }
    const entries = Array.isArray(item)
      ? item.map((child, index): [string, unknown] => [String(index), child])
      : Object.entries(item);
    for (const [key, child] of entries) {
      const at = [...path, key];
      if (!Array.isArray(item) && key.includes("\u0000")) {
        return `${jsonPath(at)}: a key must not contain a NUL character`;
      }
      if (!Array.isArray(item) && key === "__proto__") {
        return `${jsonPath(at)}: "__proto__" is not an accepted key`;
      }
      pending.push({ value: child, path: at });
    }
  }
  return null;
}

export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new ApiError(400, "invalid_json", "The request body must be a JSON object.");
  }
  const problem = unacceptableJson(body);
  if (problem !== null) throw new ApiError(400, "invalid_request", problem);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "body";
    throw new ApiError(400, "invalid_request", `${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

export type RouteHandler = (req: Request) => Promise<Response>;

/** Equal secrets, compared in time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

/** The header the local gateway puts on every request it proxies to a function. */
export const GATEWAY_SECRET_HEADER = "x-gateway-secret";

/**
 * The client's IP address as the gateway in front saw it: the first entry of X-Forwarded-For,
 * trimmed (the local gateway sets the header to the socket's address, replacing whatever the
 * client sent). Null when there is none.
 */
export function clientAddress(req: Request): string | null {
  const first = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return first === undefined || first === "" ? null : first;
}

export interface ServeOptions {
  /**
   * FUNCTIONS_GATEWAY_SECRET: when set (the local stack sets it, per start), every request must
   * carry it in the x-gateway-secret header, so a function's own port is no way around the
   * gateway's verify_jwt. Unset on Supabase, where the platform gateway is the only way in.
   */
  gatewaySecret: string | undefined;
}

/**
 * The gateway's secret check, CORS preflight, method dispatch (405 otherwise), and errors turned
 * into JSON answers.
 */
export function serve(
  routes: Partial<Record<"GET" | "POST" | "PATCH" | "DELETE", RouteHandler>>,
  log: (line: string) => void,
  // Required, so a function cannot forget to pass FUNCTIONS_GATEWAY_SECRET.
  options: ServeOptions,
): RouteHandler {
  const { gatewaySecret } = options;
  return async (req) => {
    if (
      gatewaySecret !== undefined &&
      !sameSecret(req.headers.get(GATEWAY_SECRET_HEADER) ?? "", gatewaySecret)
    ) {
      return errorResponse(
        new ApiError(401, "unauthorized", "Call this function through the API gateway."),
      );
    }
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: corsHeaders });
    const route = routes[req.method as keyof typeof routes];
    if (!route) {
      return errorResponse(
        new ApiError(405, "method_not_allowed", `Use ${Object.keys(routes).join(", ")}.`, false, {
          allow: Object.keys(routes).join(", "),
        }),
      );
    }
    try {
      return await route(req);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error);
      log(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
      return errorResponse(
        new ApiError(500, "internal_error", "Something went wrong on our side; try again.", true),
      );
    }
  };
}
