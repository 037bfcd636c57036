// The address a request's TCP connection came from: what per-client limits key on and what the
// gateway tells functions in X-Forwarded-For. Nothing trusted sits in front of this gateway, so a
// client's own X-Forwarded-For is never believed.
import type { IncomingMessage } from "node:http";

/** The socket's remote address; an IPv4-mapped IPv6 one (::ffff:a.b.c.d) as plain IPv4. */
export function socketAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
