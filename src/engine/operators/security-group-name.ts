import type { JsonValue } from "../../model/resource.js";
import { isUnknown, UnknownValueError } from "../../model/unknown.js";

/**
 * A security group as a message names it: its id, then its name in parentheses when the data has
 * one that says more than the id. A group an instance lists in a template or plan has an id only,
 * and a template's group without a GroupName is named by its logical id; "sg-1 ((none))" and
 * "Sg (Sg)" said nothing the id did not. An unknown id is thrown to the message, which shows the
 * reason in its place: it is the part that identifies the group. Only the group and its id are
 * looked at, so a template's group whose VPC is unknown is still named.
 */
export function describeSecurityGroup(group: JsonValue, mayHoldUnknowns = true): string {
  if (mayHoldUnknowns) throwIfUnknown(group);
  if (group === null || typeof group !== "object" || Array.isArray(group)) {
    return "a group the data does not show";
  }
  const id = group["GroupId"];
  if (mayHoldUnknowns) throwIfUnknown(id);
  // The canonical shape refuses a group without an id; a value that gets here anyway is named so.
  if (typeof id !== "string" || id === "") return "a group without an id";
  const name = group["GroupName"];
  // An unknown name (made from a template's parameter) is left out, like a missing one.
  if (typeof name !== "string" || name === "" || name === id) return id;
  return `${id} (${name})`;
}

function throwIfUnknown(value: JsonValue | undefined): void {
  if (isUnknown(value)) throw new UnknownValueError(value.$unknown);
}
