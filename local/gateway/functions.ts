// Edge Functions behind the gateway, by concern:
//   functions/config.ts      which functions exist; verify_jwt from supabase/config.toml
//   functions/supervisor.ts  Deno processes: start, wait until listening, log, stop
//   functions/proxy.ts       the /functions/v1 route: JWT check, then proxy with the gateway secret
export { GATEWAY_SECRET_HEADER, proxy } from "./functions/proxy.ts";
export { startFunctions, type FunctionsRuntime } from "./functions/supervisor.ts";
