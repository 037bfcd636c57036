import { useEffect, useId, useRef } from "react";

import { QueryError } from "@/components/errors/query-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast/use-toast";
import type { Conversation } from "@/features/messages/api/get-conversations";
import { THREAD_LIMIT, useThread } from "@/features/messages/api/get-thread";
import { useMarkThreadRead } from "@/features/messages/api/mark-thread-read";
import { OptedOutNotice } from "@/features/messages/components/conversations/opted-out-notice";
import { ReplyBox } from "@/features/messages/components/conversations/reply-box";
import { ThreadLog } from "@/features/messages/components/conversations/thread-log";
import { plural } from "@/features/messages/utils/format";
import { toApiError } from "@/lib/api-error";
import type { OptOutEntry } from "@/lib/opt-outs/get-opt-outs";
import type { Connection } from "@contracts/connection-schemas.ts";

type ThreadViewProps = {
  connection: Connection;
  conversation: Conversation;
  /** The contact's entry on the account's opt-out list: then no reply can be sent. */
  optOut: OptOutEntry | undefined;
  agentNames: Record<string, string>;
  draft: string;
  onDraftChange: (contact: string, text: string) => void;
  /** Back to the list (shown on narrow screens, where list and thread take turns). */
  onBack: () => void;
  /** Moves focus to the thread's heading when it opens, e.g. after choosing it in the list. */
  focusOnOpen: boolean;
};

/**
 * One contact's whole thread, both directions in time order, kept current every few seconds.
 * Every reply it shows is marked read, including ones that arrive while it is open.
 */
export function ThreadView({
  connection,
  conversation,
  optOut,
  agentNames,
  draft,
  onDraftChange,
  onBack,
  focusOnOpen,
}: ThreadViewProps) {
  const { contact } = conversation;
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const toast = useToast();
  const thread = useThread(connection.id, contact);
  const markRead = useMarkThreadRead(connection.id);
  const marked = useRef(new Set<string>());

  useEffect(() => {
    if (focusOnOpen) headingRef.current?.focus();
  }, [focusOnOpen]);

  // Each unread reply is marked once; a failure is said once, not on every refresh.
  const unreadKey = (thread.data?.entries ?? [])
    .filter((entry) => entry.direction === "in" && entry.readAt === null)
    .map((entry) => entry.id)
    .join(",");
  const { mutate: markThreadRead } = markRead;
  useEffect(() => {
    const fresh = unreadKey.split(",").filter((id) => id !== "" && !marked.current.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) marked.current.add(id);
    markThreadRead(contact, {
      onError: (error) => {
        toast.error("Could not mark the replies read", toApiError(error).message);
      },
    });
  }, [unreadKey, contact, markThreadRead, toast]);

  let body;
  if (thread.isPending) {
    body = (
      <SkeletonGroup label="Loading the thread">
        <Skeleton className="ml-auto h-12 w-2/3 rounded-2xl" />
        <Skeleton className="h-10 w-1/2 rounded-2xl" />
        <Skeleton className="ml-auto h-10 w-1/2 rounded-2xl" />
      </SkeletonGroup>
    );
  } else if (thread.isError && thread.data === undefined) {
    body = (
      <QueryError
        title="Could not load this thread"
        error={thread.error}
        retrying={thread.isFetching}
        onRetry={() => void thread.refetch()}
      />
    );
  } else {
    body = (
      <div className="space-y-4">
        {thread.data.truncated ? (
          <p className="text-sm text-slate-600 dark:text-slate-300">
            {`Showing the latest ${String(THREAD_LIMIT)} messages each way; older ones are in the message history.`}
          </p>
        ) : null}
        {thread.isError ? (
          <Alert tone="warning" title="Not up to date">
            {`Could not refresh this thread: ${toApiError(thread.error).message} It is checked again in a few seconds.`}
          </Alert>
        ) : null}
        <ThreadLog contact={contact} entries={thread.data.entries} agentNames={agentNames} />
        {optOut ? (
          <OptedOutNotice entry={optOut} />
        ) : (
          <ReplyBox
            connection={connection}
            contact={contact}
            draft={draft}
            onDraftChange={onDraftChange}
          />
        )}
      </div>
    );
  }

  return (
    <section aria-labelledby={headingId} className="min-w-0 space-y-4">
      <div className="space-y-2">
        <Button variant="ghost" size="sm" className="-ml-2 md:hidden" onClick={onBack}>
          <span aria-hidden="true">←</span> All conversations
        </Button>
        <h2
          id={headingId}
          ref={headingRef}
          tabIndex={-1}
          className="font-mono text-lg font-semibold tabular-nums focus:outline-none"
        >
          {contact}
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          {conversation.agents.length > 0
            ? `${conversation.agents.length === 1 ? "Agent" : "Agents"}: ${conversation.agents.join(", ")}`
            : "No agent has texted this number"}
          {` · ${plural(conversation.replies, "reply", "replies")}`}
        </p>
      </div>
      {body}
    </section>
  );
}
