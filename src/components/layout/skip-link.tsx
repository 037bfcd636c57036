import type { MouseEvent } from "react";

type SkipLinkProps = {
  targetId: string;
};

/**
 * First tab stop on every page. Moves focus (which also scrolls) instead of following the hash,
 * so the URL (and the router) stay untouched.
 */
export function SkipLink({ targetId }: SkipLinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    const target = document.getElementById(targetId);
    if (!target) return;
    event.preventDefault();
    target.focus();
  }

  return (
    <a
      href={`#${targetId}`}
      onClick={handleClick}
      className="sr-only rounded-md bg-white px-4 py-2 text-sm font-medium text-blue-700 shadow focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50 focus:outline-2 focus:outline-offset-2 focus:outline-blue-600 dark:bg-slate-900 dark:text-blue-300"
    >
      Skip to content
    </a>
  );
}
