// The HTTP side of a PostgREST request: method and path, the Accept/Prefer/Range/profile headers
// and the JSON body. Nothing here touches the database.
import type { IncomingHttpHeaders } from "node:http";
import { z } from "zod";
import { EXPOSED_SCHEMA } from "./catalog.ts";
import { RestError, unsupported } from "./errors.ts";

type Method = "GET" | "HEAD" | "POST" | "PATCH" | "DELETE";

type Target = { kind: "relation"; name: string } | { kind: "rpc"; name: string };

export interface Preferences {
  return: "minimal" | "representation" | "headers-only" | null;
  /** As asked: planned asks the planner (EXPLAIN), estimated counts exactly up to a cap. */
  count: "exact" | "planned" | "estimated" | null;
  resolution: "merge-duplicates" | "ignore-duplicates" | null;
  missing: "default" | "null" | null;
  handling: "strict" | "lenient" | null;
  tx: "commit" | "rollback" | null;
  maxAffected: number | null;
}

interface ResponseFormat {
  /** `Accept: application/vnd.pgrst.object+json`: exactly one row, answered as an object. */
  singular: boolean;
  /** `nulls=stripped`: keys whose value is null are left out. */
  stripNulls: boolean;
}

/** `Range: lower-[upper]` (items), inclusive. */
interface ItemRange {
  lower: number;
  upper: number | null;
}

export interface RestRequest {
  method: Method;
  target: Target;
  format: ResponseFormat;
  prefer: Preferences;
  range: ItemRange | null;
  query: URLSearchParams;
}

const METHODS = new Set<string>(["GET", "HEAD", "POST", "PATCH", "DELETE"]);

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

export function parseRequest(
  method: string | undefined,
  headers: IncomingHttpHeaders,
  url: URL,
  path: string,
): RestRequest {
  const target = parseTarget(path);
  const verb = (method ?? "GET").toUpperCase();
  if (verb === "PUT" && target.kind === "relation") {
    throw unsupported(
      "PUT (single-row upsert)",
      `PUT /${target.name}; use POST with Prefer: resolution=merge-duplicates`,
    );
  }
  if (!METHODS.has(verb)) {
    throw new RestError(405, "PGRST117", `Unsupported HTTP method: ${verb}`);
  }
  if (target.kind === "rpc" && (verb === "PATCH" || verb === "DELETE")) {
    throw new RestError(405, "PGRST101", `Cannot use the ${verb} method on RPC`);
  }
  const typed = verb as Method;
  checkProfile(header(headers, "accept-profile"));
  checkProfile(header(headers, "content-profile"));
  return {
    method: typed,
    target,
    format: parseAccept(header(headers, "accept")),
    prefer: parsePrefer(header(headers, "prefer")),
    range:
      typed === "GET" || typed === "HEAD"
        ? parseRange(header(headers, "range"), header(headers, "range-unit"))
        : null,
    query: url.searchParams,
  };
}

function parseTarget(path: string): Target {
  let segments: string[];
  try {
    segments = path
      .split("/")
      .filter((segment) => segment !== "")
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw new RestError(404, "PGRST125", "Invalid path specified in request URL");
  }
  const [first, second] = segments;
  if (first === undefined) {
    throw unsupported("the OpenAPI description at the root", "GET /rest/v1/");
  }
  if (segments.length === 1) return { kind: "relation", name: first };
  if (segments.length === 2 && first === "rpc" && second !== undefined) {
    return { kind: "rpc", name: second };
  }
  throw new RestError(404, "PGRST125", "Invalid path specified in request URL");
}

function checkProfile(profile: string | undefined): void {
  if (profile !== undefined && profile !== EXPOSED_SCHEMA) {
    throw new RestError(
      406,
      "PGRST106",
      `The schema must be one of the following: ${EXPOSED_SCHEMA}`,
      null,
      null,
    );
  }
}

const UNSUPPORTED_MEDIA = [
  "text/csv",
  "text/plain",
  "text/xml",
  "application/geo+json",
  "application/openapi+json",
  "application/octet-stream",
  "application/vnd.pgrst.plan",
];

function parseAccept(accept: string | undefined): ResponseFormat {
  if (accept === undefined || accept.trim() === "") return { singular: false, stripNulls: false };
  let unsupportedType: string | undefined;
  for (const entry of accept.split(",")) {
    const [rawType = "", ...rawParams] = entry.split(";");
    const type = rawType.trim().toLowerCase();
    const stripNulls = rawParams.some(
      (param) => param.trim().toLowerCase().replace(/\s/g, "") === "nulls=stripped",
    );
    if (type === "application/vnd.pgrst.object+json" || type === "application/vnd.pgrst.object") {
      return { singular: true, stripNulls };
    }
    if (type === "application/vnd.pgrst.array+json" || type === "application/vnd.pgrst.array") {
      return { singular: false, stripNulls };
    }
    if (type === "application/json" || type === "application/*" || type === "*/*") {
      return { singular: false, stripNulls: false };
    }
    if (UNSUPPORTED_MEDIA.some((media) => type.startsWith(media))) unsupportedType ??= type;
  }
  if (unsupportedType !== undefined) {
    throw unsupported(`the ${unsupportedType} media type`, `Accept: ${accept}`);
  }
  throw new RestError(406, "PGRST107", `None of these media types are available: ${accept}`);
}

const preferenceValues = {
  return: z.enum(["minimal", "representation", "headers-only"]),
  count: z.enum(["exact", "planned", "estimated"]),
  resolution: z.enum(["merge-duplicates", "ignore-duplicates"]),
  missing: z.enum(["default", "null"]),
  handling: z.enum(["strict", "lenient"]),
  tx: z.enum(["commit", "rollback"]),
  "max-affected": z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
};

function parsePrefer(prefer: string | undefined): Preferences {
  const result: Preferences = {
    return: null,
    count: null,
    resolution: null,
    missing: null,
    handling: null,
    tx: null,
    maxAffected: null,
  };
  const invalid: string[] = [];
  for (const raw of (prefer ?? "").split(",")) {
    const token = raw.trim();
    if (token === "") continue;
    const equals = token.indexOf("=");
    const key = (equals === -1 ? token : token.slice(0, equals)).trim().toLowerCase();
    const value = equals === -1 ? "" : token.slice(equals + 1).trim();
    if (key === "params" || key === "timezone") {
      throw unsupported(`Prefer: ${key}`, token);
    }
    switch (key) {
      case "return":
      case "count":
      case "resolution":
      case "missing":
      case "handling":
      case "tx": {
        const parsed = preferenceValues[key].safeParse(value);
        if (!parsed.success) invalid.push(token);
        else assign(result, key, parsed.data);
        break;
      }
      case "max-affected": {
        const parsed = preferenceValues["max-affected"].safeParse(value);
        if (!parsed.success) invalid.push(token);
        else result.maxAffected = parsed.data;
        break;
      }
      default:
        invalid.push(token);
    }
  }
  if (result.handling === "strict" && invalid.length > 0) {
    throw new RestError(
      400,
      "PGRST122",
      "Invalid preferences given with handling=strict",
      `Invalid preferences: ${invalid.join(", ")}`,
    );
  }
  return result;
}

function assign<K extends "return" | "count" | "resolution" | "missing" | "handling" | "tx">(
  target: Preferences,
  key: K,
  value: Preferences[K],
): void {
  target[key] = value;
}

function parseRange(range: string | undefined, unit: string | undefined): ItemRange | null {
  if (range === undefined || range.trim() === "") return null;
  if (unit !== undefined && unit.trim().toLowerCase() !== "items") {
    throw new RestError(
      416,
      "PGRST103",
      "Requested range not satisfiable",
      `Range-Unit must be items, not ${unit}`,
    );
  }
  const match = /^\s*(?:items=)?(\d+)-(\d*)\s*$/.exec(range);
  if (!match) {
    throw new RestError(
      416,
      "PGRST103",
      "Requested range not satisfiable",
      `Invalid Range header: ${range}`,
    );
  }
  const lower = Number(match[1]);
  const upper = match[2] === "" || match[2] === undefined ? null : Number(match[2]);
  if (
    !Number.isSafeInteger(lower) ||
    (upper !== null && (!Number.isSafeInteger(upper) || upper < lower))
  ) {
    throw new RestError(
      416,
      "PGRST103",
      "Requested range not satisfiable",
      `The range ${range} has its lower bound after its upper bound`,
    );
  }
  return { lower, upper };
}

export interface JsonPayload {
  /** The body exactly as sent: Postgres parses it, so numbers keep their precision. */
  text: string;
  value: unknown;
}

/** The JSON body of a POST/PATCH (PostgREST's PGRST102/PGRST107 on bad input). */
export function parseJsonBody(contentType: string | undefined, raw: Buffer): JsonPayload {
  const type = (contentType ?? "application/json").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "text/csv" || type === "application/x-www-form-urlencoded") {
    throw unsupported(`${type} request bodies`, `Content-Type: ${contentType ?? ""}`);
  }
  if (type !== "application/json" && !/^application\/[a-z.+-]*json$/.test(type)) {
    throw new RestError(415, "PGRST107", `Content-Type not acceptable: ${contentType ?? ""}`);
  }
  const text = raw.toString("utf8");
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch {
    throw new RestError(400, "PGRST102", "Empty or invalid json");
  }
}

const rowSchema = z.record(z.string(), z.unknown());
export type JsonRow = z.infer<typeof rowSchema>;

/** A body of one object or an array of objects (insert); PGRST102 otherwise. */
export function rowsOf(payload: JsonPayload): { rows: JsonRow[]; isArray: boolean } {
  const one = rowSchema.safeParse(payload.value);
  if (one.success && !Array.isArray(payload.value)) return { rows: [one.data], isArray: false };
  const many = z.array(rowSchema).safeParse(payload.value);
  if (many.success) return { rows: many.data, isArray: true };
  throw new RestError(
    400,
    "PGRST102",
    "Empty or invalid json",
    "The body must be a JSON object or an array of JSON objects",
  );
}

/** A body of exactly one object (update, RPC arguments); PGRST102 otherwise. */
export function objectOf(payload: JsonPayload, what: string): JsonRow {
  const one = rowSchema.safeParse(payload.value);
  if (one.success && !Array.isArray(payload.value)) return one.data;
  throw new RestError(
    400,
    "PGRST102",
    "Empty or invalid json",
    `The body of ${what} must be a JSON object`,
  );
}
