/**
 * Marks an element directly under <body> (such as the toast region) that stays usable while a
 * modal Dialog makes the rest of the page inert.
 */
export const KEEP_INTERACTIVE_ATTRIBUTE = "data-keep-interactive";
