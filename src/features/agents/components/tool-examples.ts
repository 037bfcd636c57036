import type { ToolArguments, ToolName } from "@/features/agents/catalog";

/** ClickSend's test number: accepted and free, never delivered. */
export const TEST_NUMBER = "+61411111111";

/** A sensible first call per tool, typed by the catalog's own argument schemas. */
const TOOL_EXAMPLES: { [T in ToolName]: ToolArguments<T> } = {
  clicksend_send_sms: { to: [TEST_NUMBER], body: "Hello from the playground" },
  clicksend_send_mms: {
    to: [TEST_NUMBER],
    subject: "Playground",
    body: "Hello from the playground",
    media_url: "https://example.com/picture.jpg",
  },
  clicksend_get_balance: {},
  clicksend_get_sms_history: { page: 1, limit: 15 },
  clicksend_get_mms_history: { page: 1, limit: 15 },
  clicksend_get_delivery_receipts: { page: 1, limit: 15 },
  clicksend_get_replies: { limit: 20 },
};

export function exampleText(tool: ToolName): string {
  return JSON.stringify(TOOL_EXAMPLES[tool], null, 2);
}
