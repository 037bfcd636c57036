import { useState, type ReactNode } from "react";
import { Link } from "react-router";

import { QueryError } from "@/components/errors/query-error";
import { buttonClasses } from "@/components/ui/button-styles";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { paths } from "@/config/paths";
import type { Connection } from "@contracts/connection-schemas.ts";
import { connectionTitle, useActiveConnections } from "@/lib/connections/get-connections";

type ConnectionGateProps = {
  /** The dashboard for the chosen connection. */
  children: (connection: Connection) => ReactNode;
  /** Without a connection: what this page would show. */
  emptyTitle?: string;
  emptyText?: string;
  /** Under the picker: what the chosen connection is used for. */
  pickerDescription?: string;
};

/**
 * Loads the user's ClickSend connections and renders the dashboard for one of them, with a
 * picker when there are several; without any, says where to connect one.
 */
export function ConnectionGate({
  children,
  emptyTitle = "Connect ClickSend to see your messages",
  emptyText = "Your balance, message history, delivery receipts and agent usage appear here once a ClickSend account is connected. You can also send messages from this page.",
  pickerDescription = "Balance, history and sending use this account.",
}: ConnectionGateProps) {
  const connections = useActiveConnections();
  const [chosenId, setChosenId] = useState<string | null>(null);

  if (connections.isPending) {
    return (
      <SkeletonGroup label="Loading your ClickSend connections">
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-64 w-full" />
      </SkeletonGroup>
    );
  }
  if (connections.isError) {
    return (
      <QueryError
        title="Could not load your ClickSend connections"
        error={connections.error}
        retrying={connections.isFetching}
        onRetry={() => void connections.refetch()}
      />
    );
  }

  const list = connections.data;
  const connection = list.find((item) => item.id === chosenId) ?? list[0];
  if (!connection) {
    return (
      <EmptyState title={emptyTitle}>
        <p>{emptyText}</p>
        <p>
          <Link to={paths.integrations} className={buttonClasses("primary")}>
            Connect ClickSend on Integrations
          </Link>
        </p>
      </EmptyState>
    );
  }

  return (
    <div className="space-y-8">
      {list.length > 1 ? (
        <Field label="ClickSend connection" description={pickerDescription} className="max-w-sm">
          <Select
            value={connection.id}
            onChange={(event) => {
              setChosenId(event.target.value);
            }}
          >
            {list.map((item) => (
              <option key={item.id} value={item.id}>
                {connectionTitle(item)}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      {/* A fresh subtree per connection, so no form or page state carries across accounts. */}
      <div key={connection.id}>{children(connection)}</div>
    </div>
  );
}
