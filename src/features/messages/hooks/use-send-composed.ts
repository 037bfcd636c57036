import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";

import {
  useSendMessage,
  type SendMessageInput,
  type SendOutcome,
} from "@/features/messages/api/send-message";
import { fileKey, uploadedMediaQueryOptions } from "@/features/messages/api/upload-media";
import type { ComposedMessage } from "@/features/messages/components/composer/compose-schema";
import { ApiError, toApiError } from "@/lib/api-error";

/** The error code of a send the user stopped waiting for (it may still go out). */
export const STOPPED_WAITING = "stopped_waiting";

export type SendComposedResult =
  { ok: true; outcome: SendOutcome } | { ok: false; step: "upload" | "send"; error: ApiError };

/**
 * Sends a composed SMS or MMS (uploading the MMS image first). Each message gets one idempotency
 * key, kept while the very same message is retried after a failure, so a retry after a lost
 * answer never sends twice; once ClickSend has answered, the next send gets a new key. The
 * uploaded image is reused by a retry too. A send in flight can be abandoned (`stopWaiting`): the
 * browser stops waiting, the server carries on, and the key is kept, so sending the same message
 * again only reports what became of the first attempt.
 */
export function useSendComposed(connectionId: string) {
  const send = useSendMessage(connectionId);
  const queryClient = useQueryClient();
  const [uploading, setUploading] = useState(false);
  const attempt = useRef<{ fingerprint: string; key: string } | null>(null);
  const waiting = useRef<AbortController | null>(null);
  /** When the send now in flight started (Date.now()), or null. */
  const [sendingSince, setSendingSince] = useState<number | null>(null);

  function idempotencyKeyFor(message: ComposedMessage, image: File | null): string {
    const fingerprint = JSON.stringify([message, image ? fileKey(image) : null]);
    if (attempt.current?.fingerprint !== fingerprint) {
      attempt.current = { fingerprint, key: crypto.randomUUID() };
    }
    return attempt.current.key;
  }

  /** The price preview's upload of the same file when there is one, else a new upload. */
  async function mediaUrlFor(image: File): Promise<string> {
    setUploading(true);
    try {
      const media = await queryClient.query(uploadedMediaQueryOptions(connectionId, image));
      return media.url;
    } finally {
      setUploading(false);
    }
  }

  /** Never rejects: a failure comes back as a value naming the step that failed. */
  async function sendComposed(
    message: ComposedMessage,
    image: File | null,
  ): Promise<SendComposedResult> {
    send.reset();
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
    const controller = new AbortController();
    waiting.current = controller;
    setSendingSince(Date.now());
    try {
      const outcome = await send.mutateAsync({ ...input, signal: controller.signal });
      // ClickSend answered: this message is settled, whatever it said.
      attempt.current = null;
      return { ok: true, outcome };
    } catch (error) {
      if (controller.signal.aborted) {
        return {
          ok: false,
          step: "send",
          error: new ApiError(STOPPED_WAITING, "You stopped waiting for the answer.", false),
        };
      }
      return { ok: false, step: "send", error: toApiError(error) };
    } finally {
      waiting.current = null;
      setSendingSince(null);
    }
  }

  /** Stops waiting for the send in flight; it may still go out. */
  function stopWaiting() {
    waiting.current?.abort();
  }

  return {
    sendComposed,
    stopWaiting,
    sendingSince,
    isPending: send.isPending || uploading,
  };
}
