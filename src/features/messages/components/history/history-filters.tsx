import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";

import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { NO_FILTERS, type HistoryFilters } from "@/features/messages/hooks/use-history-view";
import { toE164 } from "@/features/messages/utils/backend";
import { isDay } from "@/features/messages/utils/dates";
import { describeStatus } from "@/features/messages/utils/status";

function filtersSchema(defaultCountry: string) {
  return z
    .object({
      from: z.string().refine((value) => value === "" || isDay(value), "Enter a valid date."),
      to: z.string().refine((value) => value === "" || isDay(value), "Enter a valid date."),
      status: z.string(),
      number: z.string().trim(),
    })
    .superRefine((values, context) => {
      if (values.from !== "" && values.to !== "" && values.from > values.to) {
        context.addIssue({
          code: "custom",
          path: ["to"],
          message: "The end date must be on or after the start date.",
        });
      }
      if (values.number !== "") {
        const result = toE164(values.number, defaultCountry);
        if (!result.ok) {
          context.addIssue({
            code: "custom",
            path: ["number"],
            message: `${values.number} ${result.reason}.`,
          });
        }
      }
    })
    .transform((values): HistoryFilters => {
      const number = values.number === "" ? undefined : toE164(values.number, defaultCountry);
      return { ...values, number: number?.ok ? number.e164 : "" };
    });
}

type HistoryFiltersFormProps = {
  /** Names the form, e.g. "Filter SMS history". */
  label: string;
  statuses: readonly string[];
  filters: HistoryFilters;
  defaultCountry: string;
  onApply: (filters: HistoryFilters) => void;
};

/** Date range, status and recipient, applied together; the server does the filtering. */
export function HistoryFiltersForm({
  label,
  statuses,
  filters,
  defaultCountry,
  onApply,
}: HistoryFiltersFormProps) {
  const schema = useMemo(() => filtersSchema(defaultCountry), [defaultCountry]);
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors },
  } = useForm<z.input<typeof schema>, unknown, HistoryFilters>({
    resolver: zodResolver(schema),
    // Follows the URL, e.g. after Back.
    values: filters,
  });

  return (
    <form
      noValidate
      aria-label={label}
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_1fr_1.3fr_auto] lg:items-start"
      onSubmit={(event) => {
        void handleSubmit(onApply)(event);
      }}
    >
      <Field label="From date" error={errors.from?.message}>
        <Input type="date" {...register("from")} />
      </Field>
      <Field label="To date" error={errors.to?.message}>
        <Input type="date" {...register("to")} />
      </Field>
      <Field label="Status" error={errors.status?.message}>
        <Select {...register("status")}>
          <option value="">All statuses</option>
          {statuses.map((status) => (
            <option key={status} value={status}>
              {describeStatus(status, null).label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Phone number" error={errors.number?.message}>
        <Input type="tel" inputMode="tel" placeholder="+61412345678" {...register("number")} />
      </Field>
      <div className="flex gap-2 sm:col-span-2 lg:col-span-1 lg:mt-6.5">
        <Button type="submit" size="sm">
          Apply filters
        </Button>
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            reset(NO_FILTERS);
            onApply(NO_FILTERS);
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
