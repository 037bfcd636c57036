/** Every route path in one place, so links and the router cannot drift apart. */
export const paths = {
  home: "/",
  integrations: "/integrations",
  agents: "/agents",
  messages: "/messages",
} as const;

/** The main navigation, in display order. */
export const mainNavItems = [
  { label: "Integrations", to: paths.integrations },
  { label: "Agents", to: paths.agents },
  { label: "Messages", to: paths.messages },
] as const;
