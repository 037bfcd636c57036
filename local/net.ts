// TCP ports on 127.0.0.1 for servers started by tests and the local stack: a free one, whether a
// given one is free, and the stack's ports with their environment overrides.
import { createServer } from "node:net";
import { z } from "zod";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === "string")
          reject(new Error("could not get a free port"));
        else resolve(address.port);
      });
    });
  });
}

const addressInUseSchema = z.object({ code: z.literal("EADDRINUSE") });

/** Whether something already listens on host:port (only EADDRINUSE counts; other errors throw). */
export function portInUse(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", (error) => {
      if (addressInUseSchema.safeParse(error).success) resolve(true);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => {
        resolve(false);
      });
    });
  });
}

/** The port of a listen() that failed because the address was taken, if `error` is that. */
export function addressInUsePort(error: unknown): number | undefined {
  const parsed = addressInUseSchema.extend({ port: z.number().int() }).safeParse(error);
  return parsed.success ? parsed.data.port : undefined;
}

const portSchema = z.coerce.number().int().min(1).max(65535);

/** `env[name]` as a TCP port, or `fallback` when unset; a clear error when it is not a port. */
export function portFromEnv(
  name: string,
  fallback: number,
  env: Record<string, string | undefined> = process.env,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const parsed = portSchema.safeParse(raw.trim());
  if (!parsed.success) {
    throw new Error(`${name} must be a TCP port between 1 and 65535, not "${raw}"`);
  }
  return parsed.data;
}
