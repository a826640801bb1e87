import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import {
  cidrContains,
  cidrIsPublic,
  cidrIsWorld,
  cidrsCoverWorld,
  parseCidr,
} from "../../../src/engine/operators/cidr.js";
import { InvalidValueError } from "../../../src/engine/operators/invalid-value.js";

describe("parseCidr", () => {
  it("reads a range the same when it comes again, also after many other ranges", () => {
    const first = parseCidr("10.1.2.3/8");
    expect(parseCidr("10.1.2.3/8")).toEqual(first);
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    for (let index = 0; index < 10_000; index += 1) {
      expect(parseCidr(`10.${index >> 8}.${index & 255}.0/24`)?.network).toBe(
        (10n << 24n) | (BigInt(index >> 8) << 16n) | (BigInt(index & 255) << 8n),
      );
    }
    expect(parseCidr("10.1.2.3/8")).toEqual({ family: 4, network: 0x0a000000n, prefixLength: 8 });
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(Object.isFrozen(parseCidr("0.0.0.0/0"))).toBe(true);
  });

  it.each([
    ["10.0.0.0/8", { family: 4, network: 0x0a000000n, prefixLength: 8 }],
    ["0.0.0.0/0", { family: 4, network: 0n, prefixLength: 0 }],
    ["192.168.1.7", { family: 4, network: 0xc0a80107n, prefixLength: 32 }],
    ["10.1.2.3/8", { family: 4, network: 0x0a000000n, prefixLength: 8 }],
    [" 10.0.0.0/8 ", { family: 4, network: 0x0a000000n, prefixLength: 8 }],
    ["255.255.255.255/32", { family: 4, network: 0xffffffffn, prefixLength: 32 }],
    ["::/0", { family: 6, network: 0n, prefixLength: 0 }],
    ["::1", { family: 6, network: 1n, prefixLength: 128 }],
    ["2001:db8::/32", { family: 6, network: 0x20010db8n << 96n, prefixLength: 32 }],
    ["2001:DB8:0:0:0:0:0:1/128", { family: 6, network: (0x20010db8n << 96n) | 1n, prefixLength: 128 }],
    ["fe80::/10", { family: 6, network: 0xfe80n << 112n, prefixLength: 10 }],
    ["1::", { family: 6, network: 1n << 112n, prefixLength: 128 }],
    ["1:2:3:4:5:6:7::", { family: 6, network: 0x0001000200030004000500060007_0000n, prefixLength: 128 }],
    ["::ffff:10.0.0.1/128", { family: 6, network: 0xffff0a000001n, prefixLength: 128 }],
    ["0:0:0:0:0:ffff:10.0.0.1", { family: 6, network: 0xffff0a000001n, prefixLength: 128 }],
    ["2600:1f18::1/64", { family: 6, network: 0x26001f18n << 96n, prefixLength: 64 }],
  ])("reads %s", (text, expected) => {
    expect(parseCidr(text)).toEqual(expected);
  });

  it.each([
    "",
    "10.0.0.0/33",
    "::/129",
    "10.0.0/8",
    "10.0.0.0.0/8",
    "256.0.0.0/8",
    "010.0.0.0/8",
    "10.0.0.0/08",
    "10.0.0.0/",
    "10.0.0.0/8/9",
    "10.0.0.0/-1",
    "10.0.0.0 /8",
    "a.b.c.d/8",
    "1::2::3",
    ":::",
    "1:::2",
    ":1",
    "1:",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8::",
    "12345::",
    "g::",
    "fe80::1%eth0",
    "::10.0.0.1:1",
    "10.0.0.1::",
    "::ffff:10.0.0/128",
  ])("rejects %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it.each([null, undefined, 10, {}, ["10.0.0.0/8"], true])("rejects the non-text %j", (value) => {
    expect(parseCidr(value)).toBeUndefined();
  });

  it.each(["::", "::1", "1::", "1:2::3:4", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "abcd:ef01::"])(
    "agrees with Node on the validity of %s",
    (address) => {
      expect(isIP(address)).toBe(6);
      expect(parseCidr(address)).toBeDefined();
    },
  );
});

describe("cidrIsWorld", () => {
  it.each([
    ["0.0.0.0/0", true],
    ["::/0", true],
    ["0::/0", true],
    ["0:0:0:0:0:0:0:0/0", true],
    ["0.0.0.0/1", false],
    ["128.0.0.0/1", false],
    ["::/1", false],
    ["0.0.0.0", false],
    ["0.0.0.0/32", false],
    [undefined, false],
    [null, false],
  ])("%j → %s", (text, expected) => {
    expect(cidrIsWorld(text)).toBe(expected);
  });
});

describe("cidrsCoverWorld", () => {
  it.each([
    [["0.0.0.0/1", "128.0.0.0/1"], true],
    [["128.0.0.0/1", "10.0.0.0/8", "0.0.0.0/2", "64.0.0.0/2"], true],
    [["::/1", "8000::/1"], true],
    ["0.0.0.0/0", true],
    [["0.0.0.0/1", "128.0.0.0/2"], false],
    // Halves of different families cover neither family.
    [["0.0.0.0/1", "8000::/1"], false],
    [["0.0.0.0/1", "128.0.0.0/1", "::/1"], true],
    [[], false],
    [null, false],
  ])("%j → %s", (values, expected) => {
    expect(cidrsCoverWorld(values)).toBe(expected);
  });

  it("refuses a list holding a range that does not parse", () => {
    expect(() => cidrsCoverWorld(["0.0.0.0/1", "128.0.0.0/01"])).toThrow(InvalidValueError);
  });
});

describe("a CIDR that does not parse is never judged", () => {
  const invalid: unknown[] = [
    "0.0.0.0/00",
    "000.0.0.0/0",
    "0.0.0.0/0x",
    "10.0.0.0/33",
    "::/129",
    "",
    "0.0.0.0/0 garbage",
    "world",
    0,
    42,
    true,
    ["0.0.0.0/0"],
    {},
  ];
  it.each(invalid)("cidrIsWorld(%j) throws", (text) => {
    expect(() => cidrIsWorld(text)).toThrow(InvalidValueError);
  });
  it.each(invalid)("cidrIsPublic(%j) throws", (text) => {
    expect(() => cidrIsPublic(text)).toThrow(InvalidValueError);
  });
  it.each(invalid)("cidrContains on %j throws, as outer or inner", (text) => {
    expect(() => cidrContains(text, "10.0.0.0/8")).toThrow(InvalidValueError);
    expect(() => cidrContains("0.0.0.0/0", text)).toThrow(InvalidValueError);
  });
  it("names the value in the message", () => {
    expect(() => cidrIsWorld("0.0.0.0/00")).toThrow(
      "cannot decide: the value is '0.0.0.0/00', not a valid CIDR",
    );
  });
});

describe("cidrIsPublic", () => {
  it("judges a range the same when it comes again, also after many other ranges", () => {
    expect(cidrIsPublic("10.0.0.0/7")).toBe(true);
    expect(cidrIsPublic("10.0.0.0/8")).toBe(false);
    for (let index = 0; index < 5_000; index += 1) {
      expect(cidrIsPublic(`${index & 1 ? 10 : 11}.${index >> 8}.${index & 255}.0/24`)).toBe(!(index & 1));
    }
    expect(cidrIsPublic("10.0.0.0/7")).toBe(true);
    expect(cidrIsPublic("10.0.0.0/8")).toBe(false);
  });

  it("refuses a range that does not parse every time it comes, not only the first", () => {
    expect(() => cidrIsPublic("10.0.0.0/33")).toThrow(InvalidValueError);
    expect(() => cidrIsPublic("10.0.0.0/33")).toThrow(InvalidValueError);
  });

  it.each<[unknown, boolean, string]>([
    ["0.0.0.0/0", true, "the whole IPv4 internet"],
    ["::/0", true, "the whole IPv6 internet"],
    ["0.0.0.0/1", true, "half the internet"],
    ["203.0.113.7/32", true, "a single outside address (documentation range, counted as public)"],
    ["198.51.100.0/24", true, "documentation range, counted as public"],
    ["8.8.8.8", true, "a bare public address"],
    ["10.0.0.0/8", false, "RFC 1918, exactly"],
    ["10.1.0.0/16", false, "inside RFC 1918"],
    ["10.255.255.255/32", false, "the last RFC 1918 10/8 address"],
    ["10.0.0.0/7", true, "also spans 11.0.0.0/8"],
    ["11.0.0.0/32", true, "just past 10/8"],
    ["9.255.255.255/32", true, "just before 10/8"],
    ["172.16.0.0/12", false, "RFC 1918 172.16/12"],
    ["172.31.255.0/24", false, "the end of 172.16/12"],
    ["172.32.0.0/16", true, "just past 172.16/12"],
    ["172.15.0.0/16", true, "just before 172.16/12"],
    ["172.16.0.0/11", true, "wider than 172.16/12"],
    ["192.168.1.0/24", false, "RFC 1918 192.168/16"],
    ["192.168.0.0/15", true, "spans 192.169/16"],
    ["100.64.0.0/10", false, "carrier-grade NAT"],
    ["100.128.0.0/16", true, "just past carrier-grade NAT"],
    ["127.0.0.1/32", false, "loopback"],
    ["169.254.169.254/32", false, "the instance metadata service"],
    ["0.0.0.0/8", false, "this network"],
    ["0.0.0.0/7", true, "this network plus 1.0.0.0/8"],
    ["224.0.0.0/4", true, "multicast, not exempted"],
    ["::1/128", false, "IPv6 loopback"],
    ["::/128", false, "IPv6 unspecified"],
    ["fd00::/8", false, "unique local"],
    ["fc00::/7", false, "the whole unique local range"],
    ["fe80::1/64", false, "link-local"],
    ["fe00::/8", true, "spans more than link-local"],
    ["2001:db8::/32", true, "IPv6 documentation range, counted as public"],
    ["2600:1f18::/32", true, "AWS IPv6 space"],
    ["::ffff:10.0.0.1/128", false, "IPv4-mapped private address"],
    ["::ffff:10.0.0.0/104", false, "IPv4-mapped 10/8"],
    ["::ffff:8.8.8.8/128", true, "IPv4-mapped public address"],
    ["::ffff:0.0.0.0/96", true, "all IPv4-mapped addresses"],
    [undefined, false, "no value"],
  ])("%j → %s (%s)", (text, expected) => {
    expect(cidrIsPublic(text)).toBe(expected);
  });
});

describe("cidrContains", () => {
  it.each([
    ["10.0.0.0/8", "10.1.0.0/16", true],
    ["10.0.0.0/8", "10.0.0.0/8", true],
    ["10.0.0.0/8", "10.255.255.255", true],
    ["10.1.0.0/16", "10.0.0.0/8", false],
    ["10.0.0.0/8", "11.0.0.0/8", false],
    ["0.0.0.0/0", "203.0.113.0/24", true],
    ["172.16.0.0/12", "172.32.0.0/16", false],
    ["192.168.0.0/16", "192.168.1.0/24", true],
    ["::/0", "2001:db8::/32", true],
    ["2001:db8::/32", "2001:db8:1::/48", true],
    ["2001:db8:1::/48", "2001:db8::/32", false],
    ["fc00::/7", "fd00::/8", true],
    ["0.0.0.0/0", "::/0", false],
    ["::/0", "10.0.0.0/8", false],
    ["::ffff:0:0/96", "10.0.0.1/32", false],
    [undefined, "10.0.0.0/8", false],
  ])("%j contains %j: %s", (outer, inner, expected) => {
    expect(cidrContains(outer, inner)).toBe(expected);
  });
});
