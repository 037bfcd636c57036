import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";

import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
import { messagesKeys } from "@/features/messages/api/query-keys";
import { checkMmsMedia } from "@/features/messages/utils/backend";
import { readFileAsBase64 } from "@/features/messages/utils/read-file";
import { ApiError } from "@/lib/api-error";

const uploadedMediaSchema = z.object({
  /** Where ClickSend serves the image; pass it to send_mms as media_url. */
  url: z.string(),
  /** Unix seconds when ClickSend deletes it. */
  expires_at: z.number().nullable(),
});

export type UploadedMedia = z.infer<typeof uploadedMediaSchema>;

/**
 * Uploads one MMS image. Type and size are checked here first, by the same rule as the server,
 * so a file that would be refused is never read or sent.
 */
async function uploadMedia(connectionId: string, file: File): Promise<UploadedMedia> {
  const check = checkMmsMedia({ type: file.type, size: file.size });
  if (!check.ok) throw new ApiError("invalid_media", check.reason);
  let content: string;
  try {
    content = await readFileAsBase64(file);
  } catch {
    throw new ApiError("file_unreadable", `${file.name} could not be read. Choose it again.`);
  }
  return callClickSendApi(
    connectionId,
    "upload_media",
    { content_type: file.type, content_base64: content },
    { result: uploadedMediaSchema },
  );
}

/** Names a chosen file for the cache: the same file chosen again is the same upload. */
export const fileKey = (file: File) =>
  `${file.name}:${String(file.size)}:${String(file.lastModified)}`;

/**
 * How long an upload is reused. ClickSend's newer docs say an upload is deleted 10 minutes after
 * it was made (the older ones say 7 days): reuse it for 8, then upload again.
 */
const UPLOAD_REUSE_MS = 8 * 60_000;

/**
 * One MMS image uploaded once and reused while ClickSend keeps it: the price preview needs its URL
 * before the send, and the send then uses the same upload instead of a second one.
 */
export function uploadedMediaQueryOptions(connectionId: string, file: File) {
  return queryOptions({
    queryKey: [...messagesKeys.connection(connectionId), "upload", fileKey(file)] as const,
    queryFn: () => uploadMedia(connectionId, file),
    staleTime: UPLOAD_REUSE_MS,
    gcTime: UPLOAD_REUSE_MS,
    retry: false,
  });
}
