import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { toApiError, type ApiError } from "@/lib/api-error";
import { optOutKeys } from "@/lib/opt-outs/query-keys";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

export type RemoveOptOutInput = { account: string; phone: string };

/**
 * Takes a number off one account's list (kept in its consent history as an opt-in by hand);
 * false when it was no longer there.
 */
async function removeOptOut({ account, phone }: RemoveOptOutInput): Promise<boolean> {
  const { data, error, status } = await supabase.rpc("clicksend_opt_out_remove", {
    p_account_username: account,
    p_phone: phone,
  });
  if (error) throw toApiError(error, status);
  return parseResponse(z.boolean(), data, "the removed opt-out");
}

export function useRemoveOptOut() {
  const queryClient = useQueryClient();
  return useMutation<boolean, ApiError, RemoveOptOutInput>({
    mutationFn: removeOptOut,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: optOutKeys.all }),
  });
}
