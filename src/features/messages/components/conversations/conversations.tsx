import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useId, useRef, useState } from "react";

import { QueryError } from "@/components/errors/query-error";
import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { useConversations } from "@/features/messages/api/get-conversations";
import { usePollReplies } from "@/features/messages/api/poll-replies";
import {
  ConversationList,
  conversationLinkId,
} from "@/features/messages/components/conversations/conversation-list";
import {
  EnableRepliesLink,
  RepliesStatus,
} from "@/features/messages/components/conversations/replies-status";
import { ThreadView } from "@/features/messages/components/conversations/thread-view";
import { useConversationView } from "@/features/messages/hooks/use-conversation-view";
import { toApiError } from "@/lib/api-error";
import { useAccountOptOuts } from "@/lib/opt-outs/get-opt-outs";
import { optOutKeys } from "@/lib/opt-outs/query-keys";
import type { Connection } from "@contracts/connection-schemas.ts";
import { cn } from "@/utils/cn";

function ConversationsSkeleton() {
  return (
    <SkeletonGroup label="Loading conversations">
      {Array.from({ length: 3 }, (_, index) => (
        <Skeleton key={index} className="h-20 w-full rounded-lg md:max-w-72" />
      ))}
    </SkeletonGroup>
  );
}

/**
 * One connection's conversations: the threads beside the open one (on a phone, the list, then
 * the thread with a way back). Opening it asks ClickSend once for replies whose push was lost;
 * after that only our own database is read, every few seconds while the tab is visible.
 */
export function Conversations({ connection }: { connection: Connection }) {
  const listHeadingId = useId();
  const view = useConversationView();
  const conversations = useConversations(connection.id);
  const catchUp = usePollReplies(connection.id);
  const optOuts = useAccountOptOuts(connection);
  const queryClient = useQueryClient();
  // Unsent replies by contact, so looking at another thread loses nothing.
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [openedFromList, setOpenedFromList] = useState(false);
  const returnFocusTo = useRef<string | null>(null);

  // Once per visit and connection (the gate remounts this per connection).
  const caughtUp = useRef(false);
  const { mutate: runCatchUp } = catchUp;
  useEffect(() => {
    if (caughtUp.current) return;
    caughtUp.current = true;
    runCatchUp();
  }, [runCatchUp]);

  // Back from a thread on a phone: focus returns to that thread in the list.
  useEffect(() => {
    if (view.contact !== null || returnFocusTo.current === null) return;
    document.getElementById(conversationLinkId(returnFocusTo.current))?.focus();
    returnFocusTo.current = null;
  }, [view.contact]);

  // A new STOP or START reply has changed the account's opt-out list in the same database call
  // that stored it: read the list again, so the thread's reply box follows at once.
  const consentKey = conversations.data?.conversations
    .map((conversation) => conversation.consent?.id ?? "")
    .join(",");
  const seenConsent = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (consentKey === undefined) return;
    if (seenConsent.current !== undefined && seenConsent.current !== consentKey) {
      void queryClient.invalidateQueries({ queryKey: optOutKeys.all });
    }
    seenConsent.current = consentKey;
  }, [consentKey, queryClient]);

  const saveDraft = useCallback((contact: string, text: string) => {
    setDrafts((current) => (current[contact] === text ? current : { ...current, [contact]: text }));
  }, []);

  let content;
  if (conversations.isPending) {
    content = <ConversationsSkeleton />;
  } else if (conversations.isError && conversations.data === undefined) {
    content = (
      <QueryError
        title="Could not load your conversations"
        error={conversations.error}
        retrying={conversations.isFetching}
        onRetry={() => void conversations.refetch()}
      />
    );
  } else if (conversations.data.conversations.length === 0) {
    content = (
      <EmptyState title="No replies yet">
        <p>
          When someone answers a message you or your agents sent from this account, their reply
          appears here, one thread per number, and you can answer it from the thread.
        </p>
        <p>
          {connection.replies_mode === "push" ? (
            "Replies are enabled for this connection, so new ones show within seconds."
          ) : connection.replies_mode === "poll" ? (
            <>
              Replies are only polled for this connection, so new ones show when you open this page.{" "}
              <EnableRepliesLink /> to get them at once.
            </>
          ) : (
            <>
              Replies must be enabled on the connection first, and they are off for this one:{" "}
              <EnableRepliesLink />.
            </>
          )}
        </p>
      </EmptyState>
    );
  } else {
    const { conversations: list, agentNames } = conversations.data;
    const selected = list.find((conversation) => conversation.contact === view.contact);
    const unread = list.reduce((sum, conversation) => sum + conversation.unread, 0);
    content = (
      <div className="space-y-3">
        {conversations.isError ? (
          <Alert tone="warning" title="Not up to date">
            {`Could not refresh the conversations: ${toApiError(conversations.error).message} They are checked again in a few seconds.`}
          </Alert>
        ) : null}
        <div className="grid gap-6 md:grid-cols-[18rem_minmax(0,1fr)] md:items-start">
          <section
            aria-labelledby={listHeadingId}
            className={cn("min-w-0 space-y-2", selected && "hidden md:block")}
          >
            <h2 id={listHeadingId} className="text-base font-semibold">
              Threads
              <span className="font-normal text-slate-600 dark:text-slate-300">
                {unread > 0 ? ` · ${String(unread)} unread` : ""}
              </span>
            </h2>
            <ConversationList
              conversations={list}
              selected={selected?.contact ?? null}
              optOuts={optOuts.data}
              hrefFor={view.hrefFor}
              onOpen={() => {
                setOpenedFromList(true);
              }}
            />
          </section>
          {selected ? (
            <ThreadView
              key={selected.contact}
              connection={connection}
              conversation={selected}
              optOut={optOuts.data?.get(selected.contact)}
              agentNames={agentNames}
              draft={drafts[selected.contact] ?? ""}
              onDraftChange={saveDraft}
              onBack={() => {
                returnFocusTo.current = selected.contact;
                view.setContact(null);
              }}
              focusOnOpen={openedFromList}
            />
          ) : (
            <p className="hidden rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-600 md:block dark:border-slate-700 dark:text-slate-300">
              Choose a thread to read it and reply.
            </p>
          )}
        </div>
      </div>
    );
  }

  const empty = conversations.data?.conversations.length === 0;
  return (
    <div className="space-y-4">
      <RepliesStatus
        connection={connection}
        hideMode={empty}
        catchUp={{
          isPending: catchUp.isPending,
          data: catchUp.data,
          error: catchUp.error,
          run: () => {
            runCatchUp();
          },
        }}
      />
      {content}
    </div>
  );
}
