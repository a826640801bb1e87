import { register, TYPE_ANY } from "@jmespath-community/jmespath";
import type { JsonValue } from "../../model/resource.js";
import { assertKnown } from "../../model/unknown.js";
import { describePortRange } from "../operators/ports.js";

/**
 * Domain functions added to JMESPath, usable in paths and message placeholders:
 * `port_range(@)` describes a security-group permission ("tcp 22", "tcp 0-65535", "all traffic").
 * The library keeps one registry per process, so this module registers once, on first import.
 */
let registered = false;

/**
 * Functions that read only some fields of their argument and check those for unknown values
 * themselves: an unknown source group does not keep `port_range` from naming the ports.
 */
const CHECKING_THEIR_OWN_UNKNOWNS: ReadonlySet<string> = new Set(["port_range"]);

export function checksOwnUnknowns(name: string): boolean {
  return CHECKING_THEIR_OWN_UNKNOWNS.has(name);
}

export function registerDomainFunctions(): void {
  if (registered) return;
  registered = true;
  register(
    "port_range",
    ([permission]) => {
      const value = permission as JsonValue;
      assertKnown(value);
      return describePortRange(value);
    },
    [{ types: [TYPE_ANY] }],
  );
}
