/**
 * IPv4 and IPv6 CIDR ranges, for deciding whether a security-group source is the whole internet,
 * reaches beyond private address space, or lies inside another range.
 *
 * Both families are held as BigInt so that one set of range arithmetic serves both.
 */

import { InvalidValueError } from "./invalid-value.js";

export type AddressFamily = 4 | 6;

export interface Cidr {
  family: AddressFamily;
  /** The first address of the range; host bits written in the text are cleared. */
  network: bigint;
  prefixLength: number;
}

const ADDRESS_BITS: Readonly<Record<AddressFamily, number>> = { 4: 32, 6: 128 };

const DECIMAL_OCTET = /^(0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;
const PREFIX_LENGTH = /^(0|[1-9]\d{0,2})$/;

function parseIpv4Address(text: string): bigint | undefined {
  const octets = text.split(".");
  if (octets.length !== 4) return undefined;
  let address = 0n;
  for (const octet of octets) {
    // Leading zeros are refused: some parsers read them as octal, so their meaning is ambiguous.
    if (!DECIMAL_OCTET.test(octet)) return undefined;
    const value = Number(octet);
    if (value > 255) return undefined;
    address = (address << 8n) | BigInt(value);
  }
  return address;
}

/** The 16-bit groups of one side of a `::`, with an embedded IPv4 address allowed only at the end. */
function parseHexGroups(text: string, allowEmbeddedIpv4: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  for (const [position, part] of parts.entries()) {
    if (allowEmbeddedIpv4 && position === parts.length - 1 && part.includes(".")) {
      const ipv4 = parseIpv4Address(part);
      if (ipv4 === undefined) return undefined;
      groups.push(Number(ipv4 >> 16n), Number(ipv4 & 0xffffn));
    } else if (HEX_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6Address(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseHexGroups(halves[0] ?? "", false);
    const tail = parseHexGroups(halves[1] ?? "", true);
    // `::` stands for at least one group of zeros.
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseHexGroups(text, true);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  }
  return groups.reduce((address, group) => (address << 16n) | BigInt(group), 0n);
}

/**
 * Reads `a.b.c.d/n` or an IPv6 address with a prefix; a bare address is a single-address range
 * (`/32`, `/128`). Surrounding whitespace is ignored; anything else unexpected (zone ids, leading
 * zeros in IPv4 octets or prefixes, out-of-range numbers) makes the text invalid.
 */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== "string") return undefined;
  // An account repeats a few ranges (0.0.0.0/0, its VPC blocks) across hundreds of thousands of
  // rules; each is parsed once. The cache is emptied when full, so odd inputs cannot grow it.
  const kept = parsedRanges.get(text);
  if (kept !== undefined || parsedRanges.has(text)) return kept;
  const cidr = parseCidrText(text);
  if (parsedRanges.size >= PARSED_RANGES_LIMIT) parsedRanges.clear();
  parsedRanges.set(text, cidr === undefined ? undefined : Object.freeze(cidr));
  return cidr;
}

const PARSED_RANGES_LIMIT = 4096;
const parsedRanges = new Map<string, Readonly<Cidr> | undefined>();

function parseCidrText(text: string): Cidr | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  const addressText = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash === -1 ? undefined : trimmed.slice(slash + 1);
  const family: AddressFamily = addressText.includes(":") ? 6 : 4;
  const address = family === 6 ? parseIpv6Address(addressText) : parseIpv4Address(addressText);
  if (address === undefined) return undefined;
  const bits = ADDRESS_BITS[family];
  let prefixLength = bits;
  if (prefixText !== undefined) {
    if (!PREFIX_LENGTH.test(prefixText)) return undefined;
    prefixLength = Number(prefixText);
    if (prefixLength > bits) return undefined;
  }
  const hostBits = BigInt(bits - prefixLength);
  return { family, network: (address >> hostBits) << hostBits, prefixLength };
}

/**
 * The range a value holds, for the tests below: `undefined` when there is no value (a missing
 * field, which no test matches), an `InvalidValueError` when there is one that does not parse.
 * Invalid text is never read as "not the internet" or "not public": that would be a silent pass.
 */
export function requireCidr(value: unknown): Cidr | undefined {
  if (value === null || value === undefined) return undefined;
  const cidr = parseCidr(value);
  if (cidr === undefined) throw new InvalidValueError(value, "a valid CIDR");
  return cidr;
}

function lastAddressOf(cidr: Cidr): bigint {
  const hostBits = BigInt(ADDRESS_BITS[cidr.family] - cidr.prefixLength);
  return cidr.network | ((1n << hostBits) - 1n);
}

/** Whether the text is a range spanning its whole family: `0.0.0.0/0`, `::/0`, `0::/0`. */
export function cidrIsWorld(text: unknown): boolean {
  return requireCidr(text)?.prefixLength === 0;
}

/**
 * Whether the ranges listed (one value is a list of one) together span every address of their
 * family, as `0.0.0.0/1` with `128.0.0.0/1` do as surely as `0.0.0.0/0`. Invalid text throws
 * `InvalidValueError`.
 */
export function cidrsCoverWorld(values: unknown): boolean {
  const ranges: Record<AddressFamily, Cidr[]> = { 4: [], 6: [] };
  for (const value of Array.isArray(values) ? (values as unknown[]) : [values]) {
    const cidr = requireCidr(value);
    if (cidr !== undefined) ranges[cidr.family].push(cidr);
  }
  return ([4, 6] as const).some((family) => {
    const [only, ...more] = mergeIntervals(ranges[family]);
    const lastAddress = (1n << BigInt(ADDRESS_BITS[family])) - 1n;
    return only !== undefined && more.length === 0 && only.first === 0n && only.last === lastAddress;
  });
}

/**
 * Whether `inner` lies entirely inside `outer`; ranges of different families never contain each
 * other. Throws `InvalidValueError` when either does not parse.
 */
export function cidrContains(outer: unknown, inner: unknown): boolean {
  const outerRange = requireCidr(outer);
  const innerRange = requireCidr(inner);
  if (outerRange === undefined || innerRange === undefined) return false;
  if (outerRange.family !== innerRange.family || outerRange.prefixLength > innerRange.prefixLength) {
    return false;
  }
  return innerRange.network >= outerRange.network && lastAddressOf(innerRange) <= lastAddressOf(outerRange);
}

/**
 * Address space that cannot be the source of traffic arriving from the internet: addresses an
 * organisation uses internally, or that never leave a host or a link.
 *
 * Deliberately absent, so that they count as public: documentation ranges (192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32), which examples use as stand-ins for real
 * public addresses; benchmarking, multicast and reserved ranges. A checker that erred the other
 * way would stay silent about a rule whose real-world twin is exposed.
 */
const NON_PUBLIC_IPV4 = [
  "0.0.0.0/8", // "this network"
  "10.0.0.0/8", // RFC 1918
  "100.64.0.0/10", // carrier-grade NAT shared space
  "127.0.0.0/8", // loopback
  "169.254.0.0/16", // link-local, including the instance metadata service
  "172.16.0.0/12", // RFC 1918
  "192.168.0.0/16", // RFC 1918
];

const NON_PUBLIC_IPV6 = [
  "::/128", // unspecified
  "::1/128", // loopback
  "fc00::/7", // unique local
  "fe80::/10", // link-local
];

/** IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are judged by the IPv4 address they carry. */
const IPV4_MAPPED_PREFIX = 0xffffn << 32n;

interface AddressInterval {
  first: bigint;
  last: bigint;
}

function parseKnownRange(text: string): Cidr {
  const cidr = parseCidr(text);
  if (cidr === undefined) throw new Error(`Built-in address range "${text}" does not parse.`);
  return cidr;
}

/** Sorted, with overlapping or touching intervals merged, so a coverage walk can go left to right. */
function mergeIntervals(ranges: readonly Cidr[]): AddressInterval[] {
  const sorted = ranges
    .map((range) => ({ first: range.network, last: lastAddressOf(range) }))
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: AddressInterval[] = [];
  for (const interval of sorted) {
    const previous = merged.at(-1);
    if (previous !== undefined && interval.first <= previous.last + 1n) {
      if (interval.last > previous.last) previous.last = interval.last;
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
}

const nonPublicIpv4Ranges = NON_PUBLIC_IPV4.map(parseKnownRange);

const NON_PUBLIC_INTERVALS: Readonly<Record<AddressFamily, AddressInterval[]>> = {
  4: mergeIntervals(nonPublicIpv4Ranges),
  6: mergeIntervals([
    ...NON_PUBLIC_IPV6.map(parseKnownRange),
    ...nonPublicIpv4Ranges.map((range) => ({
      family: 6 as const,
      network: IPV4_MAPPED_PREFIX | range.network,
      prefixLength: range.prefixLength + 96,
    })),
  ]),
};

/**
 * Whether the range holds at least one address outside the non-public address space above, that
 * is, whether some internet host could send traffic from it. `10.1.0.0/16` is not public;
 * `10.0.0.0/7` is, because it also spans 11.0.0.0/8. Invalid text throws `InvalidValueError`.
 */
export function cidrIsPublic(text: unknown): boolean {
  // The few ranges an account repeats are judged once each, like they are parsed once each.
  if (typeof text !== "string") return rangeIsPublic(text);
  const kept = publicVerdicts.get(text);
  if (kept !== undefined) return kept;
  const verdict = rangeIsPublic(text);
  if (publicVerdicts.size >= PARSED_RANGES_LIMIT) publicVerdicts.clear();
  publicVerdicts.set(text, verdict);
  return verdict;
}

/** Verdicts of `cidrIsPublic` by text; only text that parses has one. */
const publicVerdicts = new Map<string, boolean>();

function rangeIsPublic(text: unknown): boolean {
  const cidr = requireCidr(text);
  if (cidr === undefined) return false;
  let firstUncovered = cidr.network;
  const last = lastAddressOf(cidr);
  for (const interval of NON_PUBLIC_INTERVALS[cidr.family]) {
    if (interval.last < firstUncovered) continue;
    if (interval.first > firstUncovered) return true;
    firstUncovered = interval.last + 1n;
    if (firstUncovered > last) return false;
  }
  return true;
}
