import { useState } from "react";
import { createPortal } from "react-dom";

import { KEEP_INTERACTIVE_ATTRIBUTE } from "@/components/ui/keep-interactive";
import type { Toast } from "@/components/ui/toast/toast-context";
import { ToastItem } from "@/components/ui/toast/toast-item";

type ToastViewportProps = {
  toasts: Toast[];
  onDismiss: (id: string) => void;
};

/**
 * One polite live region, present from the start so additions are announced. Timers pause while
 * the pointer or keyboard focus is on a toast, so nobody loses a message they are reading.
 */
export function ToastViewport({ toasts, onDismiss }: ToastViewportProps) {
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);

  return createPortal(
    <div
      {...{ [KEEP_INTERACTIVE_ATTRIBUTE]: "" }}
      className="pointer-events-none fixed inset-x-4 bottom-4 z-50 flex justify-end sm:left-auto sm:w-96"
    >
      <div
        role="status"
        aria-live="polite"
        aria-label="Notifications"
        onPointerEnter={() => {
          setHovered(true);
        }}
        onPointerLeave={() => {
          setHovered(false);
        }}
        onFocus={() => {
          setFocused(true);
        }}
        onBlur={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget)) setFocused(false);
        }}
        className="flex w-full flex-col gap-2"
      >
        {toasts.map((toast) => (
          <ToastItem
            key={toast.id}
            toast={toast}
            paused={hovered || focused}
            onDismiss={onDismiss}
          />
        ))}
      </div>
    </div>,
    document.body,
  );
}
