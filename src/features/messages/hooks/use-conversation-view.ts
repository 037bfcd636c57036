import { useCallback } from "react";
import { useSearchParams } from "react-router";

const CONTACT_PARAM = "contact";

/**
 * The open thread's contact number, kept in the URL so a reload, a shared link and the Back
 * button (which on a phone returns from the thread to the list) show the same view.
 */
export function useConversationView() {
  const [search, setSearch] = useSearchParams();
  const contact = search.get(CONTACT_PARAM);

  const setContact = useCallback(
    (value: string | null) => {
      setSearch(
        (current) => {
          const next = new URLSearchParams(current);
          if (value === null) next.delete(CONTACT_PARAM);
          else next.set(CONTACT_PARAM, value);
          return next;
        },
        { preventScrollReset: true },
      );
    },
    [setSearch],
  );

  /** The link to a contact's thread, keeping the rest of the URL. */
  const hrefFor = useCallback(
    (value: string) => {
      const next = new URLSearchParams(search);
      next.set(CONTACT_PARAM, value);
      return `?${next.toString()}`;
    },
    [search],
  );

  return { contact, setContact, hrefFor };
}
