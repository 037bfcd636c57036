import { useEffect, useState } from "react";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** A send that has not been answered in this many seconds says how long it has waited. */
const SLOW_AFTER_SECONDS = 3;

type SendProgressProps = {
  /** When the send started (Date.now()). */
  since: number;
  onStopWaiting: () => void;
};

/**
 * A slow send's elapsed time and a way to stop waiting (ClickSend may take up to 30 s before
 * our function gives up on it). Stopping keeps the draft; the send may still go out.
 */
export function SendProgress({ since, onStopWaiting }: SendProgressProps) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      clearInterval(timer);
    };
  }, []);

  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  if (seconds < SLOW_AFTER_SECONDS) return null;
  return (
    <Alert
      tone="info"
      // Not a live region: the seconds would be read out every second.
      role="none"
      title={`Waiting for ClickSend: ${String(seconds)} s`}
      action={
        <Button variant="secondary" size="sm" onClick={onStopWaiting}>
          Stop waiting
        </Button>
      }
    >
      <p role="status">
        ClickSend is slow to answer. You can stop waiting: your message stays here, but ClickSend
        may still send it.
      </p>
    </Alert>
  );
}
