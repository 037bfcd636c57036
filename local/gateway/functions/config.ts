// Which Edge Functions there are and how the gateway treats each: the function folders under
// supabase/functions, and `verify_jwt` per function from supabase/config.toml.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";

const configSchema = z.object({
  functions: z
    .record(z.string(), z.object({ verify_jwt: z.boolean().optional() }).loose())
    .optional(),
});

/** Function names: folders with an index.ts, except shared ones (leading underscore). */
export function discoverFunctions(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() &&
        !entry.name.startsWith("_") &&
        existsSync(join(dir, entry.name, "index.ts")),
    )
    .map((entry) => entry.name)
    .sort();
}

/** verify_jwt per function from config.toml; Supabase's default is true. */
export function verifyJwtSettings(configToml: string | undefined): (name: string) => boolean {
  if (configToml === undefined || !existsSync(configToml)) return () => true;
  const config = configSchema.parse(parseToml(readFileSync(configToml, "utf8")));
  return (name) => config.functions?.[name]?.verify_jwt ?? true;
}
