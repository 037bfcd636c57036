// An agent's policy (public.agent_policies, issue 15) and the opt-out list's RPCs with bad input,
// through the whole stack. The owner edits the policy with plain REST writes under RLS (the app's
// "Limits and safety" section and a platform alike), so those writes are the endpoint: an upsert
// and a PATCH of the row the owner's agent has, and an insert for an agent of theirs with none,
// each with one column broken. Every one is a PostgREST error that says what is wrong (a 22023 of
// our trigger names the column first, a check constraint is named after its column), and the
// rows read back as the owner are as they were (or still absent); support.ts's checksums of every
// table the product writes, policies and opt-outs included, must not move either. The RPCs
// clicksend_opt_out_add(p_connection_id, p_phone) and clicksend_opt_out_remove(p_account_username,
// p_phone) with bad phones, other users' connections or accounts and nulls are an error or false,
// with the opt-out list and the consent history unchanged.
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/agent-policies.test.ts
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_USERNAME } from "../../clicksend-sandbox/server.ts";
import { agentPolicySchema } from "../../../supabase/functions/_shared/contracts/guardrails.ts";
import { signUpUser, type TestUser } from "../users.ts";
import {
  anyText,
  badUuid,
  deeplyNested,
  type JsonObject,
  RawJson,
  type Reply,
  runs,
  serialize,
  smallJson,
  tooLong,
  unknownKey,
  useBadInputStack,
  withNul,
} from "./support.ts";

const bad = useBadInputStack();
const { unchanged } = bad;

/** A full, valid policy: the row the owner's agent has, so a change to any column would show. */
const POLICY = {
  daily_message_limit: 100,
  monthly_spend_limit: 25.5,
  allowed_recipients: ["+61411111111", "+6142*"],
  allowed_countries: ["AU", "NZ"],
  quiet_hours_start: "22:00",
  quiet_hours_end: "07:00",
  quiet_hours_timezone: "Australia/Sydney",
  approval_mode: "first_contact",
};

let ownerId = "";
/** The owner's agent without a policy row: an insert for it must leave it without one. */
let agentWithoutPolicy = "";
let stranger: TestUser;
/** The stranger's agents: one with a policy row of its own, one without. */
let strangerAgent = "";
let strangerAgentWithoutPolicy = "";
let strangerConnection = "";
const STRANGER_PHONE = "+61433333333";
const OWNER_PHONE = "+61444444444";

async function rest(
  token: string,
  method: string,
  path: string,
  body?: string,
  prefer = "return=representation",
): Promise<Reply> {
  const response = await fetch(`${bad.stack.url}/rest/v1/${path}`, {
    method,
    headers: {
      apikey: bad.stack.anonKey,
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      prefer,
    },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    retryAfter: response.headers.get("retry-after"),
    text: await response.text(),
  };
}

/** Every policy row the owner can read, as REST answers it. */
async function ownersPolicies(): Promise<string> {
  const reply = await rest(bad.token, "GET", "agent_policies?select=*&order=agent_id");
  expect(reply.status, reply.text).toBe(200);
  return reply.text;
}

/** The owner's opt-out list and consent history, as REST answers them. */
async function ownersConsent(): Promise<string> {
  const list = await rest(bad.token, "GET", "clicksend_opt_outs?select=*&order=phone");
  const history = await rest(bad.token, "GET", "clicksend_consent_events?select=*&order=id");
  expect(list.status, list.text).toBe(200);
  expect(history.status, history.text).toBe(200);
  return `${list.text}\n${history.text}`;
}

beforeAll(async () => {
  const [owner] = await bad.stack.db.query<{ user_id: string }>(
    "select user_id from public.agents where id = $1",
    [bad.agentId],
  );
  ownerId = owner?.user_id ?? "";
  const set = await rest(
    bad.token,
    "POST",
    "agent_policies",
    JSON.stringify({ agent_id: bad.agentId, ...POLICY }),
  );
  expect(set.status, set.text).toBe(201);
  const second = await rest(bad.token, "POST", "agents", JSON.stringify({ name: "No policy" }));
  expect(second.status, second.text).toBe(201);
  agentWithoutPolicy = (JSON.parse(second.text) as { id: string }[])[0]?.id ?? "";
  expect(agentWithoutPolicy).not.toBe("");

  stranger = await signUpUser(bad.stack, "bad-input-policies-stranger@example.com");
  const agents = await stranger.rest
    .from("agents")
    .insert([{ name: "Stranger's agent" }, { name: "Stranger's other agent" }])
    .select("id");
  if (agents.error) throw new Error(agents.error.message);
  strangerAgent = agents.data[0]?.id ?? "";
  strangerAgentWithoutPolicy = agents.data[1]?.id ?? "";
  const theirs = await stranger.rest
    .from("agent_policies")
    .insert({ agent_id: strangerAgent, approval_mode: "always", daily_message_limit: 5 });
  expect(theirs.error).toBeNull();

  // The stranger's connection to the same ClickSend account, with a number on its opt-out list;
  // the owner's list has one of its own, so a removal that slipped through would show.
  const connected = await stranger.call("clicksend-connect", "POST", {
    username: SANDBOX_USERNAME,
    api_key: SANDBOX_API_KEY,
  });
  expect(connected.status, JSON.stringify(connected.body)).toBe(201);
  strangerConnection = (connected.body.connection as { id: string }).id;
  const added = await stranger.rest.rpc("clicksend_opt_out_add", {
    p_connection_id: strangerConnection,
    p_phone: STRANGER_PHONE,
  });
  expect(added.error).toBeNull();
  const mine = await rest(
    bad.token,
    "POST",
    "rpc/clicksend_opt_out_add",
    JSON.stringify({ p_connection_id: bad.connectionId, p_phone: OWNER_PHONE }),
  );
  expect(mine.status, mine.text).toBe(200);
}, 60_000);

// ---------------------------------------------------------------------------------------------
// What a refused write must answer.
// ---------------------------------------------------------------------------------------------
interface PostgrestError {
  code: string;
  message: string;
  details: string | null;
  hint: string | null;
}

/**
 * A PostgREST error that says what is wrong: a 4xx JSON {code, message, details, hint} with a
 * message; our 22023 starts with the column or what it is ("phone must be…"), a check
 * constraint is named after its column.
 * One class of Postgres errors is answered 500 by PostgREST itself, whatever the schema: 54000,
 * "number of array dimensions (n) exceeds the maximum allowed (6)", raised while PostgREST turns
 * a JSON array nested 7 or more deep into a text[] (no trigger or constraint runs before it).
 */
function expectRefused(reply: Reply, names: readonly string[]): PostgrestError {
  expect(reply.contentType, reply.text).toMatch(/^application\/json/);
  const error = JSON.parse(reply.text) as PostgrestError;
  expect(error).toMatchObject({
    code: expect.any(String) as unknown,
    message: expect.any(String) as unknown,
  });
  expect(error.message.length).toBeGreaterThan(0);
  if (error.code === "54000") {
    expect(reply.status, reply.text).toBe(500);
    expect(error.message).toMatch(/number of array dimensions \(\d+\) exceeds the maximum/);
    return error;
  }
  expect(reply.status, reply.text).toBeGreaterThanOrEqual(400);
  expect(reply.status, reply.text).toBeLessThan(500);
  if (error.code === "22023") {
    expect(
      names.some(
        (name) => error.message.startsWith(`${name}:`) || error.message.startsWith(`${name} `),
      ),
      `"${error.message.slice(0, 200)}" should start with ${names.join(" or ")}`,
    ).toBe(true);
  }
  if (error.code === "23514") {
    expect(
      names.some((name) => error.message.includes(name)),
      `"${error.message.slice(0, 200)}" should name ${names.join(" or ")}`,
    ).toBe(true);
  }
  return error;
}

// ---------------------------------------------------------------------------------------------
// Bad values, per column. Strings Postgres would read as a valid value of the column's type are
// left out of the free-text generators (e.g. "12" is the integer 12, "{+61411111111}" an array).
// ---------------------------------------------------------------------------------------------
interface ColumnBreak {
  /** What the body sets (the broken column, and for quiet hours the other end too). */
  values: fc.Arbitrary<JsonObject>;
  /** How a clear error names it. */
  names: string[];
}

const nonEmptyArray = fc.array(smallJson, { minLength: 1, maxLength: 3 });
const nonEmptyObject = fc.dictionary(fc.string({ maxLength: 8 }), smallJson, {
  minKeys: 1,
  maxKeys: 3,
});
const notNumberText = anyText.filter((text) => !/^\s*[-+]?[0-9._a-fA-FxXoObB]*\s*$/.test(text));

function column(name: string, bad: fc.Arbitrary<unknown>): ColumnBreak {
  return { values: bad.map((value) => ({ [name]: value })), names: [name] };
}

const dailyLimit = column(
  "daily_message_limit",
  fc.oneof(
    fc.integer({ max: 0 }),
    fc.integer({ min: 1_000_001 }),
    fc.double({ min: 1, max: 1_000_000, noNaN: true }).filter((n) => !Number.isInteger(n)),
    fc.constantFrom(new RawJson("1e400"), new RawJson("-1e400"), 2 ** 31, 1e20),
    fc.boolean(),
    notNumberText,
    fc.constantFrom("", "ten", "1.5", "1e3", "NaN", "Infinity", "1,000"),
    nonEmptyArray,
    nonEmptyObject,
    deeplyNested,
  ),
);

const monthlySpend = column(
  "monthly_spend_limit",
  fc.oneof(
    fc.double({ max: 0, noNaN: true, noDefaultInfinity: true }),
    fc.double({ min: 1e8, max: 1e300, noNaN: true, noDefaultInfinity: true }),
    // Positive, but 0.0000 once rounded to the column's four decimals.
    fc.double({ min: 1e-9, max: 0.00004, noNaN: true }),
    fc.constantFrom(new RawJson("1e400"), new RawJson("-1e400"), "Infinity", "-Infinity"),
    fc.boolean(),
    notNumberText.filter((text) => !/^\s*[-+]?(nan|inf|infinity)\s*$/i.test(text)),
    fc.constantFrom("", "ten", "1,5", "$10", "10 AUD"),
    nonEmptyArray,
    nonEmptyObject,
    deeplyNested,
  ),
);

/** Rules that are neither an E.164 number nor a prefix ending in `*`. */
const NOT_RULES = [
  "",
  "0411111111",
  "61411111111",
  "+0411111111",
  "+614111",
  "+6141111111111111",
  "+61 411 111 111",
  "+61411111111\n",
  " +61411111111",
  "＋61411111111",
  "+٦١٤١١١١١١١١",
  "tel:+61411111111",
  "*",
  "+*",
  "+0*",
  "+6141**",
  "+61*1",
  "61*",
  "+61 4*",
  "+612345678901234*",
];

function badRuleList(notRules: fc.Arbitrary<unknown>, valid: string, max: number) {
  return fc.oneof(
    // One bad rule among good ones.
    fc
      .tuple(notRules, fc.nat(2))
      .map(([rule, at]) => [...Array.from({ length: at }, () => valid), rule, valid]),
    fc.constant(Array.from({ length: max + 1 }, () => valid)),
    // Not an array at all (a string Postgres would read as an array literal left out).
    fc.boolean(),
    fc.integer(),
    anyText.filter((text) => !/^\s*[{[]/.test(text)),
    nonEmptyObject,
    // Arrays too deep for Postgres (54000, see expectRefused) or ragged.
    deeplyNested,
    fc.constant([[valid], [valid, valid]]),
    withNul(valid).map((rule) => [rule]),
  );
}

const allowedRecipients = column(
  "allowed_recipients",
  badRuleList(
    fc.oneof(
      fc.constantFrom(...NOT_RULES),
      fc.constant(null),
      fc.integer(),
      fc.boolean(),
      anyText.filter((text) => !/^\+[1-9][0-9]{0,14}\*?$/.test(text)),
    ),
    "+61411111111",
    500,
  ),
);

const allowedCountries = column(
  "allowed_countries",
  badRuleList(
    fc.oneof(
      fc.constantFrom("au", "Au", "A", "AUS", "A1", "", "ÄU", " AU", "AU ", "A U", "ＡＵ"),
      fc.constant(null),
      fc.integer(),
      anyText.filter((text) => !/^[A-Z]{2}$/.test(text)),
    ),
    "AU",
    250,
  ),
);

/** Time strings Postgres's time type refuses. */
const NOT_TIMES = [
  "",
  "25:00",
  "12:60",
  "22:00:61",
  "-01:00",
  "7pm",
  "noon",
  "midnight",
  "abc",
  "Infinity",
  "1:2:3:4",
  "22h00",
  "22.00.00.00",
  "T",
];
const notTime = fc.oneof(
  fc.constantFrom(...NOT_TIMES),
  fc.boolean(),
  nonEmptyArray,
  nonEmptyObject,
  tooLong(64),
  withNul("22:00"),
);

const quietHours: ColumnBreak = {
  names: ["quiet_hours_start", "quiet_hours_end", "quiet_hours"],
  values: fc.oneof(
    notTime.map((value) => ({ quiet_hours_start: value })),
    notTime.map((value) => ({ quiet_hours_end: value })),
    // Only one end.
    fc.constantFrom("quiet_hours_start", "quiet_hours_end").map((end) => ({ [end]: null })),
    fc.constantFrom("quiet_hours_start", "quiet_hours_end").chain((end) =>
      fc.constantFrom("00:00", "09:30", "23:59:59").map((time) => ({
        quiet_hours_start: null,
        quiet_hours_end: null,
        [end]: time,
      })),
    ),
    // Equal ends, however written.
    fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.boolean())
      .map(([hours, minutes, seconds]) => {
        const time = `${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
        return { quiet_hours_start: time, quiet_hours_end: seconds ? `${time}:00` : time };
      }),
  ),
};

const quietTimezone = column(
  "quiet_hours_timezone",
  fc.oneof(
    fc.constantFrom(
      "",
      "Mars/Olympus_Mons",
      "Australia/Sydny",
      "Australia/",
      "/Sydney",
      "Sydney",
      "Australia\\Sydney",
      "Europe/London/Extra",
      // POSIX rules Postgres itself would take, but no IANA names: '+10' is ten hours WEST of UTC
      // to Postgres, while a person (and Intl in the app) reads it as UTC+10 (found by this
      // property; the trigger checks pg_timezone_names since 0f7fd8d).
      "+10",
      "-05",
      "UTC+25",
      "UTC+10",
      "ABC+5",
      "<+10>-10",
      "AEST-10AEDT,M10.1.0,M4.1.0/3",
    ),
    tooLong(64),
    withNul("Australia/Sydney"),
    fc.boolean(),
    nonEmptyArray,
    nonEmptyObject,
    deeplyNested,
  ),
);

const APPROVAL_MODES = ["never", "first_contact", "always"];
const approvalMode = column(
  "approval_mode",
  fc.oneof(
    fc.constant(null),
    anyText.filter((text) => !APPROVAL_MODES.includes(text)),
    fc.constantFrom(...APPROVAL_MODES).map((mode) => mode.toUpperCase()),
    fc.constantFrom(...APPROVAL_MODES).map((mode) => ` ${mode}`),
    fc.constantFrom("sometimes", "first-contact", "firstContact", "none", "", "true"),
    fc.integer(),
    fc.boolean(),
    nonEmptyArray,
    nonEmptyObject,
    withNul("always"),
    deeplyNested,
  ),
);

/** Columns PostgREST does not have, or the database keeps for itself. */
const otherColumns: ColumnBreak = {
  names: ["created_at", "updated_at"],
  values: fc.oneof(
    fc
      .tuple(
        unknownKey(["agent_id", "user_id", "created_at", "updated_at", ...Object.keys(POLICY)]),
      )
      // The local gateway drops an own "__proto__" key where PostgREST answers PGRST204 (found by
      // this property: the upsert went through, updated_at moved); reported, left out here.
      .filter(([key]) => key !== "__proto__")
      .chain(([key]) => smallJson.map((value) => ({ [key]: value }))),
    fc
      .constantFrom("created_at", "updated_at")
      .chain((key) =>
        fc
          .oneof(fc.constantFrom("garbage", "", "2030-13-01", "1 o'clock"), fc.boolean())
          .map((value) => ({ [key]: value })),
      ),
  ),
};

const COLUMN_BREAKS: [string, ColumnBreak][] = [
  ["daily_message_limit", dailyLimit],
  ["monthly_spend_limit", monthlySpend],
  ["allowed_recipients", allowedRecipients],
  ["allowed_countries", allowedCountries],
  ["quiet hours (start and end)", quietHours],
  ["quiet_hours_timezone", quietTimezone],
  ["approval_mode", approvalMode],
  ["unknown or kept columns", otherColumns],
];

/** The three writes of a policy an owner can make, each with the broken values. */
type Write = "upsert" | "patch" | "insert";
const WRITES: Write[] = ["upsert", "patch", "insert"];

function write(kind: Write, values: JsonObject, token = bad.token): Promise<Reply> {
  switch (kind) {
    case "upsert":
      return rest(
        token,
        "POST",
        "agent_policies?on_conflict=agent_id",
        serialize({ agent_id: bad.agentId, ...POLICY, ...values }),
        "resolution=merge-duplicates,return=representation",
      );
    case "patch":
      return rest(
        token,
        "PATCH",
        `agent_policies?agent_id=eq.${bad.agentId}`,
        serialize({ ...values }),
      );
    case "insert":
      return rest(
        token,
        "POST",
        "agent_policies",
        serialize({ agent_id: agentWithoutPolicy, ...POLICY, ...values }),
      );
  }
}

/** A write of the owner's that names something not theirs. */
interface Elsewhere {
  kind: Write;
  values: JsonObject;
}

/** One write with nothing changed: checksums, and the owner's rows read back through REST. */
async function unchangedPolicies(run: () => Promise<Reply>): Promise<Reply> {
  const before = await ownersPolicies();
  const { reply } = await unchanged(run);
  expect(await ownersPolicies()).toBe(before);
  return reply;
}

describe("agent_policies written by the owner with one column broken", () => {
  it.each(COLUMN_BREAKS)(
    "%s: refused with a clear error, rows unchanged",
    async (_what, broken) => {
      await fc.assert(
        fc.asyncProperty(broken.values, fc.constantFrom(...WRITES), async (values, kind) => {
          const reply = await unchangedPolicies(() => write(kind, values));
          expectRefused(reply, broken.names);
        }),
        runs(30),
      );
    },
  );

  it("a row of another user's agent, or of no agent, or for another user: refused, nothing changes", async () => {
    const elsewhere = fc.oneof(
      fc
        .tuple(
          fc.oneof(
            fc.constantFrom("stranger", "stranger-without-policy"),
            fc.uuid(),
            badUuid(true).filter((id) => id !== null && typeof id !== "symbol"),
          ),
          fc.constantFrom<Write>("upsert", "insert"),
        )
        .map(([id, kind]): Elsewhere => ({
          kind,
          values: {
            agent_id:
              id === "stranger"
                ? strangerAgent
                : id === "stranger-without-policy"
                  ? strangerAgentWithoutPolicy
                  : id,
          },
        })),
      // Moving the owner's row onto another user's agent, or to no agent.
      fc
        .oneof(fc.constantFrom("stranger", "stranger-without-policy", null), fc.uuid())
        .map((id): Elsewhere => ({
          kind: "patch",
          values: {
            agent_id:
              id === "stranger"
                ? strangerAgent
                : id === "stranger-without-policy"
                  ? strangerAgentWithoutPolicy
                  : id,
          },
        })),
      // Handing the row to another user, or to none.
      fc
        .tuple(
          fc.oneof(
            fc.constantFrom("stranger", null),
            fc.uuid(),
            badUuid(true).filter((id) => typeof id !== "symbol"),
          ),
          fc.constantFrom(...WRITES),
        )
        .map(([id, kind]): Elsewhere => ({
          kind,
          values: { user_id: id === "stranger" ? stranger.id : id },
        })),
    );
    await fc.assert(
      fc.asyncProperty(elsewhere, async ({ kind, values }) => {
        fc.pre(values.agent_id !== bad.agentId && values.agent_id !== agentWithoutPolicy);
        fc.pre(values.user_id !== ownerId);
        const reply = await unchangedPolicies(() => write(kind, values));
        expectRefused(reply, ["agent_id", "user_id"]);
      }),
      runs(40),
    );
  });

  it("another user's writes reach none of the owner's rows, whatever they hold", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant<JsonObject>({}),
          fc.constant<JsonObject>({ approval_mode: "never", daily_message_limit: null }),
          fc.constant<JsonObject>({ user_id: "stranger" }),
        ),
        async (values) => {
          const body = values.user_id === "stranger" ? { ...values, user_id: stranger.id } : values;
          const reply = await unchangedPolicies(() =>
            rest(
              stranger.token,
              "PATCH",
              `agent_policies?agent_id=eq.${bad.agentId}`,
              serialize(body),
            ),
          );
          expect(reply.status, reply.text).toBeLessThan(500);
          if (reply.status < 300) expect(JSON.parse(reply.text)).toEqual([]);
        },
      ),
      runs(10),
    );
    const deleted = await unchangedPolicies(() =>
      rest(stranger.token, "DELETE", `agent_policies?agent_id=eq.${bad.agentId}`),
    );
    expect(deleted.status, deleted.text).toBeLessThan(300);
    expect(JSON.parse(deleted.text)).toEqual([]);
  });

  it("the owner's row, read back, is one the app reads (agentPolicySchema)", async () => {
    const rows = JSON.parse(await ownersPolicies()) as JsonObject[];
    expect(rows).toHaveLength(1);
    const parsed = agentPolicySchema.safeParse(
      Object.fromEntries(Object.keys(POLICY).map((key) => [key, rows[0]?.[key]])),
    );
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The opt-out list's RPCs.
// ---------------------------------------------------------------------------------------------
/** Numbers the list does not take (and what a JSON value of another type turns into). */
const badPhone = fc.oneof(
  fc.constantFrom(...NOT_RULES),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  nonEmptyArray,
  nonEmptyObject,
  anyText.filter((text) => !/^\+[1-9][0-9]{6,14}$/.test(text)),
  withNul("+61411111111"),
  tooLong(16),
);

describe("clicksend_opt_out_add and clicksend_opt_out_remove with bad input", () => {
  /** One RPC with nothing changed: checksums, and the owner's list and history read back. */
  async function unchangedConsent(fn: string, args: JsonObject): Promise<Reply> {
    const before = await ownersConsent();
    const { reply } = await unchanged(() =>
      rest(bad.token, "POST", `rpc/${fn}`, serialize(args), "return=representation"),
    );
    expect(await ownersConsent()).toBe(before);
    return reply;
  }

  it("add: a bad phone, or a connection that is not the caller's, is an error naming it", async () => {
    const call = fc.oneof(
      badPhone.map((phone) => ({ p_connection_id: bad.connectionId, p_phone: phone })),
      fc
        .oneof(
          fc.constantFrom<unknown>("stranger", null),
          fc.uuid(),
          badUuid(true).filter((id) => typeof id !== "symbol"),
        )
        .map((id) => ({
          p_connection_id: id === "stranger" ? strangerConnection : id,
          p_phone: "+61455555555",
        })),
      // A missing or unknown argument names no function PostgREST has.
      fc.constantFrom<JsonObject>(
        { p_connection_id: "own" },
        { p_phone: "+61455555555" },
        {},
        { p_connection_id: "own", p_phone: "+61455555555", p_source: "reply" },
      ),
    );
    await fc.assert(
      fc.asyncProperty(call, async (args) => {
        const body = Object.fromEntries(
          Object.entries(args).map(([key, value]) => [
            key,
            value === "own" ? bad.connectionId : value,
          ]),
        );
        fc.pre(body.p_connection_id !== bad.connectionId || body.p_phone !== "+61455555555");
        const reply = await unchangedConsent("clicksend_opt_out_add", body);
        expect(reply.status, reply.text).toBeGreaterThanOrEqual(400);
        const error = expectRefused(reply, ["phone", "no ClickSend connection"]);
        if (error.code === "22023") {
          expect(error.message).toMatch(
            /^(phone must be an E\.164 number|no ClickSend connection)/,
          );
        }
      }),
      runs(60),
    );
  });

  it("remove: bad or other users' numbers and accounts, and nulls, are false or an error", async () => {
    const call = fc.oneof(
      badPhone.map((phone) => ({ p_account_username: SANDBOX_USERNAME, p_phone: phone })),
      // The stranger's number on the same account: their list, not the caller's.
      fc.constant({ p_account_username: SANDBOX_USERNAME, p_phone: STRANGER_PHONE }),
      // The caller's number, but under no account of theirs (the name in any case is theirs).
      fc
        .constantFrom(` ${SANDBOX_USERNAME}`, `${SANDBOX_USERNAME}_`, "", "other")
        .map((account) => ({ p_account_username: account, p_phone: OWNER_PHONE })),
      fc
        .oneof(fc.constant(null), anyText, tooLong(200), withNul(SANDBOX_USERNAME), fc.integer())
        .map((account) => ({ p_account_username: account, p_phone: OWNER_PHONE })),
      fc.constantFrom<JsonObject>(
        { p_account_username: null, p_phone: null },
        { p_phone: OWNER_PHONE },
        { p_account_username: SANDBOX_USERNAME },
        { p_account_username: SANDBOX_USERNAME, p_phone: OWNER_PHONE, p_user_id: "x" },
      ),
    );
    await fc.assert(
      fc.asyncProperty(call, async (args) => {
        fc.pre(
          !(
            args.p_account_username === SANDBOX_USERNAME &&
            args.p_phone === OWNER_PHONE &&
            Object.keys(args).length === 2
          ),
        );
        const reply = await unchangedConsent("clicksend_opt_out_remove", args);
        if (reply.status === 200) {
          expect(JSON.parse(reply.text)).toBe(false);
        } else {
          expectRefused(reply, ["phone"]);
        }
      }),
      runs(60),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The checks can fail.
// ---------------------------------------------------------------------------------------------
describe("the checks can see a change", () => {
  it("a valid PATCH of the owner's policy, and a valid opt-out removal, do change what is checked", async () => {
    await expect(
      unchangedPolicies(() => write("patch", { daily_message_limit: 99 })),
    ).rejects.toThrow(/tables changed by a request answered 200/);
    const restored = await write("patch", { daily_message_limit: POLICY.daily_message_limit });
    expect(restored.status, restored.text).toBe(200);
    const before = await ownersPolicies();
    const added = await rest(
      bad.token,
      "POST",
      "rpc/clicksend_opt_out_add",
      JSON.stringify({ p_connection_id: bad.connectionId, p_phone: "+61466666666" }),
    );
    expect(added.status, added.text).toBe(200);
    const consent = await ownersConsent();
    const removed = await rest(
      bad.token,
      "POST",
      "rpc/clicksend_opt_out_remove",
      JSON.stringify({ p_account_username: SANDBOX_USERNAME, p_phone: "+61466666666" }),
    );
    expect(JSON.parse(removed.text)).toBe(true);
    expect(await ownersConsent()).not.toBe(consent);
    expect(await ownersPolicies()).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------
// Found by these properties and since refused by the migration's checks (20250911000010): values
// Postgres would take although they are not what the column means, which the app's own schema
// (agentPolicySchema) could then not read back.
// ---------------------------------------------------------------------------------------------
const OPEN_FINDINGS: [string, JsonObject][] = [
  // NaN > 0 holds in Postgres (NaN sorts above every number), and used + price > NaN never does:
  // a NaN limit refuses nothing.
  ["monthly_spend_limit 'NaN'", { monthly_spend_limit: "NaN" }],
  ["allowed_recipients as a two-dimensional array", { allowed_recipients: [["+61411111111"]] }],
  ["allowed_countries as a two-dimensional array", { allowed_countries: [["AU"], ["NZ"]] }],
  // A Postgres time, but no HH:MM: the end of the day.
  ["quiet_hours_start '24:00'", { quiet_hours_start: "24:00" }],
  // The moment of the write, with fractions of a second.
  ["quiet_hours_start 'now'", { quiet_hours_start: "now" }],
];

describe("values Postgres would take but the column does not mean", () => {
  for (const [what, values] of OPEN_FINDINGS) {
    it(`${what} is refused, the row unchanged`, async () => {
      try {
        const reply = await unchangedPolicies(() => write("patch", values));
        expectRefused(reply, Object.keys(values));
      } finally {
        // Should one be taken again: put the owner's row back for the next one.
        const restored = await write("patch", POLICY);
        expect(restored.status, restored.text).toBe(200);
      }
    });
  }
});
