import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
import { messagesKeys } from "@/features/messages/api/query-keys";
import { toolArgumentSchemas } from "@/features/messages/utils/backend";

/** The server's own schema: the send arguments that decide the price. */
const priceSmsInputSchema = toolArgumentSchemas.clicksend_send_sms.pick({
  to: true,
  body: true,
  from: true,
  default_country: true,
});
export type PriceSmsInput = z.infer<typeof priceSmsInputSchema>;

/** What a price action answers, for SMS and MMS alike. */
export const priceSchema = z.object({
  total_price: z.number(),
  currency: z.string().nullable(),
  messages: z.array(
    z.object({
      to: z.string(),
      parts: z.number().nullable(),
      price: z.number().nullable(),
      status: z.string(),
    }),
  ),
});

export type MessagePrice = z.infer<typeof priceSchema>;

/** What ClickSend would charge for this SMS; nothing is sent. */
function priceSms(
  connectionId: string,
  input: PriceSmsInput,
  signal?: AbortSignal,
): Promise<MessagePrice> {
  return callClickSendApi(connectionId, "price_sms", priceSmsInputSchema.parse(input), {
    result: priceSchema,
    signal,
  });
}

function priceSmsQueryOptions(connectionId: string, input: PriceSmsInput) {
  return queryOptions({
    queryKey: messagesKeys.price(connectionId, input),
    queryFn: ({ signal }) => priceSms(connectionId, input, signal),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });
}

/** The price of the composed SMS; pass null while there is nothing valid to price. */
export function usePriceSms(connectionId: string, input: PriceSmsInput | null) {
  return useQuery({
    ...priceSmsQueryOptions(connectionId, input ?? { to: [""], body: "" }),
    enabled: input !== null,
  });
}
