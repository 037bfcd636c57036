// The initial JavaScript of the production build, gzipped: what a browser downloads before the app
// can start. Reads dist/index.html, takes the entry `<script type="module" src>` and every
// `<link rel="modulepreload" href>`, gzips each file with node:zlib at level 9 and prints one row
// per file and the total in kB (1 kB = 1000 bytes).
//
// Also listed, separately: the chunks the entry itself loads with import() (Vite's
// `__vite__mapDeps` list in the entry). src/main.tsx imports the app shell dynamically, so those
// chunks load at every start too, before any route's own chunk; "with the entry's dynamic
// imports" is that larger total. Route chunks loaded later are counted in neither.
//
//   tsx scripts/build-size.ts [distDir]     (run by `npm run build` after vite build)
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const GZIP_LEVEL = 9;

export type JsFileKind = "entry" | "modulepreload" | "entry-import()";

export interface JsFile {
  /** As referenced, e.g. /assets/index-abc123.js */
  href: string;
  kind: JsFileKind;
  bytes: number;
  gzipBytes: number;
}

export interface Totals {
  bytes: number;
  gzipBytes: number;
  /** gzipBytes / 1000, to 0.1 kB. */
  gzipKb: number;
}

export interface InitialJsSize {
  files: JsFile[];
  /** Entry script + modulepreload links: the initial JS. */
  initial: Totals;
  /** The initial JS plus the chunks the entry loads with import(). */
  withEntryImports: Totals;
}

const TAG = /<(script|link)\b([^>]*)>/gi;
const ATTRIBUTE = /([a-zA-Z:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'>]+))/g;
/** Vite's preload map in a chunk that calls import(): `m.f||(m.f=["assets/a.js",…])`. */
const VITE_MAP_DEPS = /__vite__mapDeps\s*=\s*\([^)]*?m\.f\s*\|\|\s*\(m\.f\s*=\s*\[([^\]]*)\]/;

function attributes(source: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = match[1];
    const value = match[3] ?? match[4] ?? match[5];
    if (name !== undefined && value !== undefined) out.set(name.toLowerCase(), value);
  }
  return out;
}

/** The initial JS that index.html references: module entry scripts and modulepreload links. */
export function initialJsReferences(html: string): { href: string; kind: JsFileKind }[] {
  const found: { href: string; kind: JsFileKind }[] = [];
  for (const tag of html.matchAll(TAG)) {
    const name = (tag[1] ?? "").toLowerCase();
    const attrs = attributes(tag[2] ?? "");
    const src = attrs.get("src");
    const href = attrs.get("href");
    if (name === "script" && attrs.get("type") === "module" && src !== undefined) {
      found.push({ href: src, kind: "entry" });
    } else if (name === "link" && attrs.get("rel") === "modulepreload" && href !== undefined) {
      found.push({ href, kind: "modulepreload" });
    }
  }
  return found.filter(
    (ref, index) => found.findIndex((other) => other.href === ref.href) === index,
  );
}

/** The .js files in an entry chunk's `__vite__mapDeps` list (base-relative, e.g. assets/a.js). */
export function entryDynamicImports(entrySource: string): string[] {
  const list = VITE_MAP_DEPS.exec(entrySource)?.[1];
  if (list === undefined) return [];
  return [...list.matchAll(/"([^"]+)"|'([^']+)'|`([^`]+)`/g)]
    .map((match) => match[1] ?? match[2] ?? match[3] ?? "")
    .filter((file) => file.endsWith(".js"))
    .map((file) => `/${file.replace(/^\/+/, "")}`);
}

function localPath(distDir: string, href: string): string {
  if (/^[a-z]+:\/\//i.test(href) || href.startsWith("//"))
    throw new Error(`index.html references remote JavaScript (${href}); cannot size it`);
  const clean = href.split(/[?#]/)[0] ?? "";
  const root = resolve(distDir);
  const path = resolve(root, `.${clean.startsWith("/") ? clean : `/${clean}`}`);
  if (!path.startsWith(`${root}/`)) throw new Error(`${href} is outside ${distDir}`);
  if (!existsSync(path)) throw new Error(`${href} is referenced but ${path} does not exist`);
  return path;
}

function totals(files: readonly JsFile[]): Totals {
  const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
  const gzipBytes = files.reduce((sum, file) => sum + file.gzipBytes, 0);
  return { bytes, gzipBytes, gzipKb: Math.round(gzipBytes / 100) / 10 };
}

/** Sizes the initial JS of the build in `distDir` (default: dist/ at the repository root). */
export function initialJsSize(distDir = defaultDistDir()): InitialJsSize {
  const html = readFileSync(join(distDir, "index.html"), "utf8");
  const references = initialJsReferences(html);
  if (!references.some((ref) => ref.kind === "entry"))
    throw new Error(`${join(distDir, "index.html")} has no <script type="module" src>`);
  const files: JsFile[] = [];
  const seen = new Set<string>();
  const add = (href: string, kind: JsFileKind): Buffer => {
    const content = readFileSync(localPath(distDir, href));
    if (!seen.has(href)) {
      seen.add(href);
      const gzipBytes = gzipSync(content, { level: GZIP_LEVEL }).length;
      files.push({ href, kind, bytes: content.length, gzipBytes });
    }
    return content;
  };
  const entries: Buffer[] = [];
  for (const { href, kind } of references) {
    const content = add(href, kind);
    if (kind === "entry") entries.push(content);
  }
  for (const entry of entries) {
    for (const href of entryDynamicImports(entry.toString("utf8"))) add(href, "entry-import()");
  }
  return {
    files,
    initial: totals(files.filter((file) => file.kind !== "entry-import()")),
    withEntryImports: totals(files),
  };
}

export function defaultDistDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
}

const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

export function formatSizeTable(size: InitialJsSize): string {
  const rows = [
    ["file", "kind", "raw", `gzip -${String(GZIP_LEVEL)}`],
    ...size.files.map((file) => [file.href, file.kind, kb(file.bytes), kb(file.gzipBytes)]),
    ["entry + modulepreload", "", kb(size.initial.bytes), kb(size.initial.gzipBytes)],
    [
      "loaded at every start (+ the entry's import()s)",
      "",
      kb(size.withEntryImports.bytes),
      kb(size.withEntryImports.gzipBytes),
    ],
  ];
  const widths = [0, 1, 2, 3].map((column) =>
    Math.max(...rows.map((row) => (row[column] ?? "").length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column >= 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const distDir = process.argv[2] === undefined ? defaultDistDir() : resolve(process.argv[2]);
  console.log(`initial JavaScript of ${distDir}, gzip level ${String(GZIP_LEVEL)} (node:zlib):`);
  console.log(formatSizeTable(initialJsSize(distDir)));
  console.log(
    "The first page also loads its route's chunks: `npm run bench -- build` measures that in Chromium (initial_js_gzip_kb).",
  );
}
