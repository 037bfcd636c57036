import { describe, expect, it } from "vitest";

import { EnvError, parseEnv } from "@/lib/env";

const valid = {
  VITE_SUPABASE_URL: "http://127.0.0.1:54321",
  VITE_SUPABASE_ANON_KEY: "local-anon-key",
};

describe("parseEnv", () => {
  it("returns the Supabase URL and anon key when both are valid", () => {
    expect(parseEnv(valid)).toEqual({
      supabaseUrl: "http://127.0.0.1:54321",
      supabaseAnonKey: "local-anon-key",
    });
  });

  it("rejects a URL that is not a URL, naming the variable, the value and an example", () => {
    expect(() => parseEnv({ ...valid, VITE_SUPABASE_URL: "localhost:54321/api" })).toThrow(
      EnvError,
    );
    expect(() => parseEnv({ ...valid, VITE_SUPABASE_URL: "not a url" })).toThrow(
      /VITE_SUPABASE_URL must be an http\(s\) URL such as http:\/\/127\.0\.0\.1:54321, but is "not a url"/,
    );
  });

  it("rejects a URL with a scheme other than http or https", () => {
    expect(() => parseEnv({ ...valid, VITE_SUPABASE_URL: "ftp://127.0.0.1:54321" })).toThrow(
      /VITE_SUPABASE_URL must be an http\(s\) URL/,
    );
  });

  it("reports every missing variable at once and says where to set them", () => {
    let message = "";
    try {
      parseEnv({});
    } catch (error) {
      message = error instanceof Error ? error.message : "";
    }
    expect(message).toMatch(/VITE_SUPABASE_URL is not set/);
    expect(message).toMatch(/VITE_SUPABASE_ANON_KEY is not set/);
    expect(message).toMatch(/\.env\.local/);
  });

  it("rejects a blank anon key", () => {
    expect(() => parseEnv({ ...valid, VITE_SUPABASE_ANON_KEY: "   " })).toThrow(
      /VITE_SUPABASE_ANON_KEY is empty/,
    );
  });
});
