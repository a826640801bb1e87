/**
 * Port coverage of a security-group permission, in the describe-API `IpPermission` shape
 * (`{ IpProtocol, FromPort?, ToPort? }`). Values come from several sources (the EC2 API, AWS
 * Config, CloudFormation YAML, Terraform plans), so protocols and ports may be numbers or strings.
 */

import type { JsonValue } from "../../model/resource.js";
import { assertKnown } from "../../model/unknown.js";
import { InvalidValueError } from "./invalid-value.js";

export type TransportProtocol = "tcp" | "udp";

/** An `IpProtocol` reduced to one spelling: `all`, `tcp`, `udp`, `icmp`, `icmpv6`, or its number. */
type ProtocolName = string;

const LOWEST_PORT = 0;
const HIGHEST_PORT = 65_535;
const HIGHEST_PROTOCOL_NUMBER = 255;

/**
 * EC2 takes a protocol as a name (tcp, udp, icmp, icmpv6), as a number 0-255, or as -1 for all
 * traffic; Terraform also writes `all`. Names are read in any case: the describe API writes them
 * in lowercase, but reading `TCP` as some other protocol would skip the port check, so the only
 * safe reading is tcp. Anything else — `"06"`, `"tcp "`, `"gre"`, 256 — is not a value EC2 stores,
 * and its meaning is a guess, so it is an error rather than "not tcp".
 */
const PROTOCOL_ALIASES: ReadonlyMap<string, ProtocolName> = new Map([
  ["-1", "all"],
  ["all", "all"],
  ["6", "tcp"],
  ["tcp", "tcp"],
  ["17", "udp"],
  ["udp", "udp"],
  ["1", "icmp"],
  ["icmp", "icmp"],
  ["58", "icmpv6"],
  ["icmpv6", "icmpv6"],
]);

/** Protocols by number, -1 first: every permission of every group is read, so none is spelled anew. */
const PROTOCOLS_BY_NUMBER: readonly ProtocolName[] = Array.from(
  { length: HIGHEST_PROTOCOL_NUMBER + 2 },
  (_, slot) => {
    const text = String(slot - 1);
    return PROTOCOL_ALIASES.get(text) ?? text;
  },
);

const PROTOCOL_NUMBER = /^(0|[1-9]\d{0,2})$/;
const PLAIN_INTEGER = /^(-1|0|[1-9]\d{0,4})$/;

const EXPECTED_PROTOCOL = "a protocol (tcp, udp, icmp, icmpv6, a number 0-255, or -1)";
const EXPECTED_PORT = "a port (an integer from -1 to 65535)";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `undefined` when the entry does not name a protocol that EC2 would accept. */
function readProtocol(raw: unknown): ProtocolName | undefined {
  if (typeof raw === "number") {
    if (!Number.isInteger(raw) || raw < -1 || raw > HIGHEST_PROTOCOL_NUMBER) return undefined;
    return PROTOCOLS_BY_NUMBER[raw + 1];
  }
  if (typeof raw !== "string") return undefined;
  // The spellings the describe API writes, compared before any lookup: a template's parser gives
  // every permission its own copy of the text, which a lookup would first have to hash.
  if (raw === "tcp" || raw === "udp" || raw === "icmp" || raw === "icmpv6") return raw;
  if (raw === "-1") return "all";
  const alias = PROTOCOL_ALIASES.get(raw.toLowerCase());
  if (alias !== undefined) return alias;
  return PROTOCOL_NUMBER.test(raw) && Number(raw) <= HIGHEST_PROTOCOL_NUMBER ? raw : undefined;
}

function protocolOf(permission: Record<string, unknown>): ProtocolName {
  const raw = permission["IpProtocol"];
  const protocol = readProtocol(raw);
  if (protocol === undefined) throw new InvalidValueError(raw, EXPECTED_PROTOCOL, "IpProtocol");
  return protocol;
}

/** `undefined` when the port is absent, `null` when it is present but not a port EC2 would accept. */
function portOf(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  let port: number;
  if (typeof value === "number") port = value;
  else if (typeof value === "string" && PLAIN_INTEGER.test(value)) port = Number(value);
  else return null;
  return Number.isInteger(port) && port >= -1 && port <= HIGHEST_PORT ? port : null;
}

/** `raw` is the bound as read by its caller, each by name: a load by a varying key costs more. */
function requirePort(raw: unknown, field: "FromPort" | "ToPort"): number | undefined {
  const port = portOf(raw);
  if (port === null) throw new InvalidValueError(raw, EXPECTED_PORT, field);
  return port;
}

/**
 * The inclusive port range of a TCP or UDP entry. An absent bound, or `-1`, is read as open on
 * that side: a checker that guessed "no ports" would miss an entry that some source (older
 * templates, hand-written snapshots) writes without a range, so the safe reading is "every port".
 * A bound that is not a port, or a range that ends before it starts, throws `InvalidValueError`.
 */
function portRangeOf(permission: Record<string, unknown>): { from: number; to: number } {
  const from = lowestPortOf(permission);
  return { from, to: highestPortOf(permission, from) };
}

function lowestPortOf(permission: Record<string, unknown>): number {
  const from = requirePort(permission["FromPort"], "FromPort");
  return from === undefined || from === -1 ? LOWEST_PORT : from;
}

/** The range's upper end, which must not lie below `from`. */
function highestPortOf(permission: Record<string, unknown>, from: number): number {
  const port = requirePort(permission["ToPort"], "ToPort");
  const to = port === undefined || port === -1 ? HIGHEST_PORT : port;
  if (from > to) {
    throw new InvalidValueError(permission["ToPort"], `a port at or above FromPort ${from}`, "ToPort");
  }
  return to;
}

/**
 * Whether `permission` lets traffic reach `port` over `protocol`. Entries for all traffic (`-1`,
 * `all`) cover every port of every protocol, whatever ports they carry, because EC2 ignores the
 * range for them. ICMP and other protocols never cover a TCP or UDP port. An entry that is not a
 * permission, or whose protocol or ports do not parse, throws `InvalidValueError`; so does a port
 * or protocol asked about that is not one, which is the rule's mistake, not the data's.
 */
export function coversPort(permission: unknown, port: number, protocol: TransportProtocol = "tcp"): boolean {
  if (!Number.isInteger(port) || port < LOWEST_PORT || port > HIGHEST_PORT) {
    throw new RangeError(`the port asked about must be an integer from 0 to 65535, got ${port}`);
  }
  if (protocol !== "tcp" && protocol !== "udp") {
    throw new RangeError(`the protocol asked about must be tcp or udp, got ${String(protocol)}`);
  }
  if (!isRecord(permission)) throw new InvalidValueError(permission, "a security-group permission");
  const entryProtocol = protocolOf(permission);
  if (entryProtocol === "all") return true;
  if (entryProtocol !== protocol) return false;
  // Read without building the range: rules ask this of every permission of every group.
  const from = lowestPortOf(permission);
  const to = highestPortOf(permission, from);
  return from <= port && port <= to;
}

/** A short description of the traffic an entry admits, for finding messages: `tcp 22`, `all traffic`. */
export function describePortRange(permission: unknown): string {
  if (!isRecord(permission)) return "unknown traffic";
  const protocol = readProtocol(permission["IpProtocol"]);
  if (protocol === undefined) return "unknown protocol";
  if (protocol === "all") return "all traffic";
  if (protocol === "tcp" || protocol === "udp") {
    let range: { from: number; to: number };
    try {
      range = portRangeOf(permission);
    } catch {
      return `${protocol} (unreadable port range)`;
    }
    return range.from === range.to ? `${protocol} ${range.from}` : `${protocol} ${range.from}-${range.to}`;
  }
  if (protocol === "icmp" || protocol === "icmpv6") {
    const type = portOf(permission["FromPort"]);
    return typeof type === "number" && type >= 0 ? `${protocol} type ${type}` : protocol;
  }
  return /^\d+$/.test(protocol) ? `protocol ${protocol}` : protocol;
}

/**
 * The sources a permission opens to: CIDRs, prefix lists and security groups, as listed.
 * `mayHoldUnknowns` false says the data holds no unknown values (a snapshot, an account), which
 * are then not looked for.
 */
export function describePermissionSources(permission: unknown, mayHoldUnknowns = true): string {
  if (!isRecord(permission)) return "a source the data does not show";
  const sources: string[] = [];
  // A source a template leaves unknown is shown as unknown, never left out of the list.
  const collect = (list: unknown, key: string): void => {
    if (mayHoldUnknowns) assertKnown(list as JsonValue);
    if (!Array.isArray(list)) return;
    for (const entry of list) {
      if (mayHoldUnknowns) assertKnown(entry as JsonValue);
      const value = isRecord(entry) ? entry[key] : undefined;
      if (mayHoldUnknowns) assertKnown(value as JsonValue);
      if (typeof value === "string" && value !== "") sources.push(value);
    }
  };
  collect(permission["IpRanges"], "CidrIp");
  collect(permission["Ipv6Ranges"], "CidrIpv6");
  collect(permission["PrefixListIds"], "PrefixListId");
  collect(permission["UserIdGroupPairs"], "GroupId");
  return sources.length ? sources.join(", ") : "a source the data does not show";
}
