/** An inline text link: underlined, with a visible focus ring, readable in both colour schemes. */
export const textLinkClasses =
  "rounded-sm font-medium text-blue-700 underline underline-offset-4 hover:text-blue-900 " +
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 " +
  "dark:text-blue-300 dark:hover:text-blue-200 dark:focus-visible:outline-blue-400";
