import type { MouseEvent, ReactNode } from "react";

import { textLinkClasses } from "@/components/ui/text-link-styles";

export const COMPOSER_ID = "composer";
export const COMPOSER_FIRST_FIELD_ID = "composer-to";

/** A link to the composer that also puts the cursor in its first field. */
export function ComposerLink({ children }: { children: ReactNode }) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    const field = document.getElementById(COMPOSER_FIRST_FIELD_ID);
    if (!field) return;
    event.preventDefault();
    field.focus();
  }
  return (
    <a href={`#${COMPOSER_ID}`} onClick={handleClick} className={textLinkClasses}>
      {children}
    </a>
  );
}
