import { describe, expect, it } from "vitest";
import type { z } from "zod";

import {
  apiKeySchema,
  connectionNameSchema,
  senderIdSchema,
  usernameSchema,
} from "@/features/integrations/api/connection-rules";

type SharedRules = {
  apiKeySchema: z.ZodType;
  connectionNameSchema: z.ZodType;
  senderIdSchema: z.ZodType;
  connectBodySchema: { shape: { username: z.ZodType } };
};

// Loaded through Vite rather than a static import, so tsc (tsconfig.app.json) does not type-check
// the Deno-side modules it pulls in; see connection-rules.ts.
const sharedModule = Object.values(
  import.meta.glob<SharedRules>("../../../../supabase/functions/_shared/connections.ts"),
)[0];

async function shared(): Promise<SharedRules> {
  if (!sharedModule) throw new Error("supabase/functions/_shared/connections.ts not found");
  return sharedModule();
}

const outcome = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, messages: result.error.issues.map((issue) => issue.message) };
};

const samples = {
  senderIdSchema: ["+61411111111", " +61411111111 ", "+0412", "ab", "ACME", "ABCDEFGHIJKL", "A-B1"],
  connectionNameSchema: ["Support", "  ", "", "x".repeat(100), "x".repeat(101)],
  apiKeySchema: ["A1B2C3D4-E5F6-4789-ABCD-0123456789AB", "short", "has a space", " padded-key "],
  username: ["sandbox_user", "", "   ", "u".repeat(101)],
};

describe("connection rules mirror clicksend-connect's", () => {
  it.each(["senderIdSchema", "connectionNameSchema", "apiKeySchema"] as const)(
    "%s accepts and rejects the same inputs with the same messages",
    async (name) => {
      const theirs = (await shared())[name];
      const ours = { senderIdSchema, connectionNameSchema, apiKeySchema }[name];
      for (const input of samples[name]) {
        expect(outcome(ours, input), JSON.stringify(input)).toEqual(outcome(theirs, input));
      }
    },
  );

  it("username accepts and rejects the same inputs with the same messages", async () => {
    const theirs = (await shared()).connectBodySchema.shape.username;
    for (const input of samples.username) {
      expect(outcome(usernameSchema, input), JSON.stringify(input)).toEqual(outcome(theirs, input));
    }
  });
});
