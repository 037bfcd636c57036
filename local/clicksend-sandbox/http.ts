// Reading request bodies and query parameters.
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { badRequest } from "./envelope.ts";

/** Big enough for a base64 upload of a few megabytes; ClickSend's own cap is not documented. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw badRequest("Request body too large.");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** JSON body, or undefined when empty. Invalid JSON is a 400, as a PHP API would answer. */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
}

/** Validates a body against a schema; the first issue becomes the 400 message. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw badRequest(`${where}${issue?.message ?? "invalid request"}`);
}

/** A non-negative integer query parameter; undefined when absent or not an integer. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || !/^\s*-?\d+\s*$/.test(raw)) return undefined;
  return Number.parseInt(raw, 10);
}
