// What a benchmark suite reports, and how run.ts prints it.

export type Unit = "ms" | "s" | "ratio" | "count" | "per_s" | "kB";

/** A figure's target: met when `value <= max`. */
export interface Goal {
  max: number;
  /** How the goal reads in the table, e.g. "<= 2x". */
  text: string;
}

export interface Figure {
  /** Key in bench/results.json; unique across all suites. */
  key: string;
  /** What the table shows in its first column. */
  label: string;
  value: number;
  unit: Unit;
  goal?: Goal;
}

export interface Suite {
  /** Short name, also accepted on the command line to run only this suite. */
  name: string;
  run(): Promise<Figure[]>;
}

export function goalMet(figure: Figure): boolean | undefined {
  return figure.goal === undefined ? undefined : figure.value <= figure.goal.max;
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

/** A plain-text table: figure, value, goal, met (and the key in results.json). */
export function formatTable(figures: readonly Figure[]): string {
  const header = ["figure", "value", "goal", "met", "results.json key"];
  const rows = figures.map((figure) => {
    const met = goalMet(figure);
    return [
      figure.label,
      formatValue(figure),
      figure.goal?.text ?? "",
      met === undefined ? "" : met ? "yes" : "NO",
      figure.key,
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        // Numbers right-aligned, text left-aligned.
        return column === 1 ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}
