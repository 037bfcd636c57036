import { describe, expect, it } from "vitest";

import { agentPolicySchema } from "@contracts/guardrails.ts";
import {
  fieldOfServerMessage,
  formToPolicy,
  policyToForm,
  type PolicyFormValues,
} from "@/features/agents/components/policy-form";

// The "Limits and safety" form's text, read into the policy the database stores.

const EMPTY: PolicyFormValues = policyToForm(null, "UTC");

describe("formToPolicy", () => {
  it("reads numbers and rules as people type them: spaces, dashes, repeats and lower case", () => {
    const parsed = formToPolicy({
      ...EMPTY,
      daily_message_limit: "1,000",
      monthly_spend_limit: " 12.50 ",
      allowed_recipients: "+61 411-111-111\n\n+6141*, +61411111111\n",
      allowed_countries: "au nz,AU",
      quiet_hours_start: "22:00",
      quiet_hours_end: "07:00",
      quiet_hours_timezone: "Australia/Sydney",
      approval_mode: "first_contact",
    });

    expect(parsed).toEqual({
      ok: true,
      policy: {
        daily_message_limit: 1000,
        monthly_spend_limit: 12.5,
        allowed_recipients: ["+61411111111", "+6141*"],
        allowed_countries: ["AU", "NZ"],
        quiet_hours_start: "22:00",
        quiet_hours_end: "07:00",
        quiet_hours_timezone: "Australia/Sydney",
        approval_mode: "first_contact",
      },
    });
  });

  it("an empty form is no rule at all, which the contracts' schema accepts", () => {
    const parsed = formToPolicy(EMPTY);
    expect(parsed.ok && agentPolicySchema.parse(parsed.policy)).toMatchObject({
      daily_message_limit: null,
      allowed_recipients: null,
      quiet_hours_start: null,
      approval_mode: "never",
    });
  });

  it("quotes a bad rule as it was typed, and refuses a code that names no country", () => {
    const parsed = formToPolicy({
      ...EMPTY,
      allowed_recipients: "+61411111111\n0412 345 678",
      allowed_countries: "AU, XX",
    });
    const errors = parsed.ok ? {} : parsed.errors;
    expect(Object.keys(errors).sort()).toEqual(["allowed_countries", "allowed_recipients"]);
    expect(errors.allowed_recipients).toMatch(/^Allowed recipients: “0412 345 678” is neither/);
    expect(errors.allowed_countries).toMatch(/^Allowed countries: “XX” is not a two-letter/);
  });

  it("quiet hours need both ends, different ones, and a zone", () => {
    const errorsOf = (values: Partial<PolicyFormValues>) => {
      const parsed = formToPolicy({ ...EMPTY, ...values });
      return parsed.ok ? {} : parsed.errors;
    };
    expect(errorsOf({ quiet_hours_end: "07:00" })).toEqual({
      quiet_hours_start: "Quiet hours start: choose when quiet hours start.",
    });
    expect(errorsOf({ quiet_hours_start: "07:00", quiet_hours_end: "07:00" })).toEqual({
      quiet_hours_end: "Quiet hours end: quiet hours must end at a different time than they start.",
    });
    expect(
      errorsOf({ quiet_hours_start: "22:00", quiet_hours_end: "07:00", quiet_hours_timezone: "" })
        .quiet_hours_timezone,
    ).toMatch(/^Time zone: choose the time zone quiet hours are in/);
  });
});

describe("policyToForm and fieldOfServerMessage", () => {
  it("shows stored times as the time inputs take them, and finds the column a refusal names", () => {
    const form = policyToForm(
      {
        daily_message_limit: null,
        monthly_spend_limit: null,
        allowed_recipients: null,
        allowed_countries: ["AU"],
        quiet_hours_start: "22:00:00",
        quiet_hours_end: "07:30:00",
        quiet_hours_timezone: null,
        approval_mode: "always",
      },
      "Europe/London",
    );
    expect(form).toMatchObject({
      allowed_countries: "AU",
      quiet_hours_start: "22:00",
      quiet_hours_end: "07:30",
      quiet_hours_timezone: "Europe/London",
    });
    expect(fieldOfServerMessage("quiet_hours_timezone: Mars/Base is not a known time zone")).toBe(
      "quiet_hours_timezone",
    );
    expect(fieldOfServerMessage("permission denied for table agent_policies")).toBeUndefined();
  });
});
