// clicksend-connect's input rules, the same zod schemas the function validates with.
export {
  apiKeySchema,
  connectionNameSchema,
  senderIdSchema,
  usernameSchema,
} from "../../../../supabase/functions/_shared/connection-schemas.ts";
