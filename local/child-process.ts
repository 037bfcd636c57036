// Child processes the local stack starts (Vite, the functions' Deno processes).
import type { ChildProcess } from "node:child_process";

/** SIGTERM to a child, resolved when it has exited (at once if it already has). */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once("exit", () => {
      resolve();
    });
    child.kill("SIGTERM");
  });
}
