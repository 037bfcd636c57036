// The import boundaries are enforced by ESLint (eslint.config.js, eslint-plugin-boundaries):
// these cases show the rule fails for each forbidden direction and passes for the allowed ones,
// so a config change that silently drops a boundary is caught here.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint();

/** The boundary errors ESLint reports for `code` as if it were the file at `filePath`. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === "boundaries/dependencies")
    .map((message) => message.message);
}

describe("import boundaries", () => {
  it("the app may import the backend's contracts", async () => {
    expect(
      await boundaryErrors(
        "src/features/agents/catalog.ts",
        'export { SCOPES } from "@contracts/scopes.ts";\n',
      ),
    ).toEqual([]);
  });

  it("the app may not import server code of the functions", async () => {
    const errors = await boundaryErrors(
      "src/features/agents/catalog.ts",
      'export { serviceClient } from "../../../supabase/functions/_shared/supabase.ts";\n',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/features may not import backend-shared/);
  });

  it("the app may not import the local stack", async () => {
    const errors = await boundaryErrors(
      "src/lib/env.ts",
      'export { freePort } from "../../local/net.ts";\n',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/lib may not import local/);
  });

  it("the functions may not import the local stack, but their tests may", async () => {
    const code = 'export { freePort } from "../../../local/net.ts";\n';
    const production = await boundaryErrors("supabase/functions/_shared/connections.ts", code);
    expect(production).toHaveLength(1);
    expect(production[0]).toMatch(/backend-shared may not import local/);
    expect(await boundaryErrors("supabase/functions/_shared/redact.test.ts", code)).toEqual([]);
  });

  it("a contract may not import server code", async () => {
    const errors = await boundaryErrors(
      "supabase/functions/_shared/contracts/scopes.ts",
      'export { ApiError } from "../http.ts";\n',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/contracts may not import backend-shared/);
  });

  it("the functions' test fakes are for tests only", async () => {
    const code = 'export { reply } from "./testing/fake-backend.ts";\n';
    const production = await boundaryErrors("supabase/functions/_shared/connections.ts", code);
    expect(production).toHaveLength(1);
    expect(production[0]).toMatch(/backend-shared may not import backend-testing/);
    expect(await boundaryErrors("supabase/functions/_shared/connections.test.ts", code)).toEqual(
      [],
    );
  });
});
