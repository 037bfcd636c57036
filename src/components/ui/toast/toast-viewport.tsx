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
 * One polite live region, present from the start so additions are announced: full width along the
 * bottom of a phone, a narrow column in the bottom-right corner above that. Timers pause while
 * the pointer or keyboard focus is on a toast, so nobody loses a message they are reading.
 */
export function ToastViewport({ toasts, onDismiss }: ToastViewportProps) {
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);

  return createPortal(
    <div
      {...{ [KEEP_INTERACTIVE_ATTRIBUTE]: "" }}
      className="pointer-events-none fixed inset-x-2 bottom-2 z-50 flex justify-end sm:inset-x-auto sm:right-4 sm:bottom-4 sm:w-80"
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
