import {
  keepPreviousData,
  queryOptions,
  useQuery,
  useQueryClient,
  type QueryClient,
} from "@tanstack/react-query";
import type { z } from "zod";

import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
import { priceSchema, type MessagePrice } from "@/features/messages/api/price-sms";
import { messagesKeys } from "@/features/messages/api/query-keys";
import { fileKey, uploadedMediaQueryOptions } from "@/features/messages/api/upload-media";
import { toolArgumentSchemas } from "@/features/messages/utils/backend";

/** The server's own schema: the MMS send arguments that decide the price (the image apart). */
const priceMmsFieldsSchema = toolArgumentSchemas.clicksend_send_mms.pick({
  to: true,
  subject: true,
  body: true,
  from: true,
  default_country: true,
});
export type PriceMmsInput = z.infer<typeof priceMmsFieldsSchema> & {
  /** ClickSend prices an MMS with its image, so the image is uploaded first (once). */
  image: File;
};

/** What ClickSend would charge for this MMS: its image uploaded (or reused), nothing sent. */
async function priceMms(
  queryClient: QueryClient,
  connectionId: string,
  { image, ...fields }: PriceMmsInput,
  signal?: AbortSignal,
): Promise<MessagePrice> {
  const media = await queryClient.query(uploadedMediaQueryOptions(connectionId, image));
  return callClickSendApi(
    connectionId,
    "price_mms",
    { ...priceMmsFieldsSchema.parse(fields), media_url: media.url },
    { result: priceSchema, signal },
  );
}

function priceMmsQueryOptions(
  queryClient: QueryClient,
  connectionId: string,
  input: PriceMmsInput,
) {
  const { image, ...fields } = input;
  return queryOptions({
    queryKey: messagesKeys.price(connectionId, {
      channel: "mms",
      ...fields,
      image: fileKey(image),
    }),
    queryFn: ({ signal }) => priceMms(queryClient, connectionId, input, signal),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });
}

const NOTHING = new File([], "none");

/** The price of the composed MMS; pass null while there is nothing valid to price. */
export function usePriceMms(connectionId: string, input: PriceMmsInput | null) {
  const queryClient = useQueryClient();
  return useQuery({
    ...priceMmsQueryOptions(
      queryClient,
      connectionId,
      input ?? { to: [""], subject: "", body: "", image: NOTHING },
    ),
    enabled: input !== null,
  });
}
