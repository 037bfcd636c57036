// scripts/build-size.ts: which files count as initial JS, read from a built index.html and entry.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { entryDynamicImports, initialJsReferences, initialJsSize } from "../scripts/build-size.ts";

const html = `<!doctype html><html><head>
<script type="module" crossorigin src="/assets/index-A.js"></script>
<link rel="modulepreload" crossorigin href="/assets/vendor-B.js">
<link rel="stylesheet" crossorigin href="/assets/index-C.css">
<link rel="icon" href="/favicon.svg">
<script src="/legacy.js"></script>
</head><body></body></html>`;

const entry = `const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["assets/app-D.js","assets/app-E.css","assets/shared-F.js"])))=>i.map(i=>d[i]);console.log("entry");`;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("build-size", () => {
  it("takes module entry scripts and modulepreload links, nothing else", () => {
    expect(initialJsReferences(html)).toEqual([
      { href: "/assets/index-A.js", kind: "entry" },
      { href: "/assets/vendor-B.js", kind: "modulepreload" },
    ]);
  });

  it("reads the JavaScript chunks of the entry's import() preload map", () => {
    expect(entryDynamicImports(entry)).toEqual(["/assets/app-D.js", "/assets/shared-F.js"]);
    expect(entryDynamicImports("console.log(1)")).toEqual([]);
  });

  it("gzips each file at level 9 and totals initial JS separately from the entry's imports", () => {
    dir = mkdtempSync(join(tmpdir(), "build-size-"));
    mkdirSync(join(dir, "assets"));
    const files: Record<string, string> = {
      "index-A.js": entry,
      "vendor-B.js": "export const vendor = 1;".repeat(50),
      "app-D.js": "export const app = 2;".repeat(80),
      "shared-F.js": "export const shared = 3;",
    };
    for (const [name, content] of Object.entries(files))
      writeFileSync(join(dir, "assets", name), content);
    writeFileSync(join(dir, "index.html"), html);
    const gz = (name: string): number => gzipSync(files[name] ?? "", { level: 9 }).length;

    const size = initialJsSize(dir);
    expect(size.files.map((file) => [file.href, file.kind])).toEqual([
      ["/assets/index-A.js", "entry"],
      ["/assets/vendor-B.js", "modulepreload"],
      ["/assets/app-D.js", "entry-import()"],
      ["/assets/shared-F.js", "entry-import()"],
    ]);
    expect(size.initial.gzipBytes).toBe(gz("index-A.js") + gz("vendor-B.js"));
    expect(size.withEntryImports.gzipBytes).toBe(
      size.initial.gzipBytes + gz("app-D.js") + gz("shared-F.js"),
    );
    expect(size.initial.gzipKb).toBe(Math.round(size.initial.gzipBytes / 100) / 10);
  });

  it("refuses an index.html without a module entry", () => {
    dir = mkdtempSync(join(tmpdir(), "build-size-"));
    writeFileSync(join(dir, "index.html"), "<html></html>");
    const where = dir;
    expect(() => initialJsSize(where)).toThrow(/no <script type="module" src>/);
  });
});
