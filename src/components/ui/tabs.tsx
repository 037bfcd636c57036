import {
  createContext,
  useCallback,
  useContext,
  useId,
  useMemo,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from "react";

import { cn } from "@/utils/cn";

type TabsContextValue = {
  baseId: string;
  value: string;
  select: (value: string) => void;
};

const TabsContext = createContext<TabsContextValue | null>(null);

function useTabs(component: string): TabsContextValue {
  const context = useContext(TabsContext);
  if (!context) throw new Error(`<${component}> must be inside <Tabs>.`);
  return context;
}

const safeId = (value: string) => value.replace(/[^\w-]/g, "_");
const tabId = (baseId: string, value: string) => `${baseId}-tab-${safeId(value)}`;
const panelId = (baseId: string, value: string) => `${baseId}-panel-${safeId(value)}`;

type TabsProps = {
  /** Controlled: the selected tab's value (e.g. from the URL). */
  value?: string;
  /** Uncontrolled: the tab selected first. */
  defaultValue?: string;
  onValueChange?: (value: string) => void;
  className?: string;
  children: ReactNode;
};

/** Tabs per the ARIA pattern: arrow keys, Home and End move between tabs and select them. */
export function Tabs({ value, defaultValue = "", onValueChange, className, children }: TabsProps) {
  const baseId = useId();
  const [uncontrolled, setUncontrolled] = useState(defaultValue);
  const selected = value ?? uncontrolled;
  const select = useCallback(
    (next: string) => {
      if (value === undefined) setUncontrolled(next);
      onValueChange?.(next);
    },
    [value, onValueChange],
  );
  const context = useMemo(() => ({ baseId, value: selected, select }), [baseId, selected, select]);
  return (
    <TabsContext value={context}>
      <div className={className}>{children}</div>
    </TabsContext>
  );
}

type TabListProps = {
  /** Names the tab list, e.g. "Message history". */
  label: string;
  className?: string;
  children: ReactNode;
};

export function TabList({ label, className, children }: TabListProps) {
  return (
    <div
      role="tablist"
      aria-label={label}
      aria-orientation="horizontal"
      className={cn(
        // The bottom rule is an inset shadow, painted under the tabs, so the selected tab's border
        // covers it without overflowing the list (which would show a vertical scrollbar).
        "flex gap-1 overflow-x-auto overflow-y-hidden shadow-[inset_0_-1px_0_var(--color-slate-200)] dark:shadow-[inset_0_-1px_0_var(--color-slate-800)]",
        className,
      )}
    >
      {children}
    </div>
  );
}

/** Arrow keys wrap around; Home and End jump. Moving also selects (automatic activation). */
function handleTabKeyDown(
  event: KeyboardEvent<HTMLButtonElement>,
  select: (value: string) => void,
) {
  const tablist = event.currentTarget.closest('[role="tablist"]');
  if (!tablist) return;
  const tabs = Array.from(
    tablist.querySelectorAll<HTMLButtonElement>('[role="tab"]:not([disabled])'),
  );
  const current = tabs.indexOf(event.currentTarget);
  const last = tabs.length - 1;
  const targets: Partial<Record<string, number>> = {
    ArrowRight: current === last ? 0 : current + 1,
    ArrowLeft: current <= 0 ? last : current - 1,
    Home: 0,
    End: last,
  };
  const index = targets[event.key];
  const target = index === undefined ? undefined : tabs[index];
  if (!target) return;
  event.preventDefault();
  target.focus();
  select(target.dataset.value ?? "");
}

type TabProps = {
  value: string;
  disabled?: boolean;
  children: ReactNode;
};

export function Tab({ value, disabled = false, children }: TabProps) {
  const { baseId, value: selectedValue, select } = useTabs("Tab");
  const selected = value === selectedValue;
  return (
    <button
      type="button"
      role="tab"
      id={tabId(baseId, value)}
      data-value={value}
      aria-selected={selected}
      aria-controls={selected ? panelId(baseId, value) : undefined}
      tabIndex={selected ? 0 : -1}
      disabled={disabled}
      onClick={() => {
        select(value);
      }}
      onKeyDown={(event) => {
        handleTabKeyDown(event, select);
      }}
      className={cn(
        "border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors",
        "focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-blue-600 dark:focus-visible:outline-blue-400",
        "disabled:cursor-not-allowed disabled:opacity-60",
        selected
          ? "border-blue-600 text-blue-800 dark:border-blue-400 dark:text-blue-200"
          : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white",
      )}
    >
      {children}
    </button>
  );
}

type TabPanelProps = {
  value: string;
  className?: string;
  children: ReactNode;
};

/** Rendered only while its tab is selected, so a hidden tab's queries do not run. */
export function TabPanel({ value, className, children }: TabPanelProps) {
  const { baseId, value: selectedValue } = useTabs("TabPanel");
  if (value !== selectedValue) return null;
  return (
    <div
      role="tabpanel"
      id={panelId(baseId, value)}
      aria-labelledby={tabId(baseId, value)}
      tabIndex={0}
      className={cn(
        "pt-4 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:focus-visible:outline-blue-400",
        className,
      )}
    >
      {children}
    </div>
  );
}
