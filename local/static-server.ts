// Serves a built single-page app (dist/) on 127.0.0.1: files as they are, any other path gets
// index.html so client-side routes load. For the end-to-end suite and the bundle benchmark.
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

/** Serves the built app; any path that is not a file gets index.html (client-side routes). */
export function serveStatic(dir: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://app").pathname);
    const candidate = normalize(join(dir, path));
    const inside = candidate.startsWith(dir + sep);
    const file =
      inside && existsSync(candidate) && statSync(candidate).isFile()
        ? candidate
        : join(dir, "index.html");
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      resolve(server);
    });
  });
}
