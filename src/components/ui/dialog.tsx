import { useEffect, useId, useLayoutEffect, useRef, type ReactNode, type RefObject } from "react";
import { createPortal } from "react-dom";

import { Button } from "@/components/ui/button";
import { KEEP_INTERACTIVE_ATTRIBUTE } from "@/components/ui/keep-interactive";
import { cn } from "@/utils/cn";

type DialogProps = {
  open: boolean;
  /** Called on Escape and on the close button; ignore it while a save must not be interrupted. */
  onClose: () => void;
  /** The heading; also the dialog's accessible name. */
  title: ReactNode;
  /** Read with the title when the dialog opens. */
  description?: ReactNode;
  /** Focused on open; by default the first field or button in the body. */
  initialFocusRef?: RefObject<HTMLElement | null>;
  className?: string;
  children: ReactNode;
};

/**
 * A modal dialog: focus moves in and stays in (Tab wraps), the rest of the page is inert,
 * Escape closes, and focus returns to what opened it.
 */
export function Dialog({ open, ...props }: DialogProps) {
  if (!open) return null;
  return createPortal(<ModalDialog {...props} />, document.body);
}

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type='hidden'])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "[tabindex]:not([tabindex='-1'])",
].join(",");

function focusableIn(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (element) => !element.closest("[hidden], [inert]"),
  );
}

/** Keeps Tab and Shift+Tab cycling through the panel's controls. */
function trapTab(event: KeyboardEvent, panel: HTMLElement) {
  const focusable = focusableIn(panel);
  const first = focusable[0];
  const last = focusable.at(-1);
  const active = document.activeElement;
  if (!first || !last) {
    event.preventDefault();
  } else if (event.shiftKey && (active === first || active === panel)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}

function ModalDialog({
  onClose,
  title,
  description,
  initialFocusRef,
  className,
  children,
}: Omit<DialogProps, "open">) {
  const titleId = useId();
  const descriptionId = useId();
  const overlayRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useLayoutEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const overlay = overlayRef.current;
    const panel = panelRef.current;
    if (!overlay || !panel) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;

    // Everything else on the page becomes inert: no focus, no clicks, hidden from screen readers.
    const madeInert = Array.from(document.body.children).filter(
      (element) =>
        element !== overlay &&
        !element.hasAttribute("inert") &&
        !element.hasAttribute(KEEP_INTERACTIVE_ATTRIBUTE),
    );
    for (const element of madeInert) element.setAttribute("inert", "");
    const previousOverflow = document.documentElement.style.overflow;
    document.documentElement.style.overflow = "hidden";

    const first = bodyRef.current ? focusableIn(bodyRef.current)[0] : undefined;
    (initialFocusRef?.current ?? first ?? panel).focus();

    function handleKeyDown(event: KeyboardEvent) {
      if (event.key === "Escape") {
        // A dialog opened from this one is a separate panel and handles its own Escape.
        event.preventDefault();
        onCloseRef.current();
      } else if (event.key === "Tab" && panel) {
        trapTab(event, panel);
      }
    }
    panel.addEventListener("keydown", handleKeyDown);

    return () => {
      panel.removeEventListener("keydown", handleKeyDown);
      for (const element of madeInert) element.removeAttribute("inert");
      document.documentElement.style.overflow = previousOverflow;
      if (opener?.isConnected) opener.focus();
    };
    // Runs once per opening; a changed initialFocusRef must not steal focus mid-edit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div
      ref={overlayRef}
      className="fixed inset-0 z-40 flex items-center justify-center overflow-y-auto bg-slate-950/60 p-4"
    >
      <div
        ref={panelRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        className={cn(
          "max-h-full w-full max-w-lg overflow-y-auto rounded-xl bg-white p-5 shadow-xl focus:outline-none sm:p-6",
          "dark:bg-slate-900 dark:ring-1 dark:ring-slate-700",
          className,
        )}
      >
        <div className="flex items-start justify-between gap-4">
          <h2 id={titleId} className="min-w-0 text-lg font-semibold tracking-tight wrap-break-word">
            {title}
          </h2>
          <button
            type="button"
            aria-label="Close"
            onClick={onClose}
            className="-mt-1 -mr-2 rounded-md p-2 text-slate-500 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-white dark:focus-visible:outline-blue-400"
          >
            <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="size-5">
              <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
            </svg>
          </button>
        </div>
        {description ? (
          <p
            id={descriptionId}
            className="mt-1 text-sm wrap-break-word text-slate-600 dark:text-slate-300"
          >
            {description}
          </p>
        ) : null}
        <div ref={bodyRef} className="mt-4">
          {children}
        </div>
      </div>
    </div>
  );
}

/** The dialog's buttons: stacked on phones (primary on top), in a row from `sm` up. */
export function DialogActions({ children }: { children: ReactNode }) {
  return (
    <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">{children}</div>
  );
}

/**
 * A confirmation's two buttons: the way back (Cancel) and the action that cannot be undone. While
 * `busy`, the way back is disabled and the action shows its spinner.
 */
export function ConfirmActions({
  confirmLabel,
  onConfirm,
  onCancel,
  busy = false,
  cancelLabel = "Cancel",
}: {
  confirmLabel: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  cancelLabel?: ReactNode;
}) {
  return (
    <DialogActions>
      <Button variant="secondary" onClick={onCancel} disabled={busy}>
        {cancelLabel}
      </Button>
      <Button variant="danger" busy={busy} onClick={onConfirm}>
        {confirmLabel}
      </Button>
    </DialogActions>
  );
}
