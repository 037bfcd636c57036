// clicksend-inbound (ClickSend's reply push) with bad input, through the whole stack, in each of
// the inbound rule's formats (a form POST, a GET with the fields in the query, a JSON POST):
// every token but the connection's is 401 whatever the body; with the right token, a push with
// one field broken, or with no usable message_id or from, is refused and stores nothing; and no
// timestamp, however impossible, makes it fail. See support.ts for what every answer must be and
// how "nothing changed" is checked.
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/inbound.test.ts
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CONTENT_TYPES,
  deeplyNested,
  expectBadRequest,
  functionError,
  type JsonObject,
  MISSING,
  type Reply,
  runs,
  serialize,
  smallJson,
  tooLong,
  useBadInputStack,
  withField,
  withNul,
} from "./support.ts";

const bad = useBadInputStack();
const { send, unchanged } = bad;

/** The largest push the function reads (MAX_PUSH_BYTES); larger ones are 413. */
const MAX_PUSH_BYTES = 64 * 1024;
/**
 * A GET push's fields are in its URL, and the HTTP server in front refuses a request line and
 * headers over 16 kB itself (431, before any function): queries this long may get that answer.
 */
const LONG_QUERY_BYTES = 8 * 1024;
/** The latest instant a reply keeps (Postgres cannot read a later one's ISO text). */
const LAST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const FORMATS = ["form", "get", "json"] as const;
type Format = (typeof FORMATS)[number];

/** A push's fields as sent: a JSON body, or a form body or query (every value as text). */
function encode(format: Format, fields: JsonObject): string {
  if (format === "json") return serialize(fields);
  return new URLSearchParams(
    Object.entries(fields).map(([key, value]): [string, string] => [key, String(value)]),
  ).toString();
}

/** A push's fields (strings for a form or a query; any JSON for a JSON push) sent as `format`. */
function push(
  format: Format,
  fields: JsonObject,
  query = `?token=${bad.inboundToken}`,
): Promise<Reply> {
  const encoded = encode(format, fields);
  if (format === "get") return get(query, encoded);
  return send("clicksend-inbound", "POST", encoded, {
    contentType: format === "json" ? "application/json" : "application/x-www-form-urlencoded",
    query,
  });
}

/** A GET push: the token's query, then the fields, as ClickSend appends them to the rule's URL. */
function get(query: string, fields: string): Promise<Reply> {
  const joined = query === "" ? `?${fields}` : `${query}&${fields}`;
  return send("clicksend-inbound", "GET", undefined, { contentType: null, query: joined });
}

/** A GET too long for the HTTP server in front, refused by it (431) before any function. */
function refusedForLength(reply: Reply, format: Format | "post", encoded: string): boolean {
  return (
    format === "get" &&
    Buffer.byteLength(encoded) > LONG_QUERY_BYTES &&
    (reply.status === 431 || reply.status === 414)
  );
}

/**
 * A push refused as it must be: 413 over 64 kB (a POST), else 400 invalid_reply naming `field`;
 * a GET whose query is too long for the HTTP server may be refused by it instead.
 */
function expectRefused(reply: Reply, format: Format, fields: JsonObject, field?: string): void {
  const encoded = encode(format, fields);
  if (refusedForLength(reply, format, encoded)) return;
  if (format !== "get" && Buffer.byteLength(encoded) > MAX_PUSH_BYTES) {
    expect(reply.status, reply.text.slice(0, 300)).toBe(413);
    expect(functionError(reply).code).toBe("invalid_reply");
    return;
  }
  expectBadRequest(reply, ["invalid_reply"], field);
}

let pushes = 0;
/** A push ClickSend could send: a reply to no message of ours, with every field filled in. */
function validPush(): Record<string, string> {
  pushes += 1;
  return {
    message_id: `BAD-INPUT-IN-${String(pushes)}-${String(Date.now())}`,
    from: "+61411111111",
    to: "+61400000000",
    body: "Yes please",
    original_message_id: "NO-SUCH-MESSAGE-1",
    custom_string: "ref-1",
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
}

/** Keys ClickSend's reply pushes use (with its legacy duplicates), and a few it does not. */
const PUSH_KEYS = [
  "message_id",
  "from",
  "sms",
  "to",
  "body",
  "message",
  "original_message_id",
  "originalmessageid",
  "custom_string",
  "customstring",
  "timestamp",
  "timestamp_send",
  "originalbody",
  "original_body",
  "user_id",
  "subaccount_id",
  "keyword",
];

const pushValue = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "+61411111111", "1e400", "-1", "99999999999999", "NaN"),
  fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String),
  fc.integer({ min: 65, max: 6000 }).map((length) => "x".repeat(length)),
);

/** Form or JSON pushes (below 64 kB) whose keys are never among `without`. */
function pushesWithout(
  without: readonly string[],
): fc.Arbitrary<{ format: Format; fields: JsonObject }> {
  const key = fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom(...PUSH_KEYS) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
      fc.constantFrom(...without).map((name) => name.toUpperCase()),
      fc.constantFrom(...without).map((name) => ` ${name}`),
    )
    .filter((name) => !without.includes(name));
  const pairs = fc.array(fc.tuple(key, pushValue), { maxLength: 8 });
  return fc.oneof(
    fc.tuple(fc.constantFrom<Format>("form", "get"), pairs).map(([format, entries]) => ({
      format,
      fields: Object.fromEntries(entries),
    })),
    fc
      .array(fc.tuple(key, fc.oneof(pushValue, smallJson)), { maxLength: 8 })
      .map((entries) => ({ format: "json" as const, fields: Object.fromEntries(entries) })),
  );
}

/** The keys a body holds as the function reads it: JSON for a JSON content type, else a form. */
function keysOf(body: string, contentType: string): string[] {
  if (contentType.toLowerCase().includes("json")) {
    try {
      const parsed = JSON.parse(body) as unknown;
      return parsed !== null && typeof parsed === "object" ? Object.keys(parsed) : [];
    } catch {
      return [];
    }
  }
  return [...new URLSearchParams(body).keys()];
}

/** Any body at all up to 64 kB: forms (valid pushes too), JSON of any shape, text, empty. */
const anyBody: fc.Arbitrary<string> = fc
  .oneof(
    fc
      .array(fc.tuple(fc.constantFrom(...PUSH_KEYS), pushValue), { maxLength: 8 })
      .map((pairs) => new URLSearchParams(pairs).toString()),
    fc.constant(null).map(() => new URLSearchParams(validPush()).toString()),
    fc.constant(null).map(() => JSON.stringify(validPush())),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.jsonValue({ maxDepth: 2 }).map(serialize),
    deeplyNested.map((raw) => raw.text),
    fc.constant(""),
    // The size check comes first (413 whatever the token): these are all below it.
  )
  .filter((body) => Buffer.byteLength(body) <= MAX_PUSH_BYTES);

describe("clicksend-inbound with a token that is not the connection's", () => {
  it("is 401 JSON for any body, POST under any content type or GET with the fields in the query", async () => {
    const token = bad.inboundToken;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(""),
          fc
            .string({ unit: "binary", maxLength: 60 })
            .map((text) => `?token=${encodeURIComponent(text)}`),
          fc
            .stringMatching(/^[0-9a-f]{48}$/)
            .filter((candidate) => candidate !== token)
            .map((candidate) => `?token=${candidate}`),
          fc.constantFrom(
            `?token=${token.toUpperCase()}`,
            `?token=${token.slice(1)}`,
            `?token=${token}0`,
            `?token=${token}%00`,
            `?token=%20${token}`,
            `?tok=${token}`,
            `?TOKEN=${token}`,
            `?token=`,
            `?token=${token.slice(0, 47)}%C3%A9`,
            `?token=${token.slice(0, 47)}g`,
          ),
        ),
        anyBody,
        fc.constantFrom("GET", ...CONTENT_TYPES),
        async (query, body, how) => {
          // A GET sends the body's form fields after the token, as ClickSend's GET pushes do.
          const fields = new URLSearchParams(body).toString();
          const { reply } = await unchanged(() =>
            how === "GET"
              ? get(query, fields)
              : send("clicksend-inbound", "POST", body, { contentType: how, query }),
          );
          if (refusedForLength(reply, how === "GET" ? "get" : "post", fields)) return;
          expect(reply.status, reply.text).toBe(401);
          expect(functionError(reply).code).toBe("invalid_token");
        },
      ),
      runs(50),
    );
  });
});

describe("clicksend-inbound with the right token", () => {
  /** Missing or blank (when required), a NUL character, or over `max` characters. */
  const textBreaks = (max: number, example: string, required: boolean) =>
    fc.oneof(
      ...(required ? [fc.constantFrom<unknown>(MISSING, "", "   ", "\t\n")] : []),
      withNul(example),
      tooLong(max),
    );
  const breaks: { field: string; bad: fc.Arbitrary<unknown> }[] = [
    { field: "message_id", bad: textBreaks(64, "IN-1", true) },
    { field: "from", bad: textBreaks(32, "+61411111111", true) },
    { field: "to", bad: textBreaks(32, "+61400000000", false) },
    { field: "body", bad: textBreaks(5000, "Yes please", false) },
    { field: "original_message_id", bad: textBreaks(64, "ABC-1", false) },
    { field: "custom_string", bad: textBreaks(255, "ref-1", false) },
    { field: "timestamp", bad: fc.oneof(withNul("1767225600"), tooLong(32)) },
  ];
  /** An unpaired surrogate somewhere: only a JSON push can carry one ("\ud800"). */
  const withLoneSurrogate = (field: string) =>
    fc
      .tuple(fc.nat(8), fc.constantFrom("\ud800", "\udbff", "\udc00", "\udfff"))
      .map(([at, half]) => {
        const valid = validPush()[field] ?? "x";
        return `${valid.slice(0, at)}${half}${valid.slice(at)}`;
      });

  it("one field broken from a valid push is 400 invalid_reply naming it (413 over 64 kB), stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(
            fc.oneof(
              ...breaks.map(({ field, bad: value }) => value.map((v) => ({ field, value: v }))),
            ),
            fc.constantFrom(...FORMATS),
          ),
          fc.tuple(
            fc
              .constantFrom(...breaks.map(({ field }) => field))
              .chain((field) => withLoneSurrogate(field).map((value) => ({ field, value }))),
            fc.constant<Format>("json"),
          ),
        ),
        async ([{ field, value }, format]) => {
          const fields = withField(validPush(), [field], value);
          const { reply } = await unchanged(() => push(format, fields));
          expectRefused(reply, format, fields, field);
        },
      ),
      runs(60),
    );
  });

  it("a JSON push that is not a flat object, or not JSON, is 400 invalid_reply and stores nothing", async () => {
    const notFlat = fc.oneof(
      // A valid push's fields in an array, or one of its values an object or an array.
      fc.constant(null).map(() => `[${JSON.stringify(validPush())}]`),
      fc
        .tuple(
          fc.constantFrom(...Object.keys(validPush()), "extra"),
          fc.oneof(
            fc.dictionary(fc.string({ maxLength: 8 }), smallJson, { maxKeys: 3 }),
            fc.array(smallJson, { maxLength: 3 }),
            deeplyNested,
          ),
        )
        .map(([key, value]) => serialize(withField(validPush(), [key], value))),
      fc
        .jsonValue({ maxDepth: 2 })
        .filter((value) => value === null || typeof value !== "object")
        .map(serialize),
      fc.array(smallJson, { maxLength: 4 }).map(serialize),
      // Not JSON at all: a form, text, JSON cut short.
      fc.constant(null).map(() => new URLSearchParams(validPush()).toString()),
      fc.constant(null).map(() => JSON.stringify(validPush()).slice(0, -1)),
      fc.string({ unit: "binary", maxLength: 100 }).filter((text) => {
        try {
          JSON.parse(text);
          return false;
        } catch {
          return true;
        }
      }),
      fc.constantFrom("", " ", "{", "NaN", "{'message_id':'x'}", "undefined"),
    );
    const jsonTypes = CONTENT_TYPES.filter((type) => type.includes("json")).concat(
      "application/vnd.api+json",
      "text/json",
      "APPLICATION/JSON",
    );
    await fc.assert(
      fc.asyncProperty(notFlat, fc.constantFrom(...jsonTypes), async (body, contentType) => {
        const { reply } = await unchanged(() =>
          send("clicksend-inbound", "POST", body, {
            contentType,
            query: `?token=${bad.inboundToken}`,
          }),
        );
        if (Buffer.byteLength(body) > MAX_PUSH_BYTES) {
          expect(reply.status, reply.text).toBe(413);
          expect(functionError(reply).code).toBe("invalid_reply");
        } else {
          expectBadRequest(reply, ["invalid_reply"]);
        }
      }),
      runs(40),
    );
  });

  it("random pushes with no message_id, or no from, are 4xx and store nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(pushesWithout(["message_id"]), pushesWithout(["from", "sms"])),
        async ({ format, fields }) => {
          const { reply } = await unchanged(() => push(format, fields));
          expectRefused(reply, format, fields);
        },
      ),
      runs(60),
    );
  });

  it("random bodies under any content type with no message_id, or no from, are 4xx and store nothing", async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, fc.constantFrom(...CONTENT_TYPES), async (body, contentType) => {
        const keys = keysOf(body, contentType);
        fc.pre(!keys.includes("message_id") || !(keys.includes("from") || keys.includes("sms")));
        const { reply } = await unchanged(() =>
          send("clicksend-inbound", "POST", body, {
            contentType,
            query: `?token=${bad.inboundToken}`,
          }),
        );
        expectBadRequest(reply, ["invalid_reply"]);
      }),
      runs(50),
    );
  });

  it("a push with an impossible timestamp is stored (at its instant, else at arrival) or refused, never a 5xx", async () => {
    const timestamps = fc.oneof(
      fc.constantFrom(
        "99999999999999",
        "1e400",
        "-1e400",
        "-1",
        "0",
        "-0",
        "NaN",
        "Infinity",
        "",
        "  ",
        "0x10",
        "1e-300",
        "1.5",
        "253402300800",
        "300000000000",
        "8640000000000",
        "8640000000001",
        "tomorrow",
      ),
      fc.double({ noNaN: true }).map(String),
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
      fc.integer({ min: 10_000_000_000, max: 8_640_000_000_000 }).map(String),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(timestamps, fc.constantFrom(...FORMATS)),
          // A JSON push sends it as a number.
          fc.tuple(
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            fc.constant<Format>("json"),
          ),
        ),
        async ([timestamp, format]) => {
          const valid = validPush();
          const fields = { ...valid, timestamp };
          const sentAt = Date.now();
          const reply = await push(format, fields);
          expect(reply.status, reply.text).toBeLessThan(500);
          if (reply.status !== 200) {
            expectBadRequest(reply, ["invalid_reply"], "timestamp");
            return;
          }
          expect(JSON.parse(reply.text)).toEqual({ received: true, stored: 1 });
          const rows = await bad.stack.db.query<{ ms: number }>(
            "select (extract(epoch from received_at) * 1000)::float8 as ms from public.clicksend_inbound_messages where clicksend_message_id = $1",
            [valid.message_id],
          );
          expect(rows).toHaveLength(1);
          // Unix seconds when readable and possible (1970 to 9999), else the push's arrival.
          const text = String(timestamp).trim();
          const given = text === "" ? NaN : Number(text) * 1000;
          const stored = Number(rows[0]?.ms);
          if (Number.isFinite(given) && given > 0 && given <= LAST_INSTANT_MS) {
            expect(Math.abs(stored - given)).toBeLessThan(1);
          } else {
            expect(stored).toBeGreaterThanOrEqual(sentAt - 1000);
            expect(stored).toBeLessThanOrEqual(Date.now() + 1000);
          }
        },
      ),
      runs(50),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Counterexamples the properties found, kept as plain tests (each answered 500, reached
// ClickSend, or changed a row before the fix).
// ---------------------------------------------------------------------------------------------
describe("regressions found by the properties", () => {
  it("a push dated after the year 9999 is stored at its arrival (was 500: Postgres cannot read +010000-…)", async () => {
    for (const format of FORMATS) {
      const fields = { ...validPush(), timestamp: "253402300800" };
      const reply = await push(format, fields);
      expect(reply.status, reply.text).toBe(200);
      expect(JSON.parse(reply.text)).toEqual({ received: true, stored: 1 });
    }
  });

  it("a JSON push with an unpaired surrogate in a stored field is refused (was 500 database_error)", async () => {
    for (const field of ["message_id", "from", "body", "to", "custom_string"]) {
      const fields = { ...validPush(), [field]: "A\ud800" };
      const { reply } = await unchanged(() => push("json", fields));
      expectBadRequest(reply, ["invalid_reply"], field);
    }
    // Fields no reply keeps may hold one: the push is stored without them.
    const reply = await push("json", { ...validPush(), keyword: "\udc00" });
    expect(reply.status, reply.text).toBe(200);
  });
});
