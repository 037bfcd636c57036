// PostgREST surface used by supabase-js. (Being written: see issue 3.)
import { HttpError } from "../http.ts";
import type { GatewayContext, Handler } from "../server.ts";

export function createRestHandler(_ctx: GatewayContext): Handler {
  return () => Promise.reject(new HttpError(501, { message: "rest is not implemented yet" }));
}
