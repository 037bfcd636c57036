// bench/policy.ts's fixed inputs (the rules agent's policy must be realistic, valid, let the
// measured recipient through only by its last rule, and never be in quiet hours when the run
// starts) and report.ts's exact goals (a count the design fixes misses its goal both ways).
import { describe, expect, it } from "vitest";
import {
  agentPolicySchema,
  matchesRecipientRule,
} from "../supabase/functions/_shared/contracts/guardrails.ts";
import {
  FIRST_CONTACT,
  OPTED_OUT,
  QUIET_HOURS_TIMEZONE,
  allowedRecipients,
  quietHoursAvoiding,
  quietHoursCovering,
  rulesPolicy,
} from "./policy.ts";
import { goalMet, type Figure } from "./report.ts";

const RECIPIENT = "+61411111111";

/** Minutes since local midnight of `at` in `timezone`. */
function localMinutes(at: Date, timezone: string): number {
  const [hour = 0, minute = 0] = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .format(at)
    .split(":")
    .map(Number);
  return hour * 60 + minute;
}

/** Whether local minutes `m` fall in [start, end), start later than end spanning midnight. */
function inWindow(m: number, start: string, end: string): boolean {
  const toMinutes = (text: string): number => {
    const [h = 0, min = 0] = text.split(":").map(Number);
    return h * 60 + min;
  };
  const s = toMinutes(start);
  const e = toMinutes(end);
  return s < e ? m >= s && m < e : m >= s || m < e;
}

// Every half hour of a day, and a few awkward moments (a minute before midnight, Sydney's DST
// change in October).
const moments = [
  ...Array.from({ length: 48 }, (_, i) => new Date(Date.UTC(2026, 11, 2, 0, i * 30))),
  new Date("2026-12-02T12:59:59Z"),
  new Date("2026-10-03T15:30:00Z"),
  new Date("2026-10-03T16:30:00Z"),
];

describe("the rules agent's policy", () => {
  it("is valid by the contracts and sets every rule but a spend limit", () => {
    const policy = rulesPolicy(new Date("2026-12-02T15:00:00Z"));
    expect(agentPolicySchema.safeParse(policy).success).toBe(true);
    expect(policy.monthly_spend_limit).toBeNull();
    expect(policy.daily_message_limit).not.toBeNull();
    expect(policy.allowed_countries).toContain("AU");
    expect(policy.quiet_hours_timezone).toBe(QUIET_HOURS_TIMEZONE);
    expect(policy.approval_mode).toBe("first_contact");
  });

  it("allows 50 recipients, exact numbers and prefixes, the measured one only by the last rule", () => {
    const rules = allowedRecipients(RECIPIENT);
    expect(rules).toHaveLength(50);
    expect(new Set(rules).size).toBe(50);
    expect(rules.filter((rule) => rule.endsWith("*")).length).toBeGreaterThanOrEqual(2);
    expect(rules.filter((rule) => !rule.endsWith("*")).length).toBeGreaterThanOrEqual(40);
    expect(rules.map((rule) => matchesRecipientRule(rule, RECIPIENT))).toEqual([
      ...Array<boolean>(49).fill(false),
      true,
    ]);
    // The sanity checks' numbers: not the measured test numbers, and listed where they must be.
    expect(rules.some((rule) => matchesRecipientRule(rule, "+61422222222"))).toBe(false);
    expect(rules).toContain(FIRST_CONTACT);
    expect(OPTED_OUT).not.toContain(FIRST_CONTACT);
    expect(OPTED_OUT).not.toContain(RECIPIENT);
    expect(OPTED_OUT.filter((phone) => rules.includes(phone)).length).toBeGreaterThan(0);
  });

  it("never has the run start in quiet hours, nor within 5 hours of them", () => {
    for (const at of moments) {
      const quiet = quietHoursAvoiding(at, QUIET_HOURS_TIMEZONE);
      for (const later of [0, 60, 299]) {
        const when = new Date(at.getTime() + later * 60_000);
        expect(
          inWindow(localMinutes(when, QUIET_HOURS_TIMEZONE), quiet.start, quiet.end),
          `${at.toISOString()} + ${String(later)} min in ${quiet.start}-${quiet.end}`,
        ).toBe(false);
      }
    }
  });

  it("has a covering window for the quiet-hours sanity check that covers now", () => {
    for (const at of moments) {
      const quiet = quietHoursCovering(at, QUIET_HOURS_TIMEZONE);
      expect(quiet.start).not.toBe(quiet.end);
      expect(
        inWindow(localMinutes(at, QUIET_HOURS_TIMEZONE), quiet.start, quiet.end),
        `${at.toISOString()} not in ${quiet.start}-${quiet.end}`,
      ).toBe(true);
    }
  });
});

describe("goalMet with an exact goal", () => {
  const figure = (value: number): Figure => ({
    key: "k",
    label: "l",
    value,
    unit: "count",
    goal: { min: 1, max: 1, text: "= 1" },
  });

  it("is met at the designed count only", () => {
    expect(goalMet(figure(1))).toBe(true);
    expect(goalMet(figure(2))).toBe(false);
    expect(goalMet(figure(0))).toBe(false);
  });

  it("keeps upper-bound goals as they were", () => {
    expect(
      goalMet({ key: "k", label: "l", value: 3, unit: "count", goal: { max: 3, text: "" } }),
    ).toBe(true);
    expect(
      goalMet({
        key: "k",
        label: "l",
        value: 3,
        unit: "count",
        goal: { max: 3, text: "", strict: true },
      }),
    ).toBe(false);
  });
});
