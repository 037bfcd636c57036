import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { toE164 } from "@contracts/phone.ts";
import { toApiError, type ApiError } from "@/lib/api-error";
import { optOutKeys } from "@/lib/opt-outs/query-keys";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/**
 * The add form: a number as a person types it, read in the chosen connection's country when it
 * has no +country code (the same rule as the composer and the server), and that connection.
 */
export function addOptOutFormSchema(country: string) {
  return z.object({
    connectionId: z.string().min(1, "Choose the ClickSend account."),
    phone: z
      .string()
      .trim()
      .min(1, "Enter the phone number that asked not to be texted.")
      .transform((input, context) => {
        const result = toE164(input, country);
        if (result.ok) return result.e164;
        context.addIssue({ code: "custom", message: `${input} ${result.reason}.` });
        return z.NEVER;
      }),
  });
}
export type AddOptOutInput = { connectionId: string; phone: string };

const addResultSchema = z.object({
  added: z.boolean(),
  account_username: z.string(),
  phone: z.string(),
});
export type AddOptOutResult = z.infer<typeof addResultSchema>;

/** Adds an E.164 number to the list of the connection's account; `added` is false if it was there. */
async function addOptOut({ connectionId, phone }: AddOptOutInput): Promise<AddOptOutResult> {
  const { data, error, status } = await supabase.rpc("clicksend_opt_out_add", {
    p_connection_id: connectionId,
    p_phone: phone,
  });
  if (error) throw toApiError(error, status);
  return parseResponse(addResultSchema, data, "the added opt-out");
}

export function useAddOptOut() {
  const queryClient = useQueryClient();
  return useMutation<AddOptOutResult, ApiError, AddOptOutInput>({
    mutationFn: addOptOut,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: optOutKeys.all }),
  });
}
