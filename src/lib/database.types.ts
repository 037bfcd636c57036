// The generated schema types live beside the Edge Functions (one file for app and functions).
export type * from "../../supabase/functions/_shared/database.types.ts";
