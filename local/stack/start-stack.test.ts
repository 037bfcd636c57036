// The parts of startStack that the whole-stack suites do not show: the functions turned off, and
// a start that is aborted or fails leaving nothing behind. (Everything else runs in every
// integration, e2e and bench start.)
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, portInUse } from "../net.ts";
import { startStack } from "./start-stack.ts";

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** Something listening on a free port, so a start that needs that port fails. */
async function occupy(): Promise<number> {
  const port = await freePort();
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return port;
}

describe("startStack", () => {
  it("without functions serves auth and REST only, starts no sandbox, and stop() closes it", async () => {
    const stack = await startStack({ functions: false });
    try {
      expect([stack.sandbox, stack.functions, stack.clicksendApiBase]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      const health = await fetch(`${stack.url}/auth/v1/health`);
      expect(health.status).toBe(200);
      const functions = await fetch(`${stack.url}/functions/v1/anything`);
      expect(functions.status).toBe(404);
      expect(await functions.text()).toContain("no API at /functions/v1/anything");
    } finally {
      await stack.stop();
    }
    expect(await portInUse(stack.gateway.port)).toBe(false);
  });

  it("rejects an already aborted start before starting anything", async () => {
    const sandboxPort = await freePort();
    await expect(
      startStack({ sandbox: { port: sandboxPort }, signal: AbortSignal.abort() }),
    ).rejects.toThrow(/aborted/);
    expect(await portInUse(sandboxPort)).toBe(false);
  });

  it("stops the sandbox it started when the start is aborted while the functions start", async () => {
    const sandboxPort = await freePort();
    const controller = new AbortController();
    const starting = startStack({ sandbox: { port: sandboxPort }, signal: controller.signal });
    // The sandbox listens at once; Deno takes far longer.
    while (!(await portInUse(sandboxPort))) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await expect(starting).rejects.toThrow(/aborted/);
    expect(await portInUse(sandboxPort)).toBe(false);
  });

  it("rejects with the listen error itself when the API port is taken (the CLI names the port from it)", async () => {
    const apiPort = await occupy();
    const error: unknown = await startStack({ apiPort, functions: false }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: "EADDRINUSE", port: apiPort });
  });
});
