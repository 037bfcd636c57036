import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MMS_MAX_BYTES,
  checkMmsMedia,
  composerMediaUrlProblem,
  mediaUrlProblem,
} from "./mms-media.ts";

describe("checkMmsMedia", () => {
  it("accepts JPG, GIF, PNG and BMP up to 250 kB", () => {
    for (const type of ["image/jpeg", "image/gif", "image/png", "image/bmp"]) {
      expect(checkMmsMedia({ type, size: MMS_MAX_BYTES })).toEqual({ ok: true });
    }
  });
  it("refuses other types, empty files and files over 250 kB, saying why", () => {
    expect(checkMmsMedia({ type: "image/webp", size: 10 })).toEqual({
      ok: false,
      reason: "MMS images must be JPG, GIF, PNG or BMP; this file is image/webp.",
    });
    expect(checkMmsMedia({ type: "image/jpeg", size: MMS_MAX_BYTES + 1 })).toEqual({
      ok: false,
      reason: "MMS images can be at most 250 kB; this one is 251 kB.",
    });
    expect(checkMmsMedia({ type: "image/gif", size: 0 })).toEqual({
      ok: false,
      reason: "The file is empty.",
    });
  });
});

describe("mediaUrlProblem: only https URLs to public hosts", () => {
  it.each([
    "https://example.com/a.jpg",
    "https://EXAMPLE.com./a.jpg",
    "https://cdn.example.org:8443/pictures/a.gif?size=small#top",
    "https://rest.clicksend.com/files/1ABC3200-C38C-6308-BE4B-C7C51D01DCF0.jpg",
    "https://bücher.de/a.jpg",
    "https://my-site.example.com.au/a.jpg",
    "https://8.8.8.8/a.jpg",
    "https://172.32.0.1/a.jpg",
    "https://100.128.0.1/a.jpg",
    "https://192.169.0.1/a.jpg",
    "https://[2606:4700:4700::1111]/a.jpg",
    "https://[::ffff:8.8.8.8]/a.jpg",
    "https://[2002:808:808::1]/a.jpg",
  ])("accepts %s", (url) => {
    expect(mediaUrlProblem(url)).toBeNull();
  });

  it("refuses what is not a URL", () => {
    for (const url of ["", "not a url", "example.com/a.jpg", "https://", "https://256.1.1.1/a.jpg"])
      expect(mediaUrlProblem(url)).toBe("Not a valid URL; give the image's full https:// address.");
  });

  it("refuses every scheme but https, saying which", () => {
    expect(mediaUrlProblem("http://example.com/a.jpg")).toBe(
      "Only https:// URLs are accepted, not http:.",
    );
    expect(mediaUrlProblem("HTTP://example.com/a.jpg")).toBe(
      "Only https:// URLs are accepted, not http:.",
    );
    for (const [url, scheme] of [
      ["ftp://example.com/a.jpg", "ftp:"],
      ["javascript:alert(1)", "javascript:"],
      ["file:///etc/passwd", "file:"],
      ["data:image/gif;base64,R0lGOD==", "data:"],
      ["wss://example.com/a.jpg", "wss:"],
    ] as const)
      expect(mediaUrlProblem(url)).toBe(`Only https:// URLs are accepted, not ${scheme}.`);
  });

  it("refuses a user name or password in the URL", () => {
    for (const url of [
      "https://user:pw@example.com/a.jpg",
      "https://user@example.com/a.jpg",
      "https://:pw@example.com/a.jpg",
    ])
      expect(mediaUrlProblem(url)).toBe("The URL must not contain a user name or password.");
  });

  it.each([
    ["https://127.0.0.1/a.jpg", "127.0.0.1", "a loopback"],
    ["https://127.1.2.3/a.jpg", "127.1.2.3", "a loopback"],
    // One number, hex, octal and short forms: WHATWG URL reads them as 127.0.0.1.
    ["https://2130706433/a.jpg", "127.0.0.1", "a loopback"],
    ["https://0x7f000001/a.jpg", "127.0.0.1", "a loopback"],
    ["https://0177.0.0.1/a.jpg", "127.0.0.1", "a loopback"],
    ["https://0x7f.1/a.jpg", "127.0.0.1", "a loopback"],
    ["https://127.1/a.jpg", "127.0.0.1", "a loopback"],
    ["https://10.0.0.1/a.jpg", "10.0.0.1", "a private"],
    ["https://012.0.0.1/a.jpg", "10.0.0.1", "a private"],
    ["https://172.16.0.1/a.jpg", "172.16.0.1", "a private"],
    ["https://172.31.255.255/a.jpg", "172.31.255.255", "a private"],
    ["https://192.168.1.1/a.jpg", "192.168.1.1", "a private"],
    ["https://3232235777/a.jpg", "192.168.1.1", "a private"],
    ["https://169.254.169.254/latest/meta-data", "169.254.169.254", "a link-local"],
    ["https://100.64.0.1/a.jpg", "100.64.0.1", "a shared (carrier-grade NAT)"],
    ["https://100.127.255.255/a.jpg", "100.127.255.255", "a shared (carrier-grade NAT)"],
    ["https://0.0.0.0/a.jpg", "0.0.0.0", "an unspecified (this-network)"],
    ["https://0/a.jpg", "0.0.0.0", "an unspecified (this-network)"],
    ["https://224.0.0.1/a.jpg", "224.0.0.1", "a multicast"],
    ["https://239.255.255.250/a.jpg", "239.255.255.250", "a multicast"],
    ["https://240.0.0.1/a.jpg", "240.0.0.1", "a reserved"],
    ["https://255.255.255.255/a.jpg", "255.255.255.255", "a reserved"],
    ["https://192.0.0.8/a.jpg", "192.0.0.8", "a reserved (IETF protocol)"],
    ["https://192.0.2.1/a.jpg", "192.0.2.1", "a reserved (documentation)"],
    ["https://198.51.100.7/a.jpg", "198.51.100.7", "a reserved (documentation)"],
    ["https://203.0.113.9/a.jpg", "203.0.113.9", "a reserved (documentation)"],
    ["https://198.18.0.1/a.jpg", "198.18.0.1", "a reserved (benchmarking)"],
    ["https://192.88.99.1/a.jpg", "192.88.99.1", "a reserved (6to4 relay)"],
  ])("refuses %s (%s is %s address)", (url, host, kind) => {
    expect(mediaUrlProblem(url)).toBe(
      `${host} is ${kind} address; the image must be on a public host.`,
    );
  });

  it.each([
    ["https://[::1]/a.jpg", "[::1]", "a loopback"],
    ["https://[0:0:0:0:0:0:0:1]/a.jpg", "[::1]", "a loopback"],
    ["https://[::]/a.jpg", "[::]", "an unspecified"],
    ["https://[fc00::1]/a.jpg", "[fc00::1]", "a private (unique local)"],
    ["https://[fd12:3456:789a::1]/a.jpg", "[fd12:3456:789a::1]", "a private (unique local)"],
    ["https://[fe80::1]/a.jpg", "[fe80::1]", "a link-local"],
    ["https://[febf:ffff::1]/a.jpg", "[febf:ffff::1]", "a link-local"],
    ["https://[fec0::1]/a.jpg", "[fec0::1]", "a private (site-local)"],
    ["https://[ff02::1]/a.jpg", "[ff02::1]", "a multicast"],
    // IPv4-mapped, NAT64 and 6to4 addresses are judged by the IPv4 address inside.
    ["https://[::ffff:127.0.0.1]/a.jpg", "[::ffff:7f00:1]", "a loopback"],
    ["https://[::ffff:10.0.0.1]/a.jpg", "[::ffff:a00:1]", "a private"],
    ["https://[::ffff:169.254.169.254]/a.jpg", "[::ffff:a9fe:a9fe]", "a link-local"],
    ["https://[64:ff9b::127.0.0.1]/a.jpg", "[64:ff9b::7f00:1]", "a loopback"],
    ["https://[2002:c0a8:101::1]/a.jpg", "[2002:c0a8:101::1]", "a private"],
    ["https://[::127.0.0.1]/a.jpg", "[::7f00:1]", "a reserved"],
    ["https://[64:ff9b:1::1]/a.jpg", "[64:ff9b:1::1]", "a reserved"],
    ["https://[2001:db8::1]/a.jpg", "[2001:db8::1]", "a reserved (documentation)"],
    ["https://[3fff::1]/a.jpg", "[3fff::1]", "a reserved (documentation)"],
    ["https://[2001::1]/a.jpg", "[2001::1]", "a reserved (IETF protocol)"],
  ])("refuses %s (%s is %s address)", (url, host, kind) => {
    expect(mediaUrlProblem(url)).toBe(
      `${host} is ${kind} address; the image must be on a public host.`,
    );
  });

  it.each([
    ["https://localhost/a.jpg", "localhost", "localhost"],
    ["https://LOCALHOST./a.jpg", "localhost.", "localhost"],
    ["https://images.localhost/a.jpg", "images.localhost", "localhost"],
    ["https://printer.local/a.jpg", "printer.local", "local"],
    ["https://media.internal/a.jpg", "media.internal", "internal"],
    ["https://host.localdomain/a.jpg", "host.localdomain", "localdomain"],
    ["https://nas.home.arpa/a.jpg", "nas.home.arpa", "home.arpa"],
    ["https://media.example.test/a.jpg", "media.example.test", "test"],
    ["https://a.invalid/a.jpg", "a.invalid", "invalid"],
    ["https://www.example/a.jpg", "www.example", "example"],
    [
      "https://duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion/a.jpg",
      "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
      "onion",
    ],
    ["https://name.alt/a.jpg", "name.alt", "alt"],
  ])("refuses %s (special-use .%s)", (url, host, domain) => {
    expect(mediaUrlProblem(url)).toBe(
      `${host} is in the special-use domain .${domain}; the image must be on a public host.`,
    );
  });

  it("refuses single-label (intranet) names and malformed names", () => {
    for (const [url, host] of [
      ["https://intranet/a.jpg", "intranet"],
      ["https://INTRANET./a.jpg", "intranet."],
      ["https://com/a.jpg", "com"],
    ] as const)
      expect(mediaUrlProblem(url)).toBe(
        `${host} is a single-label (intranet) name, not a public domain; the image must be on a public host.`,
      );
    expect(mediaUrlProblem("https://a..example.com/a.jpg")).toBe(
      "a..example.com is not a valid host name.",
    );
  });

  it("property: every spelling of an IPv4 address (one number, hex, octal, dotted) gets one verdict", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (value) => {
        const octets = [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff);
        const dotted = mediaUrlProblem(`https://${octets.join(".")}/a.jpg`);
        expect(mediaUrlProblem(`https://${String(value)}/a.jpg`)).toBe(dotted);
        expect(mediaUrlProblem(`https://0x${value.toString(16)}/a.jpg`)).toBe(dotted);
        expect(
          mediaUrlProblem(`https://${octets.map((o) => `0${o.toString(8)}`).join(".")}/a.jpg`),
        ).toBe(dotted);
        // Every address of 127/8, 10/8 and 192.168/16 is refused.
        if (octets[0] === 127 || octets[0] === 10 || (octets[0] === 192 && octets[1] === 168))
          expect(dotted).not.toBeNull();
      }),
    );
  });

  it("property: every IPv4-mapped IPv6 address gets the verdict of its IPv4 address", () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        const mapped = mediaUrlProblem(`https://[::ffff:${v4}]/a.jpg`);
        expect(mapped === null).toBe(mediaUrlProblem(`https://${v4}/a.jpg`) === null);
      }),
    );
  });
});

describe("composerMediaUrlProblem: public, or served from the ClickSend API's own origin", () => {
  const sandbox = "http://127.0.0.1:54330/v3";
  it("accepts the local sandbox's upload URLs, on exactly the sandbox's origin", () => {
    expect(composerMediaUrlProblem("http://127.0.0.1:54330/uploads/abc.jpg", sandbox)).toBeNull();
    expect(composerMediaUrlProblem("https://example.com/a.jpg", sandbox)).toBeNull();
  });

  it("refuses every other local address, and credentials even on the sandbox's origin", () => {
    expect(composerMediaUrlProblem("http://127.0.0.1:54331/uploads/abc.jpg", sandbox)).toBe(
      "Only https:// URLs are accepted, not http:.",
    );
    expect(composerMediaUrlProblem("https://127.0.0.1:54330/uploads/abc.jpg", sandbox)).toBe(
      "127.0.0.1 is a loopback address; the image must be on a public host.",
    );
    expect(composerMediaUrlProblem("http://localhost:54330/uploads/abc.jpg", sandbox)).toBe(
      "Only https:// URLs are accepted, not http:.",
    );
    expect(composerMediaUrlProblem("http://u:p@127.0.0.1:54330/uploads/abc.jpg", sandbox)).toBe(
      "Only https:// URLs are accepted, not http:.",
    );
    expect(composerMediaUrlProblem("https://10.0.0.1/a.jpg", sandbox)).toBe(
      "10.0.0.1 is a private address; the image must be on a public host.",
    );
  });

  it("with the real ClickSend, is the public rule (its own https origin is public)", () => {
    const real = "https://rest.clicksend.com/v3";
    expect(composerMediaUrlProblem("https://rest.clicksend.com/files/a.jpg", real)).toBeNull();
    expect(composerMediaUrlProblem("http://rest.clicksend.com/files/a.jpg", real)).toBe(
      "Only https:// URLs are accepted, not http:.",
    );
    expect(composerMediaUrlProblem("https://localhost/a.jpg", real)).toBe(
      "localhost is in the special-use domain .localhost; the image must be on a public host.",
    );
  });
});
