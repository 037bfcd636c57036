// bench/mcp.ts's design check (the MCP path's gateway requests are the executor's with the JWT
// check replaced by the token check) and its exact "= 0" figures.
import { describe, expect, it } from "vitest";
import { JWT_CHECK, TOKEN_CHECK, designedMcpRequests, sameCount } from "./mcp.ts";
import { goalMet } from "./report.ts";

const PREPARE = "POST /rest/v1/rpc/clicksend_prepare_call";
const FINISH = "POST /rest/v1/rpc/clicksend_finish_call";

describe("designedMcpRequests", () => {
  it("replaces the JWT check with the token check, first, and keeps the rest in order", () => {
    expect(designedMcpRequests([JWT_CHECK, PREPARE, FINISH])).toEqual([
      TOKEN_CHECK,
      PREPARE,
      FINISH,
    ]);
    expect(designedMcpRequests([PREPARE, JWT_CHECK, FINISH])).toEqual([
      TOKEN_CHECK,
      PREPARE,
      FINISH,
    ]);
    expect(JWT_CHECK).toBe("GET /auth/v1/user");
    expect(TOKEN_CHECK).toBe("POST /rest/v1/rpc/agent_token_verify");
  });

  it("keeps a priced send's second prepare", () => {
    expect(designedMcpRequests([JWT_CHECK, PREPARE, PREPARE, FINISH])).toEqual([
      TOKEN_CHECK,
      PREPARE,
      PREPARE,
      FINISH,
    ]);
  });

  it("refuses an executor path without exactly one JWT check", () => {
    expect(() => designedMcpRequests([PREPARE, FINISH])).toThrow(/0 JWT checks/);
    expect(() => designedMcpRequests([JWT_CHECK, JWT_CHECK, PREPARE])).toThrow(/2 JWT checks/);
  });
});

describe("sameCount", () => {
  it("is the difference, met only when the counts are equal", () => {
    expect(sameCount("k", "l", 3, 3)).toMatchObject({ value: 0, unit: "count" });
    expect(goalMet(sameCount("k", "l", 3, 3))).toBe(true);
    expect(goalMet(sameCount("k", "l", 4, 3))).toBe(false);
    expect(goalMet(sameCount("k", "l", 2, 3))).toBe(false);
  });
});
