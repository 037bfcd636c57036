// Open file descriptors of this process, from /proc/self/fd (Linux), by kind, with TCP sockets
// grouped by the port they talk to: how run.ts shows what each suite leaves open. Elsewhere
// (no /proc) every count is 0 and `available` is false.
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";

export interface Descriptors {
  available: boolean;
  total: number;
  sockets: number;
  pipes: number;
  files: number;
  other: number;
  /** TCP sockets by "local port -> remote port state", most common first (top 6). */
  tcp: string[];
  /** Set when the count itself failed, e.g. EMFILE: no descriptor left even to read /proc. */
  error?: string;
}

/** TCP states in /proc/net/tcp, by their hex code. */
const TCP_STATES: Readonly<Record<string, string>> = {
  "01": "ESTABLISHED",
  "02": "SYN_SENT",
  "06": "TIME_WAIT",
  "07": "CLOSE",
  "08": "CLOSE_WAIT",
  "09": "LAST_ACK",
  "0A": "LISTEN",
};

/** inode -> "local port -> remote port STATE" for every TCP socket on the machine. */
function tcpSockets(): Map<string, string> {
  const out = new Map<string, string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [, local, remote, state, , , , , , inode] = fields;
      if (local === undefined || remote === undefined || state === undefined || !inode) continue;
      const port = (address: string): number => Number.parseInt(address.split(":")[1] ?? "0", 16);
      const stateName = TCP_STATES[state] ?? state;
      out.set(
        inode,
        stateName === "LISTEN"
          ? `listen :${String(port(local))}`
          : `:${String(port(local))} -> :${String(port(remote))} ${stateName}`,
      );
    }
  }
  return out;
}

export function openDescriptors(): Descriptors {
  const counts: Descriptors = {
    available: false,
    total: 0,
    sockets: 0,
    pipes: 0,
    files: 0,
    other: 0,
    tcp: [],
  };
  if (!existsSync("/proc/self/fd")) return counts;
  counts.available = true;
  const socketInodes: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc/self/fd");
  } catch (error) {
    counts.error = error instanceof Error ? error.message : String(error);
    return counts;
  }
  for (const fd of entries) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed between readdir and readlink (the directory handle itself, often)
    }
    counts.total += 1;
    const socket = /^socket:\[(\d+)\]$/.exec(target);
    if (socket?.[1] !== undefined) {
      counts.sockets += 1;
      socketInodes.push(socket[1]);
    } else if (target.startsWith("pipe:")) counts.pipes += 1;
    else if (target.startsWith("/")) counts.files += 1;
    else counts.other += 1;
  }
  const tcp = tcpSockets();
  const groups = new Map<string, number>();
  for (const inode of socketInodes) {
    const described = tcp.get(inode);
    if (described === undefined) continue;
    // Ephemeral ports differ per socket: group by the well-known side only.
    const key = described.replace(/^:(\d+) -> :(\d+)/, (_all, local: string, remote: string) =>
      Number(local) > Number(remote) ? `* -> :${remote}` : `:${local} <- *`,
    );
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  counts.tcp = [...groups]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([key, n]) => `${String(n)} x ${key}`);
  return counts;
}

export function formatDescriptors(d: Descriptors): string {
  if (!d.available) return "n/a (no /proc/self/fd)";
  if (d.error !== undefined) return `could not be counted: ${d.error}`;
  const tcp = d.tcp.length > 0 ? `; tcp: ${d.tcp.join(", ")}` : "";
  return `${String(d.total)} open (${String(d.sockets)} sockets, ${String(d.pipes)} pipes, ${String(d.files)} files, ${String(d.other)} other)${tcp}`;
}

/** Just the number of open descriptors (cheap: one readdir); -1 when even that fails. */
function countDescriptors(): number {
  try {
    return readdirSync("/proc/self/fd").length - 1; // minus the directory handle itself
  } catch {
    return -1;
  }
}

/**
 * Samples the descriptor count every `intervalMs` until stopped; returns the peak seen, described
 * in full (by kind and TCP port) at the moment it was reached. Sampling costs one readdir; the
 * full description is taken only when a new peak is seen.
 */
export function watchPeak(intervalMs = 250): { stop(): { peak: number; at: Descriptors } } {
  let peak = openDescriptors();
  const sample = (): void => {
    if (peak.error !== undefined || !peak.available) return;
    const total = countDescriptors();
    if (total >= 0 && total <= peak.total) return;
    // A new peak, or a failed count (EMFILE): the worst case there is, keep it.
    const now = openDescriptors();
    if (now.error !== undefined || now.total > peak.total) peak = now;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peak: peak.total, at: peak };
    },
  };
}
