import { useRef } from "react";

import {
  useSendMessage,
  type SendMessageInput,
  type SendOutcome,
} from "@/features/messages/api/send-message";
import { useUploadMedia } from "@/features/messages/api/upload-media";
import type { ComposedMessage } from "@/features/messages/components/composer/compose-schema";
import { toApiError, type ApiError } from "@/lib/api-error";

export type SendComposedResult =
  { ok: true; outcome: SendOutcome } | { ok: false; step: "upload" | "send"; error: ApiError };

const fileKey = (file: File) => `${file.name}:${String(file.size)}:${String(file.lastModified)}`;

/**
 * Sends a composed SMS or MMS (uploading the MMS image first). Each message gets one idempotency
 * key, kept while the very same message is retried after a failure, so a retry after a lost
 * answer never sends twice; once ClickSend has answered, the next send gets a new key. The
 * uploaded image is reused by a retry too.
 */
export function useSendComposed(connectionId: string) {
  const send = useSendMessage(connectionId);
  const upload = useUploadMedia(connectionId);
  const attempt = useRef<{ fingerprint: string; key: string } | null>(null);
  const uploaded = useRef<{ file: string; url: string } | null>(null);

  function idempotencyKeyFor(message: ComposedMessage, image: File | null): string {
    const fingerprint = JSON.stringify([message, image ? fileKey(image) : null]);
    if (attempt.current?.fingerprint !== fingerprint) {
      attempt.current = { fingerprint, key: crypto.randomUUID() };
    }
    return attempt.current.key;
  }

  async function mediaUrlFor(image: File): Promise<string> {
    if (uploaded.current?.file === fileKey(image)) return uploaded.current.url;
    const media = await upload.mutateAsync(image);
    uploaded.current = { file: fileKey(image), url: media.url };
    return media.url;
  }

  /** Never rejects: a failure comes back as a value naming the step that failed. */
  async function sendComposed(
    message: ComposedMessage,
    image: File | null,
  ): Promise<SendComposedResult> {
    send.reset();
    upload.reset();
    const common = {
      to: message.to,
      body: message.body,
      from: message.from,
      schedule: message.schedule,
      default_country: message.default_country,
      idempotency_key: idempotencyKeyFor(message, image),
    };
    let input: SendMessageInput;
    if (message.channel === "mms") {
      if (!image) throw new Error("An MMS needs an image.");
      let mediaUrl: string;
      try {
        mediaUrl = await mediaUrlFor(image);
      } catch (error) {
        return { ok: false, step: "upload", error: toApiError(error) };
      }
      input = {
        channel: "mms",
        params: { ...common, subject: message.subject ?? "", media_url: mediaUrl },
      };
    } else {
      input = { channel: "sms", params: common };
    }
    try {
      const outcome = await send.mutateAsync(input);
      // ClickSend answered: this message is settled, whatever it said.
      attempt.current = null;
      uploaded.current = null;
      return { ok: true, outcome };
    } catch (error) {
      return { ok: false, step: "send", error: toApiError(error) };
    }
  }

  return {
    sendComposed,
    isPending: send.isPending || upload.isPending,
    /** The last attempt's failure, and which step failed. */
    error: upload.error ?? send.error,
    failedStep: upload.error ? ("upload" as const) : ("send" as const),
  };
}
