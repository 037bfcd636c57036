import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useId, useState, type KeyboardEvent } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";

import type { Connection } from "@contracts/connection-schemas.ts";
import { describeRecipientStatus } from "@contracts/send-outcome.ts";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/textarea";
import { useToast } from "@/components/ui/toast/use-toast";
import {
  composedMessage,
  composeFormSchema,
  type ComposeValues,
} from "@/features/messages/components/composer/compose-schema";
import { SegmentCounter } from "@/features/messages/components/composer/segment-counter";
import { useSendComposed } from "@/features/messages/hooks/use-send-composed";
import { UNCONFIRMED_SEND_STATUS } from "@/features/messages/utils/backend";
import { sendMayHaveGoneOut } from "@/lib/send-failure";

type ReplyBoxProps = {
  connection: Connection;
  contact: string;
  /** The unsent text for this contact, kept while the user looks at other threads. */
  draft: string;
  onDraftChange: (contact: string, text: string) => void;
};

type Notice = {
  tone: "error" | "warning";
  title: string;
  text: string;
  /** The label of the button that sends the same draft again, if it may be offered. */
  retry: "Try again" | "Check again" | null;
};

/**
 * Answers the contact with an SMS through the composer's own path: the same checks, segment
 * count and send (send_sms, one idempotency key per draft, kept while the same draft is retried).
 * The draft stays until ClickSend has taken it.
 */
export function ReplyBox({ connection, contact, draft, onDraftChange }: ReplyBoxProps) {
  const toast = useToast();
  const counterId = useId();
  const sender = useSendComposed(connection.id);
  const [notice, setNotice] = useState<Notice | null>(null);

  const defaults: ComposeValues = {
    channel: "sms",
    to: contact,
    country: connection.default_country,
    from: connection.default_sender_id ?? "",
    subject: "",
    body: draft,
    scheduled: false,
    sendAt: "",
  };
  const {
    register,
    handleSubmit,
    control,
    reset,
    formState: { errors },
  } = useForm<z.input<typeof composeFormSchema>, unknown, ComposeValues>({
    resolver: zodResolver(composeFormSchema),
    defaultValues: defaults,
  });
  const body = useWatch({ control, name: "body" });
  useEffect(() => {
    onDraftChange(contact, body);
  }, [contact, body, onDraftChange]);

  async function submit(values: ComposeValues) {
    setNotice(null);
    const sent = await sender.sendComposed(composedMessage(values), null);
    if (!sent.ok) {
      // A failure that may have reached ClickSend is not a refusal: say what is known, and offer
      // to ask again with this draft's key (answered from the record, never sent a second time).
      const unknown = sent.step === "send" && sendMayHaveGoneOut(sent.error);
      setNotice(
        unknown
          ? {
              tone: "warning",
              title: "The reply may have been sent",
              text: `${sent.error.message} Look for it in the thread before writing it again. Check again asks with the same request, so it is never sent twice.`,
              retry: "Check again",
            }
          : {
              tone: "error",
              title: "The reply was not sent",
              text: `${sent.error.message} Your reply is kept.`,
              retry: "Try again",
            },
      );
      return;
    }
    const { outcome } = sent;
    const unconfirmed = outcome.messages.some((m) => m.status === UNCONFIRMED_SEND_STATUS);
    if (outcome.idempotent_replay && unconfirmed) {
      setNotice({
        tone: "warning",
        title: "Not sent again: ClickSend never confirmed the first attempt",
        text: "If it is not in the thread, change the text to send it as a new message.",
        retry: null,
      });
      return;
    }
    if (outcome.accepted === 0 && !outcome.idempotent_replay) {
      const status = outcome.messages[0]?.status;
      const invalid = outcome.invalid_numbers[0]?.reason;
      // In words (opted out, not enough credit, …), never a bare code.
      const refusal = status
        ? `${describeRecipientStatus(status).label}. ${describeRecipientStatus(status).detail}`
        : `ClickSend refused it${invalid ? ` (${invalid})` : ""}.`;
      setNotice({
        tone: "error",
        title: "Reply not sent",
        text: `${refusal} Your reply is kept.`,
        retry: null,
      });
      return;
    }
    reset({ ...values, body: "" });
    if (outcome.idempotent_replay) {
      toast.info("Reply already sent", "It was sent before, so it was not sent again.");
    } else {
      toast.success("Reply sent", `To ${contact}.`);
    }
  }

  const send = () => void handleSubmit(submit)();
  function sendOnCtrlEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
    }
  }
  // The number and sender come from the thread and the connection, not from this form.
  const otherProblem = errors.to?.message ?? errors.from?.message ?? errors.country?.message;

  return (
    <form
      noValidate
      aria-label={`Reply to ${contact}`}
      className="space-y-3"
      onSubmit={(event) => {
        void handleSubmit(submit)(event);
      }}
    >
      <Field label="Reply" error={errors.body?.message}>
        <Textarea
          rows={3}
          aria-describedby={counterId}
          onKeyDown={sendOnCtrlEnter}
          {...register("body")}
        />
        <SegmentCounter id={counterId} channel="sms" body={body} />
      </Field>
      {otherProblem ? (
        <Alert tone="error" title="This thread cannot be answered from here">
          {otherProblem}
        </Alert>
      ) : null}
      {notice && !sender.isPending ? (
        <Alert
          tone={notice.tone}
          // Each notice answers the user's Send: read it out at once, warning or error.
          role="alert"
          title={notice.title}
          action={
            notice.retry ? (
              <Button variant="secondary" size="sm" onClick={send}>
                {notice.retry}
              </Button>
            ) : null
          }
        >
          {notice.text}
        </Alert>
      ) : null}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-xs text-slate-600 dark:text-slate-400">
          {connection.default_sender_id
            ? `Sent as SMS from ${connection.default_sender_id}.`
            : "Sent as SMS from ClickSend's shared number."}{" "}
          <span className="hidden sm:inline">
            <kbd className="font-sans">Ctrl</kbd>+<kbd className="font-sans">Enter</kbd> sends.
          </span>
        </p>
        <Button type="submit" busy={sender.isPending}>
          Send reply
        </Button>
      </div>
    </form>
  );
}
