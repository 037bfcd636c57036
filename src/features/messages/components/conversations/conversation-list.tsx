import { Link } from "react-router";

import { Badge } from "@/components/ui/badge";
import type { Conversation } from "@/features/messages/api/get-conversations";
import {
  ConsentBadge,
  contactConsent,
} from "@/features/messages/components/conversations/consent-badge";
import { formatIsoTime, formatRecent, plural } from "@/features/messages/utils/format";
import type { OptOutEntry } from "@/lib/opt-outs/get-opt-outs";
import { cn } from "@/utils/cn";

/** The id of a contact's link, so focus can return to it from the thread. */
export function conversationLinkId(contact: string): string {
  return `conversation-link-${contact}`;
}

type ConversationListProps = {
  conversations: Conversation[];
  selected: string | null;
  /** The account's opt-out list by number; undefined until known. */
  optOuts: Map<string, OptOutEntry> | undefined;
  hrefFor: (contact: string) => string;
  /** Called when the user opens a thread from the list. */
  onOpen: (contact: string) => void;
};

/** Threads by contact, newest activity first: the latest reply, unread count and agents. */
export function ConversationList({
  conversations,
  selected,
  optOuts,
  hrefFor,
  onOpen,
}: ConversationListProps) {
  return (
    <ul className="space-y-1.5">
      {conversations.map((conversation) => {
        const current = conversation.contact === selected;
        const consent = contactConsent(
          conversation,
          optOuts?.get(conversation.contact),
          optOuts !== undefined,
        );
        return (
          <li key={conversation.contact}>
            <Link
              id={conversationLinkId(conversation.contact)}
              to={hrefFor(conversation.contact)}
              preventScrollReset
              aria-current={current ? "true" : undefined}
              onClick={() => {
                onOpen(conversation.contact);
              }}
              className={cn(
                "block rounded-lg border px-3 py-2.5 transition-colors",
                "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:focus-visible:outline-blue-400",
                current
                  ? "border-blue-300 bg-blue-50 dark:border-blue-800 dark:bg-blue-950"
                  : "border-slate-200 hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-900",
              )}
            >
              <span className="flex items-baseline justify-between gap-2">
                <span
                  className={cn(
                    "font-mono text-sm tabular-nums",
                    conversation.unread > 0 ? "font-semibold" : "font-medium",
                  )}
                >
                  {conversation.contact}
                </span>
                <time
                  dateTime={conversation.last_activity_at}
                  title={formatIsoTime(conversation.last_activity_at)}
                  className="shrink-0 text-xs text-slate-600 dark:text-slate-400"
                >
                  {formatRecent(conversation.last_activity_at, { dayOnly: true })}
                </time>
              </span>
              <span className="mt-1 line-clamp-2 text-sm wrap-anywhere text-slate-700 dark:text-slate-300">
                {conversation.last_reply}
              </span>
              <span className="mt-1.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
                {conversation.unread > 0 ? (
                  <Badge tone="info">{`${String(conversation.unread)} unread`}</Badge>
                ) : null}
                {consent ? <ConsentBadge {...consent} /> : null}
                <span className="wrap-anywhere">
                  {conversation.agents.length > 0 ? conversation.agents.join(", ") : "No agent"}
                </span>
                <span className="sr-only">
                  , {plural(conversation.replies, "reply", "replies")}
                </span>
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
