import type { ConnectionStatus } from "@contracts/connection-schemas.ts";
import type { BadgeTone } from "@/components/ui/badge";

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(date);
}

/** The shared validation messages are fragments ("enter your …"); shown alone, they read as sentences. */
export function asSentence(message: string | undefined): string | undefined {
  if (!message) return message;
  const capitalised = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

export const statusDisplay: Record<ConnectionStatus, { label: string; tone: BadgeTone }> = {
  active: { label: "Active", tone: "success" },
  inactive: { label: "Not verified", tone: "warning" },
  revoked: { label: "Disconnected", tone: "neutral" },
  error: { label: "Error", tone: "danger" },
  expired: { label: "Expired", tone: "danger" },
};

const featureLabels: Record<string, string> = {
  sms_sending: "Send SMS",
  mms_sending: "Send MMS",
  delivery_receipts: "Delivery receipts",
  inbound_messages: "Inbound messages",
  balance_checking: "Balance checks",
  message_history: "Message history",
  scheduled_messages: "Scheduled messages",
  message_tracking: "Message tracking",
};

/** A human name for a configuration_metadata.features key, also for keys added later. */
export function featureLabel(key: string): string {
  const known = featureLabels[key];
  if (known) return known;
  const words = key.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** setup_instructions {step_1, step_2, …} in step order (step_10 after step_9). */
export function orderedSteps(instructions: Record<string, string>): string[] {
  const stepNumber = (key: string) => Number(/(\d+)$/.exec(key)?.[1] ?? Number.MAX_SAFE_INTEGER);
  return Object.entries(instructions)
    .sort(([a], [b]) => stepNumber(a) - stepNumber(b))
    .map(([, text]) => text);
}
