// MMS media limits (clicksend-api.md §2.4): one image up to about 250 kB; JPG and GIF are sent as
// they are, PNG and BMP go through ClickSend's upload with convert=mms first.
export const MMS_MAX_BYTES = 250 * 1024;
const MMS_DIRECT_TYPES = ["image/jpeg", "image/gif"] as const;
const MMS_CONVERTED_TYPES = ["image/png", "image/bmp"] as const;
export const MMS_ACCEPTED_TYPES: readonly string[] = [...MMS_DIRECT_TYPES, ...MMS_CONVERTED_TYPES];

export type MediaCheck = { ok: true } | { ok: false; reason: string };

export function checkMmsMedia(file: { type: string; size: number }): MediaCheck {
  if (!MMS_ACCEPTED_TYPES.includes(file.type)) {
    return {
      ok: false,
      reason: `MMS images must be JPG, GIF, PNG or BMP; this file is ${file.type || "of an unknown type"}.`,
    };
  }
  if (file.size > MMS_MAX_BYTES) {
    return {
      ok: false,
      reason: `MMS images can be at most 250 kB; this one is ${String(Math.ceil(file.size / 1024))} kB.`,
    };
  }
  if (file.size === 0) return { ok: false, reason: "The file is empty." };
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Where an MMS image may be: ClickSend fetches media_url itself, so it must be a URL anyone on
// the internet can fetch over TLS. A pure check on the URL's text (WHATWG URL, as in browsers,
// Deno and Node): https only, no credentials, and a host that is a public DNS name or a public
// IP address. A public name that resolves to a private address is not caught here (that needs
// DNS, and the fetch is ClickSend's, from ClickSend's network).
// ---------------------------------------------------------------------------------------------

/** Special-purpose IPv4 blocks (IANA registry) that are not reachable on the public internet. */
const IPV4_BLOCKS: readonly { base: string; bits: number; kind: string }[] = [
  { base: "0.0.0.0", bits: 8, kind: "an unspecified (this-network)" },
  { base: "10.0.0.0", bits: 8, kind: "a private" },
  { base: "100.64.0.0", bits: 10, kind: "a shared (carrier-grade NAT)" },
  { base: "127.0.0.0", bits: 8, kind: "a loopback" },
  { base: "169.254.0.0", bits: 16, kind: "a link-local" },
  { base: "172.16.0.0", bits: 12, kind: "a private" },
  { base: "192.0.0.0", bits: 24, kind: "a reserved (IETF protocol)" },
  { base: "192.0.2.0", bits: 24, kind: "a reserved (documentation)" },
  { base: "192.88.99.0", bits: 24, kind: "a reserved (6to4 relay)" },
  { base: "192.168.0.0", bits: 16, kind: "a private" },
  { base: "198.18.0.0", bits: 15, kind: "a reserved (benchmarking)" },
  { base: "198.51.100.0", bits: 24, kind: "a reserved (documentation)" },
  { base: "203.0.113.0", bits: 24, kind: "a reserved (documentation)" },
  { base: "224.0.0.0", bits: 4, kind: "a multicast" },
  { base: "240.0.0.0", bits: 4, kind: "a reserved" },
];

/** Domains that never name a public host: RFC 6761/6762/8375/9476, ICANN's .internal. */
const SPECIAL_USE_DOMAINS = [
  "localhost",
  "local",
  "internal",
  "localdomain",
  "home.arpa",
  "test",
  "invalid",
  "example",
  "onion",
  "alt",
];

function ipv4Number(address: string): number | null {
  const parts = address.split(".");
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part))) return null;
  const octets = parts.map(Number);
  if (octets.some((octet) => octet > 255)) return null;
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

/** "a loopback" etc. when the IPv4 address is not public, null when it is. */
function ipv4Kind(value: number): string | null {
  for (const block of IPV4_BLOCKS) {
    const size = 2 ** (32 - block.bits);
    const base = ipv4Number(block.base) ?? 0;
    if (value >= base && value < base + size) return block.kind;
  }
  return null;
}

/** The eight 16-bit groups of an IPv6 address (as WHATWG URL prints it, or with an IPv4 tail). */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail?.[1] !== undefined) {
    const v4 = ipv4Number(tail[1]);
    if (v4 === null) return null;
    text = `${text.slice(0, -tail[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (half: string | undefined): number[] | null => {
    if (half === undefined || half === "") return [];
    const groups = half.split(":");
    if (groups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return null;
    return groups.map((group) => parseInt(group, 16));
  };
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  if (head === null || rest === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - rest.length;
  if (missing < 1) return null;
  return [...head, ...(new Array(missing).fill(0) as number[]), ...rest];
}

/** "a loopback" etc. when the IPv6 address is not public, null when it is. */
function ipv6Kind(groups: readonly number[]): string | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const embeddedV4 = g6 * 0x10000 + g7;
  const zeroUpTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zeroUpTo(8)) return "an unspecified";
  if (zeroUpTo(7) && g7 === 1) return "a loopback";
  // ::ffff:a.b.c.d (IPv4-mapped) and 64:ff9b::a.b.c.d (NAT64) reach the IPv4 address inside.
  if (zeroUpTo(5) && g5 === 0xffff) return ipv4Kind(embeddedV4);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0)
    return ipv4Kind(embeddedV4);
  // 2002:a.b.c.d::/48 (6to4) likewise, with the IPv4 address in groups 1 and 2.
  if (g0 === 0x2002) return ipv4Kind(g1 * 0x10000 + g2);
  if ((g0 & 0xfe00) === 0xfc00) return "a private (unique local)";
  if ((g0 & 0xffc0) === 0xfe80) return "a link-local";
  if ((g0 & 0xffc0) === 0xfec0) return "a private (site-local)";
  if ((g0 & 0xff00) === 0xff00) return "a multicast";
  // Only global unicast (2000::/3) is public, less its documentation and special blocks.
  if ((g0 & 0xe000) !== 0x2000) return "a reserved";
  if (g0 === 0x2001 && g1 === 0x0db8) return "a reserved (documentation)";
  if (g0 === 0x3fff && g1 < 0x1000) return "a reserved (documentation)";
  if (g0 === 0x2001 && g1 < 0x0200) return "a reserved (IETF protocol)";
  return null;
}

/**
 * Why `url` is not an acceptable MMS media URL, or null when it is: an `https:` URL without a
 * user name or password whose host is a public DNS name (at least two labels, not localhost nor
 * a special-use domain such as .local, .internal, .test, .example or .onion) or a public IPv4 or
 * IPv6 address. IPv4 written as one number, in octal or in hex is read the way WHATWG URL reads
 * it (https://2130706433/ is 127.0.0.1). example.com is a real, public domain; only the TLD
 * .example is special-use.
 */
export function mediaUrlProblem(url: string): string | null {
  if (!URL.canParse(url)) return "Not a valid URL; give the image's full https:// address.";
  const parsed = new URL(url);
  if (parsed.protocol !== "https:")
    return `Only https:// URLs are accepted, not ${parsed.protocol}.`;
  if (parsed.username !== "" || parsed.password !== "")
    return "The URL must not contain a user name or password.";
  const host = parsed.hostname;
  const publicOnly = "the image must be on a public host.";
  if (host.startsWith("[")) {
    const groups = ipv6Groups(host.slice(1, -1));
    if (groups === null) return `${host} is not a valid IPv6 address.`;
    const kind = ipv6Kind(groups);
    return kind === null ? null : `${host} is ${kind} address; ${publicOnly}`;
  }
  const v4 = ipv4Number(host);
  if (v4 !== null) {
    const kind = ipv4Kind(v4);
    return kind === null ? null : `${host} is ${kind} address; ${publicOnly}`;
  }
  // One trailing dot is the fully qualified spelling of the same name.
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  const labels = name.split(".");
  if (name === "" || labels.some((label) => label === ""))
    return `${host} is not a valid host name.`;
  const special = SPECIAL_USE_DOMAINS.find(
    (domain) => name === domain || name.endsWith(`.${domain}`),
  );
  if (special !== undefined)
    return `${host} is in the special-use domain .${special}; ${publicOnly}`;
  if (labels.length < 2)
    return `${host} is a single-label (intranet) name, not a public domain; ${publicOnly}`;
  return null;
}

/**
 * The dashboard composer's rule: a public media URL (mediaUrlProblem), or one on the origin of
 * the configured ClickSend API, i.e. an image ClickSend itself serves from its upload. With the
 * real ClickSend that origin is public anyway; with the local sandbox it is
 * http://127.0.0.1:<port>, where the composer's uploads live. Only the exact origin (scheme, host
 * and port) of the API base counts, so no other local address gets through.
 */
export function composerMediaUrlProblem(url: string, clicksendApiBase: string): string | null {
  if (URL.canParse(url) && URL.canParse(clicksendApiBase)) {
    const parsed = new URL(url);
    const clicksend = new URL(clicksendApiBase);
    if (
      (parsed.protocol === "https:" || parsed.protocol === "http:") &&
      parsed.origin === clicksend.origin &&
      parsed.username === "" &&
      parsed.password === ""
    )
      return null;
  }
  return mediaUrlProblem(url);
}
