// What a benchmark suite reports, and how run.ts prints it.

type Unit = "ms" | "s" | "ratio" | "count" | "per_s" | "kB";

/**
 * A figure's target: met when `value <= max` (or `value < max` when `strict`) and, when `min` is
 * given, `value >= min` (a count the design fixes, e.g. exactly one extra request: min = max = 1,
 * so fewer shows as clearly as more).
 */
interface Goal {
  max: number;
  min?: number;
  /** How the goal reads in the table, e.g. "<= 2x". */
  text: string;
  strict?: boolean;
}

export interface Figure {
  /** Key in bench/results.json; unique across all suites. */
  key: string;
  /** What the table shows in its first column. */
  label: string;
  value: number;
  unit: Unit;
  goal?: Goal;
  /** Set by run.ts on figures of the per-engine suites: `key` is then `${baseKey}_${engine}`. */
  engine?: string;
  baseKey?: string;
}

export interface Suite {
  /** Short name, also accepted on the command line to run only this suite. */
  name: string;
  run(): Promise<Figure[]>;
}

export function goalMet(figure: Figure): boolean | undefined {
  const goal = figure.goal;
  if (goal === undefined) return undefined;
  if (goal.min !== undefined && figure.value < goal.min) return false;
  return goal.strict === true ? figure.value < goal.max : figure.value <= goal.max;
}

function formatValue(figure: Figure): string {
  switch (figure.unit) {
    case "ms":
      return `${figure.value.toFixed(3)} ms`;
    case "s":
      return `${figure.value.toFixed(1)} s`;
    case "ratio":
      return `${figure.value.toFixed(2)}x`;
    case "count":
      return figure.value.toLocaleString("en-US");
    case "per_s":
      return `${figure.value.toFixed(1)} /s`;
    case "kB":
      return `${figure.value.toFixed(1)} kB`;
  }
}

function metText(figure: Figure | undefined): string {
  if (figure === undefined) return "-";
  const met = goalMet(figure);
  return met === undefined ? "" : met ? "yes" : "NO";
}

/** A plain-text table: figure, value, goal, met (and the key in results.json). */
export function formatTable(figures: readonly Figure[]): string {
  const header = ["figure", "value", "goal", "met", "results.json key"];
  const rows = figures.map((figure) => [
    figure.label,
    formatValue(figure),
    figure.goal?.text ?? "",
    metText(figure),
    figure.key,
  ]);
  return layout(header, rows, new Set([1]));
}

/**
 * The per-engine figures side by side: one row per figure, one value and one "met" column per
 * engine, and the key without its engine suffix.
 */
export function formatEngineTable(figures: readonly Figure[], engines: readonly string[]): string {
  const baseKeys: string[] = [];
  for (const figure of figures) {
    const base = figure.baseKey ?? figure.key;
    if (!baseKeys.includes(base)) baseKeys.push(base);
  }
  const header = [
    "figure",
    ...engines,
    "goal",
    ...engines.map((engine) => `met (${engine})`),
    "results.json key (+ _engine)",
  ];
  const rows = baseKeys.map((base) => {
    const byEngine = engines.map((engine) =>
      figures.find((f) => (f.baseKey ?? f.key) === base && f.engine === engine),
    );
    const any = byEngine.find((figure) => figure !== undefined);
    return [
      any?.label ?? base,
      ...byEngine.map((figure) => (figure === undefined ? "-" : formatValue(figure))),
      any?.goal?.text ?? "",
      ...byEngine.map(metText),
      base,
    ];
  });
  return layout(header, rows, new Set(engines.map((_engine, index) => index + 1)));
}

function layout(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned: ReadonlySet<number>,
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        // Numbers right-aligned, text left-aligned.
        return rightAligned.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}
