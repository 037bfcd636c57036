// clicksend-connect's input rules, the same zod schemas the function validates with.
export {
  apiKeySchema,
  connectionNameSchema,
  senderIdSchema,
  usernameSchema,
} from "@contracts/connection-schemas.ts";
