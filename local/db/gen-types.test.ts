import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { currentTypes, typesPath } from "./types-generator.ts";

describe("supabase/functions/_shared/contracts/database.types.ts", () => {
  it("matches the migrated schema (run `npm run gen:types` after changing a migration)", async () => {
    const committed = readFileSync(typesPath, "utf8");
    expect(
      committed === (await currentTypes()),
      "database.types.ts is stale: run `npm run gen:types`",
    ).toBe(true);
  }, 120_000);
});
