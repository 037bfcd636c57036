/**
 * Query keys of the user's opt-out lists (public.clicksend_opt_outs) and their consent history.
 * The Opt-outs page, the composer and Conversations read them; adding or removing a number, or a
 * STOP/START reply seen in a thread, invalidates `all`.
 */
export const optOutKeys = {
  all: ["opt-outs"] as const,
  list: () => [...optOutKeys.all, "list"] as const,
  history: (account: string, phone: string) =>
    [...optOutKeys.all, "history", account, phone] as const,
};
