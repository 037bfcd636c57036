// Entry of the PGlite worker thread. Node 20 runs a worker's entry file without the parent's tsx
// loader (the .ts entry fails with "Unknown file extension"), under `tsx` and vitest alike, so
// this plain module registers tsx in the worker first and then loads the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./pglite-worker.ts");
