import { Link } from "react-router";

import { QueryError } from "@/components/errors/query-error";
import { buttonClasses } from "@/components/ui/button-styles";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { paths } from "@/config/paths";
import { OPT_IN_WORDS, OPT_OUT_WORDS } from "@contracts/guardrails.ts";
import { AccountList } from "@/features/opt-outs/components/account-list";
import { AddOptOutForm } from "@/features/opt-outs/components/add-opt-out-form";
import { groupByAccount } from "@/features/opt-outs/utils";
import { useConnections } from "@/lib/connections/get-connections";
import { useOptOuts } from "@/lib/opt-outs/get-opt-outs";

function words(list: readonly string[]): string {
  return `${list.slice(0, -1).join(", ")} or ${list.at(-1) ?? ""}`;
}

/** What lands here and how: said when no one has opted out yet. */
function NoOptOuts({ connected }: { connected: boolean }) {
  return (
    <EmptyState title="No one has opted out">
      <p>
        {`When someone replies ${words(OPT_OUT_WORDS)} to a message from one of your ClickSend accounts, their number lands here automatically, and nothing more is sent to it from that account: not by your agents, the composer or replies in Conversations.`}
      </p>
      <p>{`A reply of ${words(OPT_IN_WORDS)} takes them off the list again.`}</p>
      {connected ? (
        <p>You can also add a number by hand above.</p>
      ) : (
        <p>
          <Link to={paths.integrations} className={buttonClasses("primary")}>
            Connect ClickSend on Integrations
          </Link>
        </p>
      )}
    </EmptyState>
  );
}

/** The user's opt-out lists, one per ClickSend account, and a form to add a number. */
export function OptOuts() {
  const connections = useConnections();
  const optOuts = useOptOuts();

  if (connections.isPending || optOuts.isPending) {
    return (
      <SkeletonGroup label="Loading your opt-outs">
        <Skeleton className="h-40 w-full" />
        <Skeleton className="h-16 w-full" />
        <Skeleton className="h-16 w-full" />
      </SkeletonGroup>
    );
  }
  if (connections.isError || optOuts.isError) {
    const failed = connections.isError ? connections : optOuts;
    return (
      <QueryError
        title={
          connections.isError
            ? "Could not load your ClickSend connections"
            : "Could not load your opt-outs"
        }
        error={failed.error}
        retrying={failed.isFetching}
        onRetry={() => void failed.refetch()}
      />
    );
  }

  const lists = groupByAccount(connections.data, optOuts.data);
  const connected = lists.some((list) => list.connections.length > 0);
  return (
    <div className="space-y-8">
      {connected ? <AddOptOutForm connections={connections.data} /> : null}
      {optOuts.data.length === 0 ? (
        <NoOptOuts connected={connected} />
      ) : (
        lists.map((list) => <AccountList key={list.account} list={list} />)
      )}
    </div>
  );
}
