import { register, TYPE_ANY } from "@jmespath-community/jmespath";
import type { JsonValue } from "../../model/resource.js";
import { describePortRange } from "../operators/ports.js";

/**
 * Domain functions added to JMESPath, usable in paths and message placeholders:
 * `port_range(@)` describes a security-group permission ("tcp 22", "tcp 0-65535", "all traffic").
 * The library keeps one registry per process, so this module registers once, on first import.
 */
let registered = false;

export function registerDomainFunctions(): void {
  if (registered) return;
  registered = true;
  register("port_range", ([permission]) => describePortRange(permission as JsonValue), [
    { types: [TYPE_ANY] },
  ]);
}
