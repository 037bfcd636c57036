import {
  agentPolicySchema,
  APPROVAL_MODES,
  recipientRuleSchema,
  type AgentPolicy,
  type ApprovalMode,
} from "@contracts/guardrails.ts";

// The "Limits and safety" form as the user types it (text boxes), and its translation into an
// agent policy: every rule checked here with the field named, then the contracts' own schema, so
// nothing the database would refuse is sent, and nothing at all is saved on bad input.

export type PolicyField = keyof AgentPolicy;

export type PolicyFormValues = {
  daily_message_limit: string;
  monthly_spend_limit: string;
  /** One rule per line (commas also separate). */
  allowed_recipients: string;
  /** Two-letter codes separated by commas or spaces. */
  allowed_countries: string;
  /** "HH:MM", or "" for none. */
  quiet_hours_start: string;
  quiet_hours_end: string;
  quiet_hours_timezone: string;
  approval_mode: ApprovalMode;
};

/** Each field's label, as the form shows it and as every message about it begins. */
export const POLICY_FIELD_LABELS: Record<PolicyField, string> = {
  daily_message_limit: "Daily message limit",
  monthly_spend_limit: "Monthly spend limit",
  allowed_recipients: "Allowed recipients",
  allowed_countries: "Allowed countries",
  quiet_hours_start: "Quiet hours start",
  quiet_hours_end: "Quiet hours end",
  quiet_hours_timezone: "Time zone",
  approval_mode: "Approval",
};

type PolicyErrors = Partial<Record<PolicyField, string>>;

/** The browser's own time zone, the suggestion for quiet hours; UTC when it does not say. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** The form's starting values: the stored policy, or empty rules with the browser's zone. */
export function policyToForm(policy: AgentPolicy | null, timeZone: string): PolicyFormValues {
  return {
    daily_message_limit: policy?.daily_message_limit?.toString() ?? "",
    monthly_spend_limit: policy?.monthly_spend_limit?.toString() ?? "",
    allowed_recipients: policy?.allowed_recipients?.join("\n") ?? "",
    allowed_countries: policy?.allowed_countries?.join(", ") ?? "",
    // The database answers "22:00:00"; the time inputs take "22:00".
    quiet_hours_start: policy?.quiet_hours_start?.slice(0, 5) ?? "",
    quiet_hours_end: policy?.quiet_hours_end?.slice(0, 5) ?? "",
    quiet_hours_timezone: policy?.quiet_hours_timezone ?? timeZone,
    approval_mode: policy?.approval_mode ?? "never",
  };
}

/** Whether the browser knows an IANA time zone (the database checks again with its own list). */
function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A country's name for its code ("New Zealand" for NZ); undefined when the code names none. */
export function countryName(code: string): string | undefined {
  try {
    const name = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" }).of(code);
    return name === code ? undefined : name;
  } catch {
    return undefined;
  }
}

const quote = (text: string) => `“${text}”`;

function wholeNumber(text: string): number | null | string {
  const compact = text.replace(/[\s,_]/g, "");
  if (compact === "") return null;
  if (!/^\d+$/.test(compact)) return "enter a whole number of messages, such as 50";
  const value = Number(compact);
  if (value < 1 || value > 1_000_000) return "enter a number from 1 to 1,000,000";
  return value;
}

function amount(text: string): number | null | string {
  const compact = text.replace(/[\s,_]/g, "");
  if (compact === "") return null;
  if (!/^\d+(\.\d{1,4})?$/.test(compact)) return "enter an amount such as 20 or 12.50";
  const value = Number(compact);
  if (value <= 0) return "enter an amount above 0";
  if (value > 99_999_999) return "enter an amount up to 99,999,999";
  return value;
}

/**
 * The rules of a text box: one per line or comma, spaces and dashes inside a number dropped;
 * each with the line as typed, for a message about it.
 */
function recipientRules(text: string): { rule: string; typed: string }[] {
  const rules = new Map<string, string>();
  for (const line of text.split(/[\n,;]+/)) {
    const rule = line.replace(/[\s\-().]/g, "");
    if (rule !== "" && !rules.has(rule)) rules.set(rule, line.trim());
  }
  return [...rules].map(([rule, typed]) => ({ rule, typed }));
}

function countryCodes(text: string): string[] {
  const codes = text
    .split(/[\s,;]+/)
    .map((code) => code.trim().toUpperCase())
    .filter((code) => code !== "");
  return [...new Set(codes)];
}

type PolicyParse = { ok: true; policy: AgentPolicy } | { ok: false; errors: PolicyErrors };

/**
 * The policy the form describes, or what is wrong with it, field by field. Each message starts
 * with the field's label, so it reads on its own (in a summary, or to a screen reader).
 */
export function formToPolicy(values: PolicyFormValues): PolicyParse {
  const errors: PolicyErrors = {};
  const fail = (field: PolicyField, problem: string) => {
    errors[field] ??= `${POLICY_FIELD_LABELS[field]}: ${problem}.`;
  };

  const daily = wholeNumber(values.daily_message_limit);
  if (typeof daily === "string") fail("daily_message_limit", `${daily}, or leave it empty`);
  const spend = amount(values.monthly_spend_limit);
  if (typeof spend === "string") fail("monthly_spend_limit", `${spend}, or leave it empty`);

  const typedRules = recipientRules(values.allowed_recipients);
  const recipients = typedRules.map(({ rule }) => rule);
  const badRule = typedRules.find(({ rule }) => !recipientRuleSchema.safeParse(rule).success);
  if (badRule !== undefined) {
    fail(
      "allowed_recipients",
      `${quote(badRule.typed)} is neither a number in international format such as +61411111111 nor a prefix ending in * such as +6141*`,
    );
  } else if (recipients.length > 500) {
    fail("allowed_recipients", `at most 500 rules (there are ${String(recipients.length)})`);
  }

  const countries = countryCodes(values.allowed_countries);
  const badCountry = countries.find((code) => !/^[A-Z]{2}$/.test(code) || !countryName(code));
  if (badCountry !== undefined) {
    fail(
      "allowed_countries",
      `${quote(badCountry)} is not a two-letter country code; use codes such as AU, NZ or US`,
    );
  }

  const start = values.quiet_hours_start.trim();
  const end = values.quiet_hours_end.trim();
  const zone = values.quiet_hours_timezone.trim();
  if (start !== "" && end === "") fail("quiet_hours_end", "choose when quiet hours end");
  if (start === "" && end !== "") fail("quiet_hours_start", "choose when quiet hours start");
  if (start !== "" && start === end) {
    fail("quiet_hours_end", "quiet hours must end at a different time than they start");
  }
  if (start !== "" && zone === "") {
    fail("quiet_hours_timezone", "choose the time zone quiet hours are in, such as Europe/London");
  }
  if (zone !== "" && !isKnownTimeZone(zone)) {
    fail(
      "quiet_hours_timezone",
      `${quote(zone)} is not a known time zone; use a name such as Australia/Sydney`,
    );
  }
  if (!(APPROVAL_MODES as readonly string[]).includes(values.approval_mode)) {
    fail("approval_mode", "choose when a send needs your approval");
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  // The contracts' schema has the last word, so the form and the server agree on what is valid.
  const parsed = agentPolicySchema.safeParse({
    daily_message_limit: daily,
    monthly_spend_limit: spend,
    allowed_recipients: recipients.length > 0 ? recipients : null,
    allowed_countries: countries.length > 0 ? countries : null,
    quiet_hours_start: start === "" ? null : start,
    quiet_hours_end: end === "" ? null : end,
    quiet_hours_timezone: zone === "" ? null : zone,
    approval_mode: values.approval_mode,
  });
  if (parsed.success) return { ok: true, policy: parsed.data };
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (typeof field === "string" && field in POLICY_FIELD_LABELS) {
      fail(field as PolicyField, issue.message);
    }
  }
  return { ok: false, errors };
}

/**
 * The field a database refusal names ("quiet_hours_timezone: Mars/Base is not a known time
 * zone…"), so its message can sit under that field.
 */
export function fieldOfServerMessage(message: string): PolicyField | undefined {
  const name = /^([a-z_]+):/.exec(message)?.[1];
  return name !== undefined && name in POLICY_FIELD_LABELS ? (name as PolicyField) : undefined;
}
