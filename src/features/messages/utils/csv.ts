export type CsvColumn<T> = {
  header: string;
  value: (row: T) => string | number | null;
};

/**
 * Spreadsheets run a cell starting with = + - @ as a formula. Message text can come from anyone,
 * so such cells get a leading apostrophe; numbers and phone numbers (+61…) stay as they are.
 */
function neutraliseFormula(text: string): string {
  if (/^[+-]?[\d\s().,-]*\d[\d\s().,-]*$/.test(text)) return text;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180 quoting: a cell with a comma, quote or line break is quoted, quotes doubled. */
function cell(value: string | number | null): string {
  if (value === null) return "";
  const text = neutraliseFormula(String(value));
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The rows as CSV text: a header line, then one line per row, CRLF line ends. */
export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  const lines = [
    columns.map((column) => cell(column.header)).join(","),
    ...rows.map((row) => columns.map((column) => cell(column.value(row))).join(",")),
  ];
  return `${lines.join("\r\n")}\r\n`;
}

/** Saves text as a .csv download; the byte-order mark makes Excel read it as UTF-8. */
export function downloadCsv(filename: string, csv: string): void {
  const blob = new Blob(["\uFEFF", csv], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Let the browser start the download before the URL goes.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 0);
}
