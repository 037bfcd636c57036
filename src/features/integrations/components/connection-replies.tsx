import type { RepliesMode } from "@contracts/connection-schemas.ts";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast/use-toast";
import { useEnableReplies } from "@/features/integrations/api/enable-replies";
import type { Connection } from "@contracts/connection-schemas.ts";

const REPLIES: Record<RepliesMode, { label: string; tone: BadgeTone; text: string }> = {
  push: {
    label: "Pushed",
    tone: "success",
    text: "ClickSend sends each reply here as it arrives; it shows in Conversations within seconds.",
  },
  poll: {
    label: "Polled only",
    tone: "warning",
    text: "ClickSend keeps replies but does not push them: they show when Conversations is opened. Repair to get them at once.",
  },
  off: {
    label: "Off",
    tone: "neutral",
    text: "Replies to your messages are not collected, so agents and Conversations never see them.",
  },
};

const OUTCOMES: Record<
  RepliesMode,
  { tone: "success" | "info" | "error"; title: string; text: string }
> = {
  push: {
    tone: "success",
    title: "Replies enabled",
    text: "ClickSend now pushes each reply here as it arrives.",
  },
  poll: {
    tone: "info",
    title: "Replies are polled only",
    text: "ClickSend keeps replies, but did not accept the push; they show when Conversations is opened.",
  },
  off: {
    tone: "error",
    title: "Replies are still off",
    text: "ClickSend did not accept the reply rules. Try again later, or rotate the key.",
  },
};

type ConnectionRepliesProps = {
  connection: Connection;
};

/** How replies reach an active connection, and "Enable replies" (or repair) when not pushed. */
export function ConnectionReplies({ connection }: ConnectionRepliesProps) {
  const toast = useToast();
  const enable = useEnableReplies({
    onSuccess: (mode) => {
      const outcome = OUTCOMES[mode];
      toast.show({ tone: outcome.tone, title: outcome.title, description: outcome.text });
    },
  });
  const mode = connection.replies_mode;
  const { label, tone, text } = REPLIES[mode];

  return (
    <div className="space-y-2">
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone={tone}>{label}</Badge>
        <span className="text-slate-600 dark:text-slate-300">{text}</span>
      </p>
      {mode === "push" ? null : (
        <Button
          variant="secondary"
          size="sm"
          busy={enable.isPending}
          onClick={() => {
            enable.mutate(connection.id);
          }}
        >
          {mode === "off" ? "Enable replies" : "Repair replies"}{" "}
          <span className="sr-only">for {connection.connection_name}</span>
        </Button>
      )}
      {enable.isError ? (
        <Alert tone="error" title="Could not enable replies">
          {enable.error.message}
        </Alert>
      ) : null}
    </div>
  );
}
