import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";

import type { Connection } from "@contracts/connection-schemas.ts";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { useToast } from "@/components/ui/toast/use-toast";
import { usePriceMms, type PriceMmsInput } from "@/features/messages/api/price-mms";
import { usePriceSms, type PriceSmsInput } from "@/features/messages/api/price-sms";
import type { SendOutcome } from "@/features/messages/api/send-message";
import { ChannelChoice } from "@/features/messages/components/composer/channel-choice";
import { CheckHistoryLink } from "@/features/messages/components/composer/check-history-link";
import {
  checkRecipients,
  composedMessage,
  composeFormSchema,
  type ComposedMessage,
  type ComposeValues,
} from "@/features/messages/components/composer/compose-schema";
import {
  COMPOSER_FIRST_FIELD_ID,
  COMPOSER_ID,
} from "@/features/messages/components/composer/composer-link";
import { creditProblem } from "@/features/messages/components/composer/credit-check";
import { countryOptions } from "@/features/messages/components/composer/country-options";
import { MediaPicker } from "@/features/messages/components/composer/media-picker";
import { OptOutFlag } from "@/features/messages/components/composer/opt-out-flag";
import { PricePreview } from "@/features/messages/components/composer/price-preview";
import { ScheduleFields } from "@/features/messages/components/composer/schedule-fields";
import { SegmentCounter } from "@/features/messages/components/composer/segment-counter";
import { SendProgress } from "@/features/messages/components/composer/send-progress";
import { SendResult } from "@/features/messages/components/composer/send-result";
import {
  STOPPED_WAITING,
  useSendComposed,
  type SendComposedResult,
} from "@/features/messages/hooks/use-send-composed";
import { MMS_SUBJECT_MAX, UNCONFIRMED_SEND_STATUS } from "@/features/messages/utils/backend";
import { plural } from "@/features/messages/utils/format";
import { useDebouncedValue } from "@/hooks/use-debounced-value";
import { useBalance } from "@/lib/connections/get-balance";
import { useAccountOptOuts } from "@/lib/opt-outs/get-opt-outs";
import { sendMayHaveGoneOut } from "@/lib/send-failure";

const PRICE_DEBOUNCE_MS = 600;

/** Writes and sends one SMS or MMS, with live segment count and price. */
export function Composer({ connection }: { connection: Connection }) {
  const toast = useToast();
  const headingId = useId();
  const counterId = useId();
  const creditId = useId();
  const sender = useSendComposed(connection.id);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string>();
  const [pickerKey, setPickerKey] = useState(0);
  const [result, setResult] = useState<{
    outcome: SendOutcome;
    channel: "sms" | "mms";
    scheduled: boolean;
  } | null>(null);
  /** The last send that failed, kept whole so that "Check again" repeats exactly it. */
  const [failed, setFailed] = useState<{
    sent: Extract<SendComposedResult, { ok: false }>;
    message: ComposedMessage;
    image: File | null;
    values: ComposeValues;
  } | null>(null);

  const defaults: ComposeValues = {
    channel: "sms",
    to: "",
    country: connection.default_country,
    from: connection.default_sender_id ?? "",
    subject: "",
    body: "",
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
  const [channel, to, country, from, subject, body, scheduled] = useWatch({
    control,
    name: ["channel", "to", "country", "from", "subject", "body", "scheduled"],
  });

  const typed = useMemo(() => checkRecipients(to, country), [to, country]);
  // Numbers on this account's opt-out list are flagged as typed and left out of the price: the
  // server never sends to them.
  const optOuts = useAccountOptOuts(connection);
  const optedOut = useMemo(
    () => typed.numbers.flatMap((number) => optOuts.data?.get(number) ?? []),
    [typed, optOuts.data],
  );
  const recipients = useMemo(
    () => ({ ...typed, numbers: typed.numbers.filter((number) => !optOuts.data?.has(number)) }),
    [typed, optOuts.data],
  );
  const priceInput = useMemo<PriceSmsInput | null>(() => {
    if (channel !== "sms" || recipients.numbers.length === 0 || body.trim() === "") return null;
    const senderId = from.trim();
    return {
      to: recipients.numbers,
      body,
      default_country: country,
      ...(senderId.length >= 3 ? { from: senderId } : {}),
    };
  }, [channel, recipients, body, from, country]);
  const mmsPriceInput = useMemo<PriceMmsInput | null>(() => {
    const subjectText = subject.trim();
    if (
      channel !== "mms" ||
      file === null ||
      recipients.numbers.length === 0 ||
      body.trim() === "" ||
      subjectText === "" ||
      subjectText.length > MMS_SUBJECT_MAX
    ) {
      return null;
    }
    const senderId = from.trim();
    return {
      to: recipients.numbers,
      subject: subjectText,
      body,
      default_country: country,
      image: file,
      ...(senderId.length >= 3 ? { from: senderId } : {}),
    };
  }, [channel, file, recipients, body, subject, from, country]);
  const debouncedPriceInput = useDebouncedValue(priceInput, PRICE_DEBOUNCE_MS);
  const debouncedMmsPriceInput = useDebouncedValue(mmsPriceInput, PRICE_DEBOUNCE_MS);
  const smsPrice = usePriceSms(connection.id, debouncedPriceInput);
  const mmsPrice = usePriceMms(connection.id, debouncedMmsPriceInput);
  const [price, priced] =
    channel === "sms"
      ? [smsPrice, debouncedPriceInput !== null]
      : [mmsPrice, debouncedMmsPriceInput !== null];
  const balance = useBalance(connection.id);
  const quote = priced && price.isSuccess && !price.isPlaceholderData ? price.data : undefined;
  // Sending what the balance cannot pay for only ends in ClickSend's refusal: say so instead.
  const noCredit = creditProblem(channel, quote, balance.data);
  const subjectLength = subject.trim().length;
  const subjectError =
    errors.subject?.message ??
    (subjectLength > MMS_SUBJECT_MAX
      ? `${String(subjectLength - MMS_SUBJECT_MAX)} characters too many: a subject can be at most ${String(MMS_SUBJECT_MAX)} characters.`
      : undefined);

  async function submit(values: ComposeValues) {
    if (noCredit !== null) return;
    const message = composedMessage(values);
    if (message.channel === "mms" && !file) {
      setFileError("Choose an image for the MMS.");
      return;
    }
    await send(message, file, values);
  }

  /** Sends (or, after a failure, repeats with the same key) and reports what happened. */
  async function send(message: ComposedMessage, image: File | null, values: ComposeValues) {
    setResult(null);
    setFailed(null);
    const kind = message.channel.toUpperCase();
    const isScheduled = message.schedule !== undefined;
    const sent = await sender.sendComposed(message, image);
    if (!sent.ok) {
      // Shown below, by the Send button; the draft stays as it is.
      setFailed({ sent, message, image, values });
      return;
    }
    const { outcome } = sent;

    setResult({ outcome, channel: message.channel, scheduled: isScheduled });
    if (outcome.accepted === 0 && !outcome.idempotent_replay) {
      // Nothing went out; keep the message so it can be corrected and sent again.
      toast.error(`${kind} not sent`, "No recipient could be sent to; see why below.");
      return;
    }
    if (
      outcome.idempotent_replay &&
      outcome.messages.some((m) => m.status === UNCONFIRMED_SEND_STATUS || m.status === "pending")
    ) {
      // The first attempt got no clear answer: keep the draft, the user decides after checking.
      toast.info(
        `${kind} not sent again`,
        "ClickSend has not confirmed the first attempt; check the history before sending it again.",
      );
      return;
    }
    if (outcome.idempotent_replay) {
      toast.info(`${kind} already sent`, "It was sent before, so it was not sent again.");
    } else {
      toast.success(
        isScheduled ? `${kind} scheduled` : `${kind} sent`,
        `To ${plural(outcome.accepted, "recipient")}.`,
      );
    }
    setFile(null);
    setPickerKey((value) => value + 1);
    reset({ ...defaults, channel: values.channel, country: values.country, from: values.from });
  }

  const busy = sender.isPending;
  const countryList = countryOptions(connection.default_country);

  return (
    <section
      id={COMPOSER_ID}
      aria-labelledby={headingId}
      className="rounded-lg border border-slate-200 p-4 sm:p-5 dark:border-slate-800"
    >
      <h2 id={headingId} className="text-lg font-semibold">
        Send a message
      </h2>
      <form
        noValidate
        className="mt-4 space-y-5"
        onSubmit={(event) => {
          void handleSubmit(submit)(event);
        }}
      >
        <ChannelChoice registration={register("channel")} />

        <div className="grid gap-4 sm:grid-cols-[2fr_1fr]">
          <Field
            id={COMPOSER_FIRST_FIELD_ID}
            label="To"
            description="International format such as +61412345678. Separate several numbers with commas."
            error={errors.to?.message}
          >
            <Input
              type="tel"
              autoComplete="off"
              inputMode="tel"
              placeholder="+61412345678"
              {...register("to")}
            />
            {recipients.numbers.length > 0 && recipients.problems.length === 0 ? (
              <p className="text-sm wrap-break-word text-slate-600 dark:text-slate-300">
                Sends to {recipients.numbers.join(", ")}
              </p>
            ) : null}
            <OptOutFlag
              optedOut={optedOut}
              unknown={optOuts.isError}
              othersGo={recipients.numbers.length > 0}
            />
          </Field>
          <Field label="Country for local numbers" error={errors.country?.message}>
            <Select {...register("country")}>
              {countryList.map((option) => (
                <option key={option.code} value={option.code}>
                  {option.name}
                </option>
              ))}
            </Select>
          </Field>
        </div>

        <Field
          label="Sender ID"
          optional
          description="A number you own or 3–11 letters and digits. Leave empty for ClickSend's shared number."
          error={errors.from?.message}
        >
          <Input autoComplete="off" {...register("from")} />
        </Field>

        {channel === "mms" ? (
          <Field
            label="Subject"
            description={`At most ${String(MMS_SUBJECT_MAX)} characters.`}
            error={subjectError}
          >
            <Input autoComplete="off" {...register("subject")} />
            <p
              className={
                subjectLength > MMS_SUBJECT_MAX
                  ? "text-sm font-medium text-red-700 dark:text-red-400"
                  : "text-sm text-slate-600 dark:text-slate-300"
              }
            >
              {`${String(subjectLength)}/${String(MMS_SUBJECT_MAX)}`}
            </p>
          </Field>
        ) : null}

        <Field label="Message" error={errors.body?.message}>
          <Textarea rows={5} aria-describedby={counterId} {...register("body")} />
          <SegmentCounter id={counterId} channel={channel} body={body} />
        </Field>

        {channel === "mms" ? (
          <MediaPicker
            key={pickerKey}
            file={file}
            disabled={busy}
            error={fileError}
            onFileChange={(chosen) => {
              setFile(chosen);
              setFileError(undefined);
            }}
          />
        ) : null}

        <ScheduleFields
          scheduled={scheduled}
          checkbox={register("scheduled")}
          sendAt={register("sendAt")}
          error={errors.sendAt?.message}
        />

        <PricePreview
          channel={channel}
          ready={priced}
          missing={
            typed.numbers.length > 0 && recipients.numbers.length === 0
              ? "Add a number that has not opted out"
              : channel === "sms"
                ? "Enter a valid number and a message"
                : "Enter a valid number, a subject and a message, and choose an image"
          }
          price={price}
        />

        {failed && !busy ? (
          <SendFailure
            failure={failed.sent}
            channel={failed.message.channel}
            recipients={failed.message.to}
            onTryAgain={() => void handleSubmit(submit)()}
            onCheckAgain={() => void send(failed.message, failed.image, failed.values)}
          />
        ) : null}

        {noCredit !== null ? (
          <div id={creditId}>
            <Alert
              tone="warning"
              title="Not enough credit to send"
              action={
                <Button
                  variant="secondary"
                  size="sm"
                  busy={balance.isFetching}
                  onClick={() => void balance.refetch()}
                >
                  Check the balance again
                </Button>
              }
            >
              {noCredit} Top up the ClickSend account, then check the balance again.
            </Alert>
          </div>
        ) : null}

        {busy && sender.sendingSince !== null ? (
          <SendProgress since={sender.sendingSince} onStopWaiting={sender.stopWaiting} />
        ) : null}

        <Button
          type="submit"
          busy={busy}
          disabled={noCredit !== null}
          aria-describedby={noCredit !== null ? creditId : undefined}
        >
          {`${scheduled ? "Schedule" : "Send"} ${channel.toUpperCase()}`}
        </Button>

        {result ? (
          <SendResult
            outcome={result.outcome}
            channel={result.channel}
            scheduled={result.scheduled}
            connection={connection}
          />
        ) : null}
      </form>
    </section>
  );
}

type SendFailureProps = {
  failure: Extract<SendComposedResult, { ok: false }>;
  channel: "sms" | "mms";
  recipients: readonly string[];
  onTryAgain: () => void;
  onCheckAgain: () => void;
};

/**
 * Why the last send failed. When nothing can have gone out, "Try again". When it may have gone
 * out (no answer, a ClickSend timeout, a stopped wait), what is known, "Check history", and
 * "Check again", which repeats the request with the same idempotency key: the server answers a
 * key it has seen with what it recorded and never sends it a second time.
 */
function SendFailure({ failure, channel, recipients, onTryAgain, onCheckAgain }: SendFailureProps) {
  const { step, error } = failure;
  if (step === "upload" || !sendMayHaveGoneOut(error)) {
    return (
      <Alert
        tone="error"
        title={step === "upload" ? "Could not upload the image" : "Could not send the message"}
        action={
          <Button variant="secondary" size="sm" onClick={onTryAgain}>
            Try again
          </Button>
        }
      >
        {error.message} Nothing was sent, and your message is kept.
      </Alert>
    );
  }
  const stopped = error.code === STOPPED_WAITING;
  return (
    <Alert
      tone="warning"
      title={stopped ? "Stopped waiting: it may still be sent" : "Not known whether it was sent"}
      action={
        <div className="flex flex-wrap gap-2">
          <CheckHistoryLink channel={channel} recipients={recipients} />
          <Button variant="secondary" size="sm" onClick={onCheckAgain}>
            Check again
          </Button>
        </div>
      }
    >
      <p>
        {stopped
          ? "You stopped waiting before ClickSend answered. The request had already left, so ClickSend may still send the message."
          : `${error.message.replace(/ The request may have been processed: check history before repeating it\.$/, "")} ClickSend may have accepted the message before that.`}{" "}
        Your message is kept.
      </p>
      <p className="mt-1">
        Look in the history before sending it again. “Check again” repeats the same request: if it
        reached us, it is not sent a second time and you see what became of it.
      </p>
    </Alert>
  );
}
