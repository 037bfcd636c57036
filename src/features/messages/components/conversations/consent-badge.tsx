import type { Consent } from "@contracts/guardrails.ts";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { Conversation } from "@/features/messages/api/get-conversations";
import type { OptOutEntry } from "@/lib/opt-outs/get-opt-outs";

type ConsentLabel = { label: string; tone: BadgeTone };

/** A STOP or START reply in words: "Opted out (STOP)", "Opted back in (START)". */
export function consentReplyLabel(consent: Consent, keyword: string): ConsentLabel {
  return consent === "opt_out"
    ? { label: `Opted out (${keyword})`, tone: "warning" }
    : { label: `Opted back in (${keyword})`, tone: "success" };
}

/**
 * Where a contact stands now, for the thread list: on the account's opt-out list (with the word
 * that put them there, or by hand), or back in after a START; null for everyone else. The list
 * decides (a number can be added or removed by hand since); until it is known, the latest reply.
 */
export function contactConsent(
  conversation: Pick<Conversation, "consent">,
  optOut: OptOutEntry | undefined,
  listKnown: boolean,
): ConsentLabel | null {
  const reply = conversation.consent;
  if (optOut) {
    return optOut.source === "reply"
      ? consentReplyLabel("opt_out", optOut.keyword ?? reply?.keyword ?? "STOP")
      : { label: "Opted out (added by hand)", tone: "warning" };
  }
  if (!reply) return null;
  if (reply.consent === "opt_in" || !listKnown)
    return consentReplyLabel(reply.consent, reply.keyword);
  return null;
}

export function ConsentBadge({ label, tone }: ConsentLabel) {
  return <Badge tone={tone}>{label}</Badge>;
}
