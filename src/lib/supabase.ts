import { createClient } from "@supabase/supabase-js";

import type { Database } from "@/lib/database.types";
import { env } from "@/lib/env";

/** The one browser client. Requests carry the signed-in user's JWT, so RLS decides what is visible. */
export const supabase = createClient<Database>(env.supabaseUrl, env.supabaseAnonKey);
