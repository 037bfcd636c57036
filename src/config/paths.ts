/** Every route path in one place, so links and the router cannot drift apart. */
export const paths = {
  home: "/",
  integrations: "/integrations",
  agents: "/agents",
  messages: "/messages",
  signIn: "/sign-in",
  createAccount: "/create-account",
} as const;

/** The search parameter naming the page to return to after signing in. */
export const REDIRECT_PARAM = "redirectTo";

/** The main navigation, in display order. */
export const mainNavItems = [
  { label: "Integrations", to: paths.integrations },
  { label: "Agents", to: paths.agents },
  { label: "Messages", to: paths.messages },
] as const;
