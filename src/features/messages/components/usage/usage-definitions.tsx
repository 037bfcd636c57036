import {
  COST_MEANING,
  SUCCESS_RATE_MEANING,
  USAGE_FIGURES,
} from "@/features/messages/utils/usage-figures";

const DEFINITIONS = [
  ...USAGE_FIGURES.map(({ label, meaning }) => ({ label, meaning })),
  { label: "Success rate", meaning: SUCCESS_RATE_MEANING },
  { label: "Cost", meaning: COST_MEANING },
];

/** The definitions the usage figures are computed from, one click away. */
export function UsageDefinitions() {
  return (
    <details className="text-xs text-slate-600 dark:text-slate-300">
      <summary className="cursor-pointer font-medium text-slate-700 dark:text-slate-200">
        How these are counted
      </summary>
      <dl className="mt-2 space-y-1.5">
        {DEFINITIONS.map(({ label, meaning }) => (
          <div key={label}>
            <dt className="inline font-medium text-slate-700 dark:text-slate-200">{label}: </dt>
            <dd className="inline">{meaning}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
