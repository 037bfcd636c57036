// What every Edge Function shares at its edge: CORS, JSON responses, the one error shape
// {"error": {code, message, retryable}}, and zod-validated bodies.
import type { z } from "zod";

export const corsHeaders: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, x-client-info, apikey, content-type",
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
    readonly code: string,
    message: string,
    readonly retryable = false,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorResponse(error: ApiError): Response {
  return json(
    error.status,
    { error: { code: error.code, message: error.message, retryable: error.retryable } },
    error.headers,
  );
}

export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new ApiError(400, "invalid_json", "The request body must be a JSON object.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "body";
    throw new ApiError(400, "invalid_request", `${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

export type RouteHandler = (req: Request) => Promise<Response>;

/** CORS preflight, method dispatch (405 otherwise), and errors turned into JSON answers. */
export function serve(
  routes: Partial<Record<"GET" | "POST" | "PATCH" | "DELETE", RouteHandler>>,
  log: (line: string) => void,
): RouteHandler {
  return async (req) => {
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
