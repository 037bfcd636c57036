// Test helpers: a typed fetch client for the sandbox and a push receiver. Not a test file itself.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import type { Envelope } from "./envelope.ts";
import { SANDBOX_API_KEY, SANDBOX_USERNAME, type Sandbox } from "./server.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = Record<string, Json>;

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Envelope<Json>;
}

export function basic(username: string, apiKey: string): string {
  return `Basic ${Buffer.from(`${username}:${apiKey}`).toString("base64")}`;
}

export interface Client {
  get(path: string, query?: Record<string, string | number>): Promise<ApiResponse>;
  post(path: string, body?: unknown): Promise<ApiResponse>;
  put(path: string, body?: unknown): Promise<ApiResponse>;
  del(path: string): Promise<ApiResponse>;
}

export function client(
  sandbox: Sandbox,
  username = SANDBOX_USERNAME,
  apiKey = SANDBOX_API_KEY,
): Client {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number>,
  ): Promise<ApiResponse> => {
    const url = new URL(`${sandbox.url}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      url.searchParams.set(key, String(value));
    }
    const response = await fetch(url, {
      method,
      headers: {
        authorization: basic(username, apiKey),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Envelope<Json>,
    };
  };
  return {
    get: (path, query) => call("GET", path, undefined, query),
    post: (path, body) => call("POST", path, body),
    put: (path, body) => call("PUT", path, body),
    del: (path) => call("DELETE", path),
  };
}

/** Calls a /_sandbox control endpoint and returns its JSON. */
export async function control(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<JsonObject> {
  const response = await fetch(`${sandbox.origin}/_sandbox/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as JsonObject;
}

/** Narrows an envelope's data (or any JSON value) to an object, failing the test otherwise. */
export function obj(value: Json | undefined): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function arr(value: Json | undefined): Json[] {
  if (!Array.isArray(value)) throw new Error(`expected a JSON array, got ${JSON.stringify(value)}`);
  return value;
}

/** The messages[] of a send/price answer, as objects. */
export function messagesOf(response: ApiResponse): JsonObject[] {
  return arr(obj(response.body.data).messages).map(obj);
}

/** The rows of a paginated answer. */
export function rowsOf(response: ApiResponse): JsonObject[] {
  return arr(obj(response.body.data).data).map(obj);
}

export function keys(value: Json | undefined): string[] {
  return Object.keys(obj(value)).sort();
}

export const sorted = (list: readonly string[]): string[] => [...list].sort();

/** Polls `check` until it passes or the time is up (for real-timer receipts and pushes). */
export async function eventually(
  check: () => Promise<void> | void,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** A JSON string or number as text; fails the test for anything else. */
export function str(value: Json | undefined): string {
  if (typeof value === "string" || typeof value === "number") return String(value);
  throw new Error(`expected a JSON string or number, got ${JSON.stringify(value)}`);
}

// Asymmetric matchers typed as unknown rather than any, for strictly linted object literals.
export const anyNumber: unknown = expect.any(Number);
export const anyString: unknown = expect.any(String);
export const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);

export const UUID_UPPER = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

/** One request a Recorder received. */
interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  query: URLSearchParams;
  contentType: string;
  body: string;
}

/** A push receiver that records every request and answers 200, or `answers` in turn first. */
export interface Recorder {
  /** http://127.0.0.1:<port>/hooks?token=s3cret: a URL with a secret token, as advised. */
  url: string;
  requests: RecordedRequest[];
  answers: number[];
  clear(): void;
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = req.url ?? "/";
      recorder.requests.push({
        method: req.method ?? "",
        url,
        query: new URL(url, "http://receiver").searchParams,
        contentType: req.headers["content-type"] ?? "",
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(recorder.answers.shift() ?? 200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const recorder: Recorder = {
    url: `http://127.0.0.1:${String(port)}/hooks?token=s3cret`,
    requests: [],
    answers: [],
    clear: () => {
      recorder.requests = [];
      recorder.answers = [];
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
  return recorder;
}
