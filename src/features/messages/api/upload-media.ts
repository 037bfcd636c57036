import { useMutation } from "@tanstack/react-query";
import { z } from "zod";

import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
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

export function useUploadMedia(connectionId: string) {
  return useMutation<UploadedMedia, ApiError, File>({
    mutationFn: (file) => uploadMedia(connectionId, file),
  });
}
