// A throwaway PostgreSQL 15 cluster: initdb into a temp dir, start on a free port, stop and
// delete afterwards (also when the caller throws or the process is interrupted).
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../net.ts";

export const pgBin = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface PgCluster {
  host: string;
  port: number;
  user: string;
  database: string;
  /** -h/-p/-U for the cluster, for psql, pg_dump and pg_prove. */
  connectionArgs: string[];
  /** postgres:// URL for the `postgres` npm package. */
  url: string;
  /** Runs psql against the cluster; throws with psql's output on failure. */
  psql(args: string[], input?: string): string;
  stop(): void;
}

/** initdb and pg_ctl refuse to run as root: run them as the postgres user then. */
function asClusterOwner(command: string, args: string[]): SpawnSyncReturns<string> {
  const isRoot = process.getuid?.() === 0;
  return isRoot
    ? spawnSync("runuser", ["-u", "postgres", "--", command, ...args], { encoding: "utf8" })
    : spawnSync(command, args, { encoding: "utf8" });
}

function check(result: SpawnSyncReturns<string>, what: string): void {
  if (result.status !== 0) {
    throw new Error(
      `${what} failed (exit ${String(result.status)}):\n${result.stdout}${result.stderr}`,
    );
  }
}

export async function startCluster(): Promise<PgCluster> {
  if (!existsSync(join(pgBin, "initdb"))) {
    throw new Error(
      `PostgreSQL 15 binaries not found in ${pgBin}; install postgresql-15 or set PG_BIN`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "pg15-"));
  const dataDir = join(dir, "data");
  if (process.getuid?.() === 0) {
    const owner = execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim();
    const group = execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim();
    chownSync(dir, Number(owner), Number(group));
  }
  const port = await freePort();
  let started = false;

  const stop = (): void => {
    if (started) {
      asClusterOwner(join(pgBin, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    stop();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", stop);

  try {
    check(
      asClusterOwner(join(pgBin, "initdb"), [
        "-D",
        dataDir,
        "-A",
        "trust",
        "-U",
        "postgres",
        "--no-sync",
        "-E",
        "UTF8",
        "--locale=C",
      ]),
      "initdb",
    );
    check(
      asClusterOwner(join(pgBin, "pg_ctl"), [
        "-D",
        dataDir,
        "-l",
        join(dir, "server.log"),
        "-w",
        "-t",
        "60",
        "start",
        "-o",
        `-p ${String(port)} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      ]),
      "pg_ctl start",
    );
    started = true;
  } catch (error) {
    stop();
    throw error;
  }

  const host = "127.0.0.1";
  const connectionArgs = ["-h", host, "-p", String(port), "-U", "postgres"];
  const base = [...connectionArgs, "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1"];
  return {
    connectionArgs,
    host,
    port,
    user: "postgres",
    database: "postgres",
    url: `postgres://postgres@${host}:${String(port)}/postgres`,
    psql(args, input) {
      const result = spawnSync("psql", [...base, ...args], {
        encoding: "utf8",
        input,
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, PGOPTIONS: "-c client_min_messages=warning" },
      });
      check(result, `psql ${args.join(" ")}`);
      return result.stdout;
    },
    stop,
  };
}
