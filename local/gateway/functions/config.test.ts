// Which functions the gateway serves and which of them need a JWT (no Deno needed).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../db/sql-files.ts";
import { discoverFunctions, verifyJwtSettings } from "./config.ts";

const fixtures = join(repoRoot, "local/gateway/fixtures");

describe("functions discovery and config", () => {
  it("finds function folders with an index.ts and skips _shared", () => {
    expect(discoverFunctions(join(fixtures, "functions"))).toEqual([
      "echo",
      "headers",
      "open-hook",
    ]);
  });
  it("reads verify_jwt from config.toml, defaulting to true", () => {
    const settings = verifyJwtSettings(join(fixtures, "config.toml"));
    expect([settings("open-hook"), settings("echo")]).toEqual([false, true]);
  });
});
