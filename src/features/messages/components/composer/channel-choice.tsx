import type { UseFormRegisterReturn } from "react-hook-form";

import { cn } from "@/utils/cn";

const CHANNELS = [
  { value: "sms", label: "SMS" },
  { value: "mms", label: "MMS (picture)" },
] as const;

/** SMS or MMS as a pair of radio buttons that look like a segmented control. */
export function ChannelChoice({ registration }: { registration: UseFormRegisterReturn }) {
  return (
    <fieldset>
      <legend className="text-sm font-medium">Message type</legend>
      <div className="mt-1.5 inline-flex rounded-md border border-slate-300 p-0.5 dark:border-slate-700">
        {CHANNELS.map((channel) => (
          <label
            key={channel.value}
            className={cn(
              "cursor-pointer rounded px-3 py-1.5 text-sm font-medium text-slate-700 dark:text-slate-200",
              "has-checked:bg-blue-600 has-checked:text-white",
              "has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-blue-600 dark:has-focus-visible:outline-blue-400",
            )}
          >
            <input type="radio" value={channel.value} className="sr-only" {...registration} />
            {channel.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
