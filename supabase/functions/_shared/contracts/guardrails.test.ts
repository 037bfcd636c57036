// The guardrails' shared rules: the consent words as the database reads them (compared with the
// migration's own lists, so the two cannot drift), recipient rules, the policy schema's
// validation and which refusals pass by themselves.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  NO_POLICY,
  OPT_IN_WORDS,
  OPT_OUT_WORDS,
  agentPolicySchema,
  consentOf,
  isPolicyRefusal,
  matchesRecipientRule,
  policyRetryable,
  type AgentPolicy,
} from "./guardrails.ts";

const MIGRATION = new URL("../../../migrations/20250911000010_guardrails.sql", import.meta.url);

/** The words of one branch of private.clicksend_consent_keyword, as the SQL lists them. */
function sqlWords(consent: "opt_out" | "opt_in"): string[] {
  const sql = readFileSync(MIGRATION, "utf8");
  const branch = new RegExp(`in \\(([^)]*)\\) then '${consent}'`).exec(sql);
  if (!branch?.[1]) throw new Error(`no ${consent} branch in the migration`);
  return [...branch[1].matchAll(/'([A-Z]+)'/g)].map((match) => match[1] ?? "");
}

describe("consent words", () => {
  it("are the migration's own lists", () => {
    expect(sqlWords("opt_out")).toEqual([...OPT_OUT_WORDS]);
    expect(sqlWords("opt_in")).toEqual([...OPT_IN_WORDS]);
  });

  it.each([
    ["STOP", "opt_out"],
    ["  stop\n", "opt_out"],
    ["StopAll", "opt_out"],
    ["unsubscribe", "opt_out"],
    ["\tQuit ", "opt_out"],
    ["start", "opt_in"],
    ["UNSTOP", "opt_in"],
    ["yes", "opt_in"],
  ] as const)("reads %j as %s", (body, consent) => {
    expect(consentOf(body)).toBe(consent);
  });

  it.each(["stop please", "STOP!", "S T O P", "", "yes please", "no", "STOPP"])(
    "reads %j as an ordinary reply",
    (body) => {
      expect(consentOf(body)).toBeNull();
    },
  );
});

describe("recipient rules", () => {
  it("match an exact number or a prefix ending in *", () => {
    expect(matchesRecipientRule("+61411111111", "+61411111111")).toBe(true);
    expect(matchesRecipientRule("+61411111111", "+61411111112")).toBe(false);
    expect(matchesRecipientRule("+6141*", "+61411111111")).toBe(true);
    expect(matchesRecipientRule("+6141*", "+61421111111")).toBe(false);
  });

  it("know the statuses of recipients refused before ClickSend", () => {
    expect(
      ["OPTED_OUT", "RECIPIENT_NOT_ALLOWED", "COUNTRY_NOT_ALLOWED"].every(isPolicyRefusal),
    ).toBe(true);
    expect(isPolicyRefusal("SUCCESS")).toBe(false);
    expect(isPolicyRefusal("INVALID_RECIPIENT")).toBe(false);
  });
});

describe("agentPolicySchema", () => {
  const policy = (extra: Partial<AgentPolicy>) => ({ ...NO_POLICY, ...extra });
  const problem = (extra: Partial<AgentPolicy>) => {
    const parsed = agentPolicySchema.safeParse(policy(extra));
    return parsed.success
      ? null
      : `${parsed.error.issues[0]?.path.join(".") ?? ""}: ${parsed.error.issues[0]?.message ?? ""}`;
  };

  it("accepts no rules and every rule well formed", () => {
    expect(problem({})).toBeNull();
    expect(
      problem({
        daily_message_limit: 50,
        monthly_spend_limit: 12.5,
        allowed_recipients: ["+61411111111", "+6141*"],
        allowed_countries: ["AU", "NZ"],
        quiet_hours_start: "22:00",
        quiet_hours_end: "07:00",
        quiet_hours_timezone: "Australia/Sydney",
        approval_mode: "first_contact",
      }),
    ).toBeNull();
  });

  it.each([
    [{ daily_message_limit: 0 }, "daily_message_limit"],
    [{ daily_message_limit: 1.5 }, "daily_message_limit"],
    [{ monthly_spend_limit: -1 }, "monthly_spend_limit"],
    [{ allowed_recipients: ["0411111111"] }, "allowed_recipients.0"],
    [{ allowed_recipients: ["+61*4"] }, "allowed_recipients.0"],
    [{ allowed_countries: ["au"] }, "allowed_countries.0"],
    [{ quiet_hours_start: "22:00" }, "quiet_hours_end"],
    [{ quiet_hours_start: "22:00", quiet_hours_end: "22:00" }, "quiet_hours_end"],
    [{ quiet_hours_start: "25:00", quiet_hours_end: "07:00" }, "quiet_hours_start"],
  ] as [Partial<AgentPolicy>, string][])("refuses %j at %s", (extra, path) => {
    expect(problem(extra)).toMatch(new RegExp(`^${path.replace(".", "\\.")}:`));
  });
});

describe("policy refusals", () => {
  it("say a daily limit and quiet hours pass by themselves, a monthly limit does not", () => {
    expect(policyRetryable("daily_message_limit")).toBe(true);
    expect(policyRetryable("quiet_hours")).toBe(true);
    expect(policyRetryable("monthly_spend_limit")).toBe(false);
  });
});
