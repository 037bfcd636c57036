import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { sendOutcomeSchema, type SendOutcome } from "@contracts/send-outcome.ts";
import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
import { messagesKeys } from "@/features/messages/api/query-keys";
import { composerMediaUrl, toolArgumentSchemas } from "@/features/messages/utils/backend";
import type { ApiError } from "@/lib/api-error";
import { connectionKeys } from "@/lib/connections/query-keys";

/** Same rule as the server: a repeated key answers with the first result and sends nothing. */
const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/);

const sendSmsInputSchema = toolArgumentSchemas.clicksend_send_sms.extend({
  idempotency_key: idempotencyKeySchema,
});
/** media_url by shape only: the server decides (a public URL, or ClickSend's own upload URL). */
const sendMmsInputSchema = toolArgumentSchemas.clicksend_send_mms.extend({
  media_url: composerMediaUrl,
  idempotency_key: idempotencyKeySchema,
});

export type SendMessageInput = (
  | { channel: "sms"; params: z.infer<typeof sendSmsInputSchema> }
  | { channel: "mms"; params: z.infer<typeof sendMmsInputSchema> }
) & {
  /** Stops waiting for the answer (the server carries on: the message may still go out). */
  signal?: AbortSignal;
};

export type { SendOutcome };

function sendMessage(connectionId: string, input: SendMessageInput): Promise<SendOutcome> {
  return input.channel === "sms"
    ? callClickSendApi(connectionId, "send_sms", sendSmsInputSchema.parse(input.params), {
        result: sendOutcomeSchema,
        signal: input.signal,
      })
    : callClickSendApi(connectionId, "send_mms", sendMmsInputSchema.parse(input.params), {
        result: sendOutcomeSchema,
        signal: input.signal,
      });
}

/**
 * Sends an SMS or MMS. Never retried automatically (ClickSend may already have accepted it); a
 * manual retry must reuse the same idempotency key. History, threads, balance and usage are refreshed
 * whatever the outcome, since even a failed request may have sent something.
 */
export function useSendMessage(connectionId: string) {
  const queryClient = useQueryClient();
  return useMutation<SendOutcome, ApiError, SendMessageInput>({
    mutationFn: (input) => sendMessage(connectionId, input),
    retry: false,
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: messagesKeys.histories(connectionId) }),
        queryClient.invalidateQueries({ queryKey: messagesKeys.conversations(connectionId) }),
        queryClient.invalidateQueries({ queryKey: connectionKeys.balance(connectionId) }),
        queryClient.invalidateQueries({ queryKey: messagesKeys.usages() }),
      ]);
    },
  });
}
