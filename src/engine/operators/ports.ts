/**
 * Port coverage of a security-group permission, in the describe-API `IpPermission` shape
 * (`{ IpProtocol, FromPort?, ToPort? }`). Values come from several sources (the EC2 API, AWS
 * Config, CloudFormation YAML, Terraform plans), so protocols and ports may be numbers or strings.
 */

export type TransportProtocol = "tcp" | "udp";

/** An `IpProtocol` reduced to one spelling: `all`, `tcp`, `udp`, `icmp`, `icmpv6`, or as written. */
type ProtocolName = string;

const LOWEST_PORT = 0;
const HIGHEST_PORT = 65_535;

/** EC2 accepts protocol numbers as well as names; these are the ones a rule reasons about. */
const PROTOCOL_ALIASES: Readonly<Record<string, ProtocolName>> = {
  "-1": "all",
  all: "all",
  "6": "tcp",
  tcp: "tcp",
  "17": "udp",
  udp: "udp",
  "1": "icmp",
  icmp: "icmp",
  "58": "icmpv6",
  icmpv6: "icmpv6",
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function protocolOf(permission: Record<string, unknown>): ProtocolName | undefined {
  const raw = permission["IpProtocol"];
  let text: string;
  if (typeof raw === "number" && Number.isInteger(raw)) text = String(raw);
  else if (typeof raw === "string" && raw.trim() !== "") text = raw.trim().toLowerCase();
  else return undefined;
  return PROTOCOL_ALIASES[text] ?? text;
}

/** `undefined` when the port is absent, `null` when it is present but unreadable. */
function portOf(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return Number.isInteger(value) ? value : null;
  if (typeof value === "string" && /^-?\d{1,6}$/.test(value.trim())) return Number(value.trim());
  return null;
}

/**
 * The inclusive port range of a TCP or UDP entry. An absent bound, or `-1`, is read as open on
 * that side: a checker that guessed "no ports" would miss an entry that some source (older
 * templates, hand-written snapshots) writes without a range, so the safe reading is "every port".
 */
function portRangeOf(permission: Record<string, unknown>): { from: number; to: number } | undefined {
  const from = portOf(permission["FromPort"]);
  const to = portOf(permission["ToPort"]);
  if (from === null || to === null) return undefined;
  return {
    from: from === undefined || from === -1 ? LOWEST_PORT : from,
    to: to === undefined || to === -1 ? HIGHEST_PORT : to,
  };
}

/**
 * Whether `permission` lets traffic reach `port` over `protocol`. Entries for all traffic (`-1`,
 * `all`) cover every port of every protocol, whatever ports they carry, because EC2 ignores the
 * range for them. ICMP and other protocols never cover a TCP or UDP port.
 */
export function coversPort(permission: unknown, port: number, protocol: TransportProtocol = "tcp"): boolean {
  if (!isRecord(permission)) return false;
  if (!Number.isInteger(port) || port < LOWEST_PORT || port > HIGHEST_PORT) return false;
  if (protocol !== "tcp" && protocol !== "udp") return false;
  const entryProtocol = protocolOf(permission);
  if (entryProtocol === "all") return true;
  if (entryProtocol !== protocol) return false;
  const range = portRangeOf(permission);
  return range !== undefined && range.from <= port && port <= range.to;
}

/** A short description of the traffic an entry admits, for finding messages: `tcp 22`, `all traffic`. */
export function describePortRange(permission: unknown): string {
  if (!isRecord(permission)) return "unknown traffic";
  const protocol = protocolOf(permission);
  if (protocol === undefined) return "unknown protocol";
  if (protocol === "all") return "all traffic";
  if (protocol === "tcp" || protocol === "udp") {
    const range = portRangeOf(permission);
    if (range === undefined) return `${protocol} (unreadable port range)`;
    return range.from === range.to ? `${protocol} ${range.from}` : `${protocol} ${range.from}-${range.to}`;
  }
  if (protocol === "icmp" || protocol === "icmpv6") {
    const type = portOf(permission["FromPort"]);
    return typeof type === "number" && type >= 0 ? `${protocol} type ${type}` : protocol;
  }
  return /^\d+$/.test(protocol) ? `protocol ${protocol}` : protocol;
}
