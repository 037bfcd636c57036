// A free TCP port on 127.0.0.1, for servers started by tests and the local stack.
import { createServer } from "node:net";

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
