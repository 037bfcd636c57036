import type { UseFormRegisterReturn } from "react-hook-form";

import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

type ScheduleFieldsProps = {
  scheduled: boolean;
  checkbox: UseFormRegisterReturn;
  sendAt: UseFormRegisterReturn;
  error?: string;
};

/** "Send later" and, when ticked, the local date and time to send at. */
export function ScheduleFields({ scheduled, checkbox, sendAt, error }: ScheduleFieldsProps) {
  return (
    <div className="space-y-3">
      <label className="inline-flex items-center gap-2 text-sm font-medium">
        <input
          type="checkbox"
          className="size-4 rounded border-slate-300 accent-blue-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:focus-visible:outline-blue-400"
          {...checkbox}
        />
        Send later
      </label>
      {scheduled ? (
        <Field
          label="Send at"
          description={`Your local time (${timeZone}).`}
          error={error}
          className="max-w-xs"
        >
          <Input type="datetime-local" {...sendAt} />
        </Field>
      ) : null}
    </div>
  );
}
