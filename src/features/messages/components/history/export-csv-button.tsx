import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast/use-toast";
import { downloadCsv, toCsv, type CsvColumn } from "@/features/messages/utils/csv";
import { plural } from "@/features/messages/utils/format";

type ExportCsvButtonProps<T> = {
  rows: readonly T[];
  columns: readonly CsvColumn<T>[];
  filename: string;
};

/** Downloads the rows on screen (this page, these filters) as CSV. */
export function ExportCsvButton<T>({ rows, columns, filename }: ExportCsvButtonProps<T>) {
  const toast = useToast();
  return (
    <Button
      variant="secondary"
      size="sm"
      disabled={rows.length === 0}
      onClick={() => {
        downloadCsv(filename, toCsv(rows, columns));
        toast.success("CSV exported", `${plural(rows.length, "row")} saved as ${filename}.`);
      }}
    >
      Export CSV
    </Button>
  );
}
