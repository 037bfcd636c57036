import { useState } from "react";

import type { Connection } from "@contracts/connection-schemas.ts";

import { QueryError } from "@/components/errors/query-error";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import type { Provider } from "@/features/integrations/api/get-provider";
import { useSandboxInfo } from "@/features/integrations/api/get-sandbox-info";
import { ConnectDialog } from "@/features/integrations/components/connect-dialog";
import { ConnectionList } from "@/features/integrations/components/connection-list";
import { ProviderDetails } from "@/features/integrations/components/provider-details";
import { RotateKeyDialog } from "@/features/integrations/components/rotate-key-dialog";
import { useConnections } from "@/lib/connections/get-connections";

/** The ClickSend card: the provider, the sandbox notice, the user's connections, setup help. */
export function ClickSendCard({ provider }: { provider: Provider }) {
  const [connectOpen, setConnectOpen] = useState(false);
  // The connection whose key the connect dialog offered to rotate instead of connecting it again.
  const [rotating, setRotating] = useState<Connection | null>(null);
  const connections = useConnections();
  // Only decides the badge and the test credentials; if it fails, the rest still works.
  const sandbox = useSandboxInfo();
  const sandboxAccount = sandbox.data?.sandbox ? sandbox.data.sandbox_account : null;

  return (
    <section
      aria-labelledby="clicksend-card-title"
      className="space-y-6 rounded-xl border border-slate-200 bg-white p-4 shadow-xs sm:p-6 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 flex-1 basis-64 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <h2 id="clicksend-card-title" className="text-lg font-semibold tracking-tight">
              {provider.display_name}
            </h2>
            {sandbox.data?.sandbox ? <Badge tone="warning">Sandbox</Badge> : null}
          </div>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Your agents send SMS and MMS through your own ClickSend account. The API key is checked
            with ClickSend, then kept encrypted on the server; it is never shown again.
          </p>
        </div>
        <Button
          onClick={() => {
            setConnectOpen(true);
          }}
        >
          Connect ClickSend
        </Button>
      </div>

      {sandboxAccount ? (
        <Alert tone="warning" role="none" title="Sandbox: no real messages, no charges">
          This server talks to a ClickSend sandbox. Connect with its test account: username{" "}
          <span className="font-mono wrap-anywhere">{sandboxAccount.username}</span>, API key{" "}
          <span className="font-mono wrap-anywhere">{sandboxAccount.api_key}</span>.
        </Alert>
      ) : null}

      <section aria-labelledby="clicksend-connections" className="space-y-3">
        <h3 id="clicksend-connections" className="font-semibold">
          Your connections
        </h3>
        {connections.isPending ? (
          <SkeletonGroup label="Loading your connections">
            <Skeleton className="h-28 w-full rounded-lg" />
          </SkeletonGroup>
        ) : connections.isError ? (
          <QueryError
            title="Could not load your connections"
            error={connections.error}
            retrying={connections.isFetching}
            onRetry={() => void connections.refetch()}
          />
        ) : (
          <ConnectionList connections={connections.data} />
        )}
      </section>

      <ProviderDetails provider={provider} />

      <ConnectDialog
        open={connectOpen}
        onClose={() => {
          setConnectOpen(false);
        }}
        sandboxAccount={sandboxAccount}
        connections={connections.data ?? []}
        onRotateInstead={(connection) => {
          setConnectOpen(false);
          setRotating(connection);
        }}
      />
      {rotating ? (
        <RotateKeyDialog
          connection={rotating}
          open
          onClose={() => {
            setRotating(null);
          }}
        />
      ) : null}
    </section>
  );
}
