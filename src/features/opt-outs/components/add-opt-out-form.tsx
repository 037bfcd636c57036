import { zodResolver } from "@hookform/resolvers/zod";
import { useId } from "react";
import { useForm, useWatch, type Resolver } from "react-hook-form";

import type { Connection } from "@contracts/connection-schemas.ts";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useToast } from "@/components/ui/toast/use-toast";
import {
  addOptOutFormSchema,
  useAddOptOut,
  type AddOptOutInput,
} from "@/features/opt-outs/api/add-opt-out";
import { connectionTitle } from "@/lib/connections/get-connections";
import { accountOf } from "@/lib/opt-outs/get-opt-outs";

type FormValues = { connectionId: string; phone: string };

/** One connection per account (an active one first): the list is the account's, not the connection's. */
function oneConnectionPerAccount(connections: Connection[]): Connection[] {
  const chosen = new Map<string, Connection>();
  for (const connection of connections) {
    const account = accountOf(connection);
    if (account === null) continue;
    const current = chosen.get(account);
    if (
      !current ||
      (current.connection_status !== "active" && connection.connection_status === "active")
    ) {
      chosen.set(account, connection);
    }
  }
  return [...chosen.values()];
}

/**
 * Adds a number by hand: the person asked by another way than a STOP reply. A national number is
 * read in the chosen connection's country; a number that is not valid is said so and sends nothing.
 */
export function AddOptOutForm({ connections }: { connections: Connection[] }) {
  const headingId = useId();
  const toast = useToast();
  const add = useAddOptOut();
  const choices = oneConnectionPerAccount(connections);
  const first = choices[0];
  const countryOf = (id: string) =>
    choices.find((connection) => connection.id === id)?.default_country ?? "AU";
  // The schema depends on the chosen connection's country, so it is built per validation.
  const resolver: Resolver<FormValues, unknown, AddOptOutInput> = (values, context, options) =>
    zodResolver(addOptOutFormSchema(countryOf(values.connectionId)))(values, context, options);
  const {
    register,
    handleSubmit,
    control,
    reset,
    formState: { errors },
  } = useForm<FormValues, unknown, AddOptOutInput>({
    resolver,
    defaultValues: { connectionId: first?.id ?? "", phone: "" },
  });
  const connectionId = useWatch({ control, name: "connectionId" });

  if (!first) return null;
  const country = countryOf(connectionId);

  return (
    <section
      aria-labelledby={headingId}
      className="rounded-lg border border-slate-200 p-4 sm:p-5 dark:border-slate-800"
    >
      <h2 id={headingId} className="text-lg font-semibold">
        Add a number
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
        For someone who asked not to be texted another way, by phone or email. Nothing is sent to
        them from the account once added.
      </p>
      <form
        noValidate
        className="mt-4 space-y-4"
        onSubmit={(event) => {
          void handleSubmit((input) => {
            add.mutate(input, {
              onSuccess: (result) => {
                if (result.added) {
                  toast.success(
                    `${result.phone} added to opt-outs`,
                    `Nothing will be sent to it from ${result.account_username}.`,
                  );
                } else {
                  toast.info(`${result.phone} is already on the list`, "Nothing changed.");
                }
                reset({ connectionId: input.connectionId, phone: "" });
              },
            });
          })(event);
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          {choices.length > 1 ? (
            <Field label="ClickSend account" error={errors.connectionId?.message}>
              <Select {...register("connectionId")}>
                {choices.map((connection) => (
                  <option key={connection.id} value={connection.id}>
                    {connectionTitle(connection)}
                  </option>
                ))}
              </Select>
            </Field>
          ) : null}
          <Field
            label="Phone number"
            description={`International format such as +61412345678, or a local number in ${country}.`}
            error={errors.phone?.message}
          >
            <Input type="tel" inputMode="tel" autoComplete="off" {...register("phone")} />
          </Field>
        </div>
        {add.error ? (
          <Alert tone="error" title="Not added">
            {add.error.message}
          </Alert>
        ) : null}
        <Button type="submit" busy={add.isPending}>
          Add to opt-outs
        </Button>
      </form>
    </section>
  );
}
