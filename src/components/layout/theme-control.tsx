import { useId, type ReactNode } from "react";

import { useTheme, type ThemeChoice } from "@/lib/theme";
import { cn } from "@/utils/cn";

const iconProps = {
  "aria-hidden": true,
  viewBox: "0 0 20 20",
  fill: "none",
  stroke: "currentColor",
  strokeWidth: 1.6,
  strokeLinecap: "round",
  strokeLinejoin: "round",
  className: "size-4",
} as const;

const OPTIONS: { value: ThemeChoice; label: string; icon: ReactNode }[] = [
  {
    value: "light",
    label: "Light",
    icon: (
      <svg {...iconProps}>
        <circle cx="10" cy="10" r="3.5" />
        <path d="M10 1.75v2M10 16.25v2M1.75 10h2M16.25 10h2M4.2 4.2l1.4 1.4M14.4 14.4l1.4 1.4M4.2 15.8l1.4-1.4M14.4 5.6l1.4-1.4" />
      </svg>
    ),
  },
  {
    value: "dark",
    label: "Dark",
    icon: (
      <svg {...iconProps}>
        <path d="M16.5 12.2A7 7 0 0 1 7.8 3.5a7 7 0 1 0 8.7 8.7Z" />
      </svg>
    ),
  },
  {
    value: "system",
    label: "System",
    icon: (
      <svg {...iconProps}>
        <rect x="2.5" y="3.5" width="15" height="10" rx="1.5" />
        <path d="M7 16.5h6M10 13.5v3" />
      </svg>
    ),
  },
];

/**
 * Light, dark or the device's setting, as three radio buttons drawn as small icon toggles (arrow
 * keys move between them, as in any radio group). Each has its word as its name and as a tooltip;
 * the group is named "Theme", so a screen reader says e.g. "Theme, System, selected".
 */
export function ThemeControl({ className }: { className?: string }) {
  const { choice, setChoice } = useTheme();
  const name = useId();

  return (
    <fieldset className={cn("shrink-0", className)}>
      <legend className="sr-only">Theme</legend>
      <div className="inline-flex rounded-md border border-slate-300 p-0.5 dark:border-slate-700">
        {OPTIONS.map((option) => (
          <label
            key={option.value}
            title={option.label}
            className={cn(
              "flex cursor-pointer items-center justify-center rounded p-1.5 text-slate-700 dark:text-slate-200",
              "hover:bg-slate-100 dark:hover:bg-slate-800",
              "has-checked:bg-blue-600 has-checked:text-white dark:has-checked:bg-blue-600",
              "has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-blue-600 dark:has-focus-visible:outline-blue-400",
            )}
          >
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={choice === option.value}
              onChange={() => {
                setChoice(option.value);
              }}
              className="sr-only"
            />
            {option.icon}
            <span className="sr-only">{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
