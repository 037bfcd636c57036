/** Every route path in one place, so links and the router cannot drift apart. */
export const paths = {
  home: "/",
  integrations: "/integrations",
  agents: "/agents",
  messages: "/messages",
  conversations: "/conversations",
  optOuts: "/opt-outs",
  approvals: "/approvals",
  signIn: "/sign-in",
  createAccount: "/create-account",
} as const;

/** The search parameter naming the page to return to after signing in. */
export const REDIRECT_PARAM = "redirectTo";

/**
 * The main navigation, in display order; `unreadReplies` shows the unread replies' count,
 * `pendingApprovals` the count of sends waiting for approval.
 */
export const mainNavItems = [
  { label: "Integrations", to: paths.integrations, unreadReplies: false },
  { label: "Agents", to: paths.agents, unreadReplies: false },
  { label: "Messages", to: paths.messages, unreadReplies: false },
  { label: "Conversations", to: paths.conversations, unreadReplies: true },
  { label: "Opt-outs", to: paths.optOuts, unreadReplies: false },
  { label: "Approvals", to: paths.approvals, unreadReplies: false, pendingApprovals: true },
] as const;
