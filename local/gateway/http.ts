// Small HTTP helpers shared by the gateway's parts.
import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_BODY_BYTES = 6 * 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(
      typeof body === "object" && body !== null && "message" in body
        ? String(body.message)
        : `HTTP ${String(status)}`,
    );
  }
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit)
      throw new HttpError(413, { message: `request body larger than ${String(limit)} bytes` });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  // The client may have gone while the answer was being worked out: nobody is left to read it.
  if (res.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

/** Whether the client is still waiting for this response, and a signal for when it stops. */
export interface ClientWatch {
  /** True once the client closed its connection before the response finished. */
  gone(): boolean;
  /** Aborted when the client goes: cancels upstream requests and other abandonable work. */
  readonly signal: AbortSignal;
}

const watches = new WeakMap<ServerResponse, ClientWatch>();

/**
 * The client of `res`, watched from the first call on (the gateway calls this on arrival, so
 * handlers share one watch). A response that finished normally never counts as abandoned.
 */
export function watchClient(res: ServerResponse): ClientWatch {
  const known = watches.get(res);
  if (known !== undefined) return known;
  const controller = new AbortController();
  const check = (): void => {
    if (!res.writableFinished && !controller.signal.aborted) {
      controller.abort(new Error("the client closed the connection"));
    }
  };
  res.once("close", check);
  res.req.once("aborted", check);
  if (res.destroyed) check();
  const watch: ClientWatch = {
    gone: () => controller.signal.aborted || (res.destroyed && !res.writableFinished),
    signal: controller.signal,
  };
  watches.set(res, watch);
  return watch;
}

/** The bearer token of a request, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

export function apiKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.apikey;
  return (
    (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("apikey") ?? undefined
  );
}
