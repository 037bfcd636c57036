import { useCallback, useLayoutEffect, useRef, type ComponentProps } from "react";

import { buttonClasses, type ButtonSize, type ButtonVariant } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";

type ButtonProps = ComponentProps<"button"> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /**
   * Disables the button and shows a spinner; the label (its accessible name) stays the same.
   * A button that had focus gets it back afterwards, instead of leaving keyboard users on <body>.
   */
  busy?: boolean;
};

export function Button({
  variant = "primary",
  size = "md",
  busy = false,
  className,
  type = "button",
  disabled,
  children,
  ref,
  ...props
}: ButtonProps) {
  const buttonRef = useRef<HTMLButtonElement>(null);
  const hadFocusWhenBusy = useRef(false);
  const setRefs = useCallback(
    (node: HTMLButtonElement | null) => {
      buttonRef.current = node;
      if (typeof ref === "function") ref(node);
      else if (ref) ref.current = node;
    },
    [ref],
  );

  // Browsers drop focus from a disabled element at the next rendering update, after this runs.
  useLayoutEffect(() => {
    const button = buttonRef.current;
    if (!button) return;
    if (busy) {
      hadFocusWhenBusy.current = document.activeElement === button;
      return;
    }
    const focusWasDropped =
      document.activeElement === null || document.activeElement === document.body;
    if (hadFocusWhenBusy.current && focusWasDropped) button.focus();
    hadFocusWhenBusy.current = false;
  }, [busy]);

  return (
    <button
      ref={setRefs}
      type={type}
      className={buttonClasses(variant, className, size)}
      disabled={disabled === true || busy}
      aria-busy={busy || undefined}
      {...props}
    >
      {busy ? <Spinner className="size-4" /> : null}
      {children}
    </button>
  );
}
