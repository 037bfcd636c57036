import { useId } from "react";
import { useWatch, type UseFormReturn } from "react-hook-form";

import type { AgentPolicy, ApprovalMode } from "@contracts/guardrails.ts";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import {
  browserTimeZone,
  countryName,
  POLICY_FIELD_LABELS,
  type PolicyFormValues,
} from "@/features/agents/components/policy-form";
import { useBalance } from "@/lib/connections/get-balance";
import { useActiveConnections } from "@/lib/connections/get-connections";
import { cn } from "@/utils/cn";

type PolicyForm = UseFormReturn<PolicyFormValues, unknown, AgentPolicy>;

const APPROVAL_CHOICES: { mode: ApprovalMode; label: string; explanation: string }[] = [
  {
    mode: "never",
    label: "Never",
    explanation: "Sends go out at once, within the rules above.",
  },
  {
    mode: "first_contact",
    label: "First contact",
    explanation:
      "A send to a number this agent has never texted waits for your approval; numbers it has texted before get theirs at once.",
  },
  {
    mode: "always",
    label: "Always",
    explanation: "Every send waits for your approval on the Approvals page.",
  },
];

const ACCOUNT_CURRENCY = "your ClickSend account’s currency";

function BalanceCurrency({ connectionId }: { connectionId: string }) {
  const balance = useBalance(connectionId);
  return balance.data ? (
    <>
      {balance.data.currency}, {ACCOUNT_CURRENCY}
    </>
  ) : (
    <>{ACCOUNT_CURRENCY}</>
  );
}

/** The currency the spend limit is in: the account's own, named when there is only one. */
function SpendCurrency() {
  const connections = useActiveConnections();
  const only = connections.data?.length === 1 ? connections.data[0] : undefined;
  return only ? <BalanceCurrency connectionId={only.id} /> : <>{ACCOUNT_CURRENCY}</>;
}

/** The names of the codes typed so far, so "NZ" can be checked as "New Zealand". */
function CountryNames({ form }: { form: PolicyForm }) {
  const text = useWatch({ control: form.control, name: "allowed_countries" });
  const names = text
    .split(/[\s,;]+/)
    .map((code) => code.toUpperCase())
    .filter((code) => /^[A-Z]{2}$/.test(code))
    .map((code) => countryName(code))
    .filter((name): name is string => name !== undefined);
  return names.length > 0 ? <> Now: {names.join(", ")}.</> : null;
}

const clockFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

/** "22:00" as the time inputs show it in the user's locale ("10:00 PM" in the US). */
function clock(time: string): string {
  const [hours = 0, minutes = 0] = time.split(":").map(Number);
  return clockFormat.format(new Date(2000, 0, 1, hours, minutes));
}

/** Whether the window crosses midnight, in words, once both ends are chosen. */
function QuietHoursSpan({ form }: { form: PolicyForm }) {
  const [start, end] = useWatch({
    control: form.control,
    name: ["quiet_hours_start", "quiet_hours_end"],
  });
  if (start === "" || end === "" || start === end) return null;
  return (
    <p className="text-sm font-medium">
      {start > end
        ? `No sends from ${clock(start)} until ${clock(end)} the next morning.`
        : `No sends from ${clock(start)} until ${clock(end)} the same day.`}
    </p>
  );
}

const legendClasses = "text-sm font-semibold";
const noteClasses = "text-sm text-slate-600 dark:text-slate-300";

/** The rules of "Limits and safety", each with what it does. */
export function PolicyFields({ form }: { form: PolicyForm }) {
  const { register, formState } = form;
  const { errors } = formState;
  const zonesId = useId();
  const quietNoteId = useId();
  const approvalNoteId = useId();
  const choiceId = useId();
  const zones =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

  return (
    <>
      <div className="grid gap-4 md:grid-cols-2">
        <Field
          label={POLICY_FIELD_LABELS.daily_message_limit}
          optional
          description="Messages in any 24 hours: each recipient counts once per SMS part, so a 2-part text to 3 numbers is 6. A send that would go over is refused whole."
          error={errors.daily_message_limit?.message}
        >
          <Input inputMode="numeric" placeholder="No limit" {...register("daily_message_limit")} />
        </Field>
        <Field
          label={POLICY_FIELD_LABELS.monthly_spend_limit}
          optional
          description={
            <>
              In <SpendCurrency />, over the calendar month in the time zone below (UTC if none).
              Each send is priced first; one that would cross the limit is refused whole.
            </>
          }
          error={errors.monthly_spend_limit?.message}
        >
          <Input inputMode="decimal" placeholder="No limit" {...register("monthly_spend_limit")} />
        </Field>
        <Field
          label={POLICY_FIELD_LABELS.allowed_recipients}
          optional
          description="One per line: a number in international format (+61411111111), or a prefix ending in * (+6141* allows every number that starts +6141). Any other number is left out of a send and reported as not allowed; the other recipients still get it. Empty: any number."
          error={errors.allowed_recipients?.message}
        >
          <Textarea
            rows={4}
            spellCheck={false}
            autoCapitalize="none"
            autoCorrect="off"
            placeholder={"+61411111111\n+6141*"}
            className="font-mono"
            {...register("allowed_recipients")}
          />
        </Field>
        <Field
          label={POLICY_FIELD_LABELS.allowed_countries}
          optional
          description={
            <>
              Two-letter country codes, separated by commas, such as AU, NZ. A number in another
              country is left out and reported; the rest still get the message. Empty: any country.
              <CountryNames form={form} />
            </>
          }
          error={errors.allowed_countries?.message}
        >
          <Input
            spellCheck={false}
            autoCapitalize="characters"
            autoCorrect="off"
            placeholder="AU, NZ"
            {...register("allowed_countries")}
          />
        </Field>
      </div>

      <fieldset className="space-y-3" aria-describedby={quietNoteId}>
        <legend className={legendClasses}>Quiet hours</legend>
        <p id={quietNoteId} className={noteClasses}>
          No sends between the start and the end, in the time zone chosen. A start later than the
          end spans midnight (22:00 to 07:00 is overnight). A scheduled send is judged at the time
          it is scheduled for, not when the agent asks. A send in quiet hours is refused whole, and
          the refusal says when sending opens again. Leave both times empty for none.
        </p>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field
            label={POLICY_FIELD_LABELS.quiet_hours_start}
            optional
            error={errors.quiet_hours_start?.message}
          >
            <Input type="time" {...register("quiet_hours_start")} />
          </Field>
          <Field
            label={POLICY_FIELD_LABELS.quiet_hours_end}
            optional
            error={errors.quiet_hours_end?.message}
          >
            <Input type="time" {...register("quiet_hours_end")} />
          </Field>
          <Field
            label={POLICY_FIELD_LABELS.quiet_hours_timezone}
            description={`Yours is ${browserTimeZone()}.`}
            error={errors.quiet_hours_timezone?.message}
          >
            <Input
              list={zonesId}
              spellCheck={false}
              autoCapitalize="none"
              autoCorrect="off"
              placeholder="Australia/Sydney"
              {...register("quiet_hours_timezone")}
            />
          </Field>
        </div>
        <datalist id={zonesId}>
          {zones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <QuietHoursSpan form={form} />
      </fieldset>

      <fieldset className="space-y-2" aria-describedby={approvalNoteId}>
        <legend className={legendClasses}>Approval</legend>
        <p id={approvalNoteId} className={noteClasses}>
          When a send must wait for you. A waiting send is not sent, and the agent is told so; you
          approve, edit or reject it on the Approvals page. After 24 hours it expires unsent.
        </p>
        <div className="space-y-2">
          {APPROVAL_CHOICES.map((choice) => (
            <label
              key={choice.mode}
              className={cn(
                "flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 px-3 py-2 dark:border-slate-700",
                "has-checked:border-blue-600 has-checked:bg-blue-50 dark:has-checked:border-blue-400 dark:has-checked:bg-blue-950",
                "has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-blue-600 dark:has-focus-visible:outline-blue-400",
              )}
            >
              <input
                type="radio"
                value={choice.mode}
                aria-labelledby={`${choiceId}-${choice.mode}`}
                aria-describedby={`${choiceId}-${choice.mode}-note`}
                {...register("approval_mode")}
                className="mt-0.5 size-4 shrink-0 accent-blue-600 focus-visible:outline-none dark:accent-blue-400"
              />
              <span className="min-w-0 text-sm">
                <span id={`${choiceId}-${choice.mode}`} className="font-medium">
                  {choice.label}
                </span>
                <span
                  id={`${choiceId}-${choice.mode}-note`}
                  className="block text-slate-600 dark:text-slate-300"
                >
                  {choice.explanation}
                </span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}
