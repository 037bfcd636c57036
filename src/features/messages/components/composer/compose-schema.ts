import { z } from "zod";

import {
  isGsm7,
  MMS_SUBJECT_MAX,
  toE164,
  toolArgumentSchemas,
} from "@/features/messages/utils/backend";
import { localDateTimeToIso } from "@/features/messages/utils/dates";

const SMS_BODY_MAX = toolArgumentSchemas.clicksend_send_sms.shape.body.maxLength ?? 1224;
export const MMS_BODY_MAX = toolArgumentSchemas.clicksend_send_mms.shape.body.maxLength ?? 1500;
/** ClickSend: an MMS text needing Unicode may have at most 500 characters. */
export const MMS_UNICODE_BODY_MAX = 500;

const SENDER_PATTERN = /^(\+[1-9]\d{6,14}|[A-Za-z0-9]{3,11})$/;

/** Recipients as typed: separated by commas, semicolons or new lines (spaces stay in numbers). */
function splitRecipients(text: string): string[] {
  return text
    .split(/[,;\n]+/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

export type RecipientCheck = {
  numbers: string[];
  problems: string[];
};

/** Each recipient in E.164 (duplicates dropped), and what is wrong with the others. */
export function checkRecipients(text: string, defaultCountry: string): RecipientCheck {
  const numbers = new Set<string>();
  const problems: string[] = [];
  for (const input of splitRecipients(text)) {
    const result = toE164(input, defaultCountry);
    if (result.ok) numbers.add(result.e164);
    else problems.push(`${input} ${result.reason}.`);
  }
  return { numbers: [...numbers], problems };
}

export const composeFormSchema = z
  .object({
    channel: z.enum(["sms", "mms"]),
    to: z.string(),
    country: z.string().regex(/^[A-Z]{2}$/, "Choose a country."),
    from: z.string().trim(),
    subject: z.string().trim(),
    body: z.string(),
    scheduled: z.boolean(),
    sendAt: z.string(),
  })
  .superRefine((values, context) => {
    const recipients = checkRecipients(values.to, values.country);
    if (recipients.numbers.length === 0 && recipients.problems.length === 0) {
      context.addIssue({
        code: "custom",
        path: ["to"],
        message: "Enter at least one phone number, such as +61412345678.",
      });
    } else if (recipients.problems.length > 0) {
      context.addIssue({ code: "custom", path: ["to"], message: recipients.problems.join(" ") });
    }

    if (values.from !== "" && !SENDER_PATTERN.test(values.from)) {
      context.addIssue({
        code: "custom",
        path: ["from"],
        message: "Use a number you own in E.164 form (+61…) or 3–11 letters and digits.",
      });
    }

    if (values.body.trim() === "") {
      context.addIssue({ code: "custom", path: ["body"], message: "Write a message." });
    } else if (values.channel === "sms" && values.body.length > SMS_BODY_MAX) {
      context.addIssue({
        code: "custom",
        path: ["body"],
        message: `An SMS can be at most ${String(SMS_BODY_MAX)} characters.`,
      });
    } else if (values.channel === "mms") {
      const max = isGsm7(values.body) ? MMS_BODY_MAX : MMS_UNICODE_BODY_MAX;
      if (values.body.length > max) {
        context.addIssue({
          code: "custom",
          path: ["body"],
          message: `An MMS ${max === MMS_BODY_MAX ? "" : "with Unicode characters "}can be at most ${String(max)} characters.`,
        });
      }
    }

    if (values.channel === "mms") {
      if (values.subject === "") {
        context.addIssue({ code: "custom", path: ["subject"], message: "Write a subject." });
      } else if (values.subject.length > MMS_SUBJECT_MAX) {
        context.addIssue({
          code: "custom",
          path: ["subject"],
          message: `The subject can be at most ${String(MMS_SUBJECT_MAX)} characters.`,
        });
      }
    }

    if (values.scheduled) {
      const at = localDateTimeToIso(values.sendAt);
      if (at === null) {
        context.addIssue({
          code: "custom",
          path: ["sendAt"],
          message: "Choose the date and time to send.",
        });
      } else if (Date.parse(at) <= Date.now()) {
        context.addIssue({
          code: "custom",
          path: ["sendAt"],
          message: "Choose a time in the future, or clear “Send later”.",
        });
      }
    }
  });

export type ComposeValues = z.infer<typeof composeFormSchema>;

/** The message as composed, ready for send_sms/send_mms once a key (and for MMS an image) is added. */
export type ComposedMessage = {
  channel: "sms" | "mms";
  to: string[];
  body: string;
  subject: string | undefined;
  from: string | undefined;
  schedule: string | undefined;
  default_country: string;
};

/** Checked form values as send arguments. */
export function composedMessage(values: ComposeValues): ComposedMessage {
  return {
    channel: values.channel,
    to: checkRecipients(values.to, values.country).numbers,
    body: values.body,
    subject: values.channel === "mms" ? values.subject : undefined,
    from: values.from === "" ? undefined : values.from,
    schedule: values.scheduled ? (localDateTimeToIso(values.sendAt) ?? undefined) : undefined,
    default_country: values.country,
  };
}
