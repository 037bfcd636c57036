import { useState, type MouseEvent } from "react";

import type { Connection } from "@contracts/connection-schemas.ts";
import { flushSync } from "react-dom";

import { PageHeader } from "@/components/layout/page-header";
import { Button } from "@/components/ui/button";
import { BalanceCard } from "@/features/messages/components/balance-card";
import { Composer } from "@/features/messages/components/composer/composer";
import {
  COMPOSER_FIRST_FIELD_ID,
  COMPOSER_ID,
} from "@/features/messages/components/composer/composer-link";
import { ConnectionGate } from "@/features/messages/components/connection-gate";
import { MessageHistory } from "@/features/messages/components/history/message-history";
import { AgentUsage } from "@/features/messages/components/usage/agent-usage";
import { useHasSentFrom } from "@/features/onboarding/api/get-setup-progress";
import { cn } from "@/utils/cn";

const COMPOSER_PANEL_ID = "composer-panel";

/**
 * Balance, composer, history and usage. From lg up the balance and the composer share the first
 * row, as always. Below lg a phone would scroll past the whole composer to reach the history, so
 * once the connection has sent something the composer folds behind a "New message" button at the
 * top (a disclosure: it stays mounted, so a draft survives closing it) and the history comes
 * first. With nothing sent yet there is no history to read, and the composer starts open.
 */
export function MessagesPage() {
  return (
    <>
      <PageHeader title="Messages">
        Your ClickSend balance, SMS and MMS history, delivery receipts and what each agent sent.
      </PageHeader>
      <ConnectionGate>
        {(connection) => <MessagesLayout key={connection.id} connection={connection} />}
      </ConnectionGate>
    </>
  );
}

function MessagesLayout({ connection }: { connection: Connection }) {
  const sent = useHasSentFrom(connection.id);
  // null until decided: folded while it is unknown, then open only for a first message; from
  // then on only the user opens or folds it (a send must not fold the result away).
  const [open, setOpen] = useState<boolean | null>(null);
  if (open === null && sent.isSuccess) setOpen(!sent.data);
  // Unknown (the read failed): folded, as for a returning user; the button still opens it.
  if (open === null && sent.isError) setOpen(false);
  const composerOpen = open === true;

  function openComposer() {
    // Shown synchronously, so its first field can take focus (and scroll into view) at once.
    flushSync(() => {
      setOpen(true);
    });
    document.getElementById(COMPOSER_FIRST_FIELD_ID)?.focus();
  }

  /** Links to the composer elsewhere on the page (e.g. history's empty state) open it first. */
  function openForComposerLinks(event: MouseEvent<HTMLDivElement>) {
    if (!(event.target instanceof Element)) return;
    if (event.target.closest(`a[href="#${COMPOSER_ID}"]`) && !composerOpen) {
      flushSync(() => {
        setOpen(true);
      });
    }
  }

  return (
    <div className="space-y-10" onClickCapture={openForComposerLinks}>
      <div className="grid gap-6 lg:grid-cols-[1fr_2fr] lg:items-start">
        <BalanceCard connectionId={connection.id} />
        {/* Shown once decided, so a tap never lands as the composer opens by itself. */}
        {open === null ? null : (
          <div className="lg:hidden">
            <Button
              variant={composerOpen ? "secondary" : "primary"}
              className="w-full sm:w-auto"
              aria-expanded={composerOpen}
              aria-controls={COMPOSER_PANEL_ID}
              onClick={() => {
                if (composerOpen) setOpen(false);
                else openComposer();
              }}
            >
              {composerOpen ? "Close the composer" : "New message"}
            </Button>
          </div>
        )}
        <div id={COMPOSER_PANEL_ID} className={cn(!composerOpen && "max-lg:hidden")}>
          <Composer connection={connection} />
        </div>
      </div>
      <MessageHistory connection={connection} />
      <AgentUsage />
    </div>
  );
}
