// The PostgREST surface (/rest/v1) of the local Supabase-compatible gateway. See ARCHITECTURE.md,
// "Local stack contract", for what is implemented; everything else answers a clear 4xx/501.
export { createRestHandler } from "./handler.ts";
