/** The name shown in the header and in every page title. */
export const PRODUCT_NAME = "ClickSend for Agents";
