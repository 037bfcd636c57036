// The generated schema types live beside the Edge Functions (one file for app and functions).
export type * from "@contracts/database.types.ts";
