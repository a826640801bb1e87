import {
  isMapNode,
  isSeqNode,
  member,
  positionAt,
  type MapNode,
  type PositionedValue,
  withItems,
  withMembers,
} from "../positioned/node.js";
import type { SourcePosition } from "../../util/source-position.js";

/**
 * `Fn::ForEach` loops of the `AWS::LanguageExtensions` transform, expanded in the `Resources`
 * section as CloudFormation expands them before deployment:
 *
 *     Fn::ForEach::LoopName: [Identifier, Collection, {OutputKey: OutputValue, …}]
 *
 * Each item of the collection gives one copy of the outputs, with `${Identifier}` (and
 * `&{Identifier}`, the item with its non-alphanumeric characters removed) replaced in keys and
 * string values, and `Ref: Identifier` replaced by the item. Outputs may hold further loops.
 *
 * A collection this tool cannot know (a parameter without a default, an attribute of another
 * resource) makes the generated resources unknown; that is reported, never passed over.
 */

export const FOR_EACH_PREFIX = "Fn::ForEach::";

/** A resource entry after loops are expanded: its logical id, its mapping, and where it is written. */
export interface ExpandedEntry {
  logicalId: string;
  value: PositionedValue;
  position: SourcePosition;
}

export class ForEachError extends Error {
  constructor(
    message: string,
    readonly position: SourcePosition,
    /** False when the loop is well formed but its collection cannot be known before deployment. */
    readonly invalid = true,
  ) {
    super(message);
  }
}

/**
 * How many values loops may write out in one template, counting each generated resource and
 * every value copied into it. Three loops nested over a list of 300 items make 27 million
 * resources from a template of two kilobytes: expanded without a bound, they held a check until
 * it ran out of memory. CloudFormation accepts at most 500 resources in a template; this leaves
 * room for far larger generated templates and still ends in a second.
 */
export const MAX_EXPANDED_VALUES = 2_000_000;

/** What is left of `MAX_EXPANDED_VALUES` while one template's loops are expanded. */
interface Budget {
  left: number;
  /** The loop written in `Resources` itself that is being expanded, which a refusal names. */
  loop?: { key: string; position: SourcePosition };
}

/** The entries of a `Resources` mapping, loops expanded, in template order. */
export function expandResources(
  resources: MapNode,
  parameters: ReadonlyMap<string, MapNode>,
): ExpandedEntry[] {
  const entries: ExpandedEntry[] = [];
  expandInto(resources, new Map(), parameters, entries, { left: MAX_EXPANDED_VALUES });
  return entries;
}

function expandInto(
  map: MapNode,
  bindings: ReadonlyMap<string, string>,
  parameters: ReadonlyMap<string, MapNode>,
  entries: ExpandedEntry[],
  budget: Budget,
): void {
  const { keys, values } = map;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const position = positionAt(map, index);
    const value = values[index]!;
    if (!key.startsWith(FOR_EACH_PREFIX)) {
      entries.push({
        logicalId: bindings.size === 0 ? key : substituteText(key, bindings),
        value: substitute(value, bindings, budget),
        position,
      });
      budget.left -= 1;
      continue;
    }
    const loop = readLoop(key, value, position, bindings, parameters, budget);
    if (bindings.size === 0) budget.loop = { key, position };
    const generated: ExpandedEntry[] = [];
    for (const item of loop.collection) {
      const inner = new Map(bindings);
      inner.set(loop.identifier, item);
      expandInto(loop.outputs, inner, parameters, generated, budget);
      if (budget.left < 0) {
        const outermost = budget.loop ?? { key, position };
        throw new ForEachError(
          `${outermost.key} writes out more than ${MAX_EXPANDED_VALUES.toLocaleString("en-US")} resources and values with the loops inside it (CloudFormation accepts at most 500 resources in a template), so its resources are not checked`,
          outermost.position,
        );
      }
    }
    const seen = new Set<string>();
    for (const entry of generated) {
      if (seen.has(entry.logicalId))
        throw new ForEachError(`${key} generates the logical id ${entry.logicalId} twice`, position);
      seen.add(entry.logicalId);
      entries.push(entry);
    }
  }
}

function readLoop(
  key: string,
  value: PositionedValue,
  position: SourcePosition,
  bindings: ReadonlyMap<string, string>,
  parameters: ReadonlyMap<string, MapNode>,
  budget: Budget,
): { identifier: string; collection: string[]; outputs: MapNode } {
  const [identifier, collection, outputs] = isSeqNode(value) ? value.items : [];
  if (!isSeqNode(value) || value.items.length !== 3 || typeof identifier !== "string" || !isMapNode(outputs))
    throw new ForEachError(
      `${key} must be a list of an identifier, a collection and a mapping of output keys to resources`,
      position,
    );
  const items = collectionItems(substitute(collection!, bindings, budget), parameters);
  if (typeof items === "string")
    throw new ForEachError(
      `the collection of ${key} cannot be known before deployment (${items}), so the resources it generates cannot be checked`,
      position,
      false,
    );
  return { identifier, collection: items, outputs };
}

/** The items of a loop's collection, or why they cannot be known. */
function collectionItems(
  collection: PositionedValue,
  parameters: ReadonlyMap<string, MapNode>,
): string[] | string {
  if (isSeqNode(collection)) {
    const items: string[] = [];
    for (const item of collection.items) {
      if (typeof item === "string" || typeof item === "number" || typeof item === "boolean")
        items.push(String(item));
      else return "an item of the collection is not a single value";
    }
    return items;
  }
  if (isMapNode(collection) && collection.keys.length === 1) {
    const [fn] = collection.keys;
    const argument = collection.values[0];
    if (fn === "Ref" && typeof argument === "string") return parameterList(argument, parameters);
    return `it is given by ${fn}, known only at deployment`;
  }
  return "it is not a list";
}

function parameterList(name: string, parameters: ReadonlyMap<string, MapNode>): string[] | string {
  const parameter = parameters.get(name);
  if (!parameter) return `Ref ${name} names no parameter of the template`;
  const type = member(parameter, "Type");
  if (typeof type !== "string" || !(type === "CommaDelimitedList" || type.startsWith("List<")))
    return `parameter ${name} is not a list parameter`;
  const value = member(parameter, "Default");
  if (value === undefined) return `parameter ${name} has no default`;
  if (typeof value !== "string" && typeof value !== "number")
    return `parameter ${name} has a default that is not a comma-separated text`;
  const text = String(value);
  return text === "" ? [] : text.split(",").map((part) => part.trim());
}

/**
 * `value` with the loop identifiers in `bindings` replaced; nodes are copied only where they
 * change. Each value looked at is taken from `budget`.
 */
function substitute(
  value: PositionedValue,
  bindings: ReadonlyMap<string, string>,
  budget: Budget,
): PositionedValue {
  if (bindings.size === 0) return value;
  budget.left -= 1;
  if (typeof value === "string") return substituteText(value, bindings);
  if (isSeqNode(value)) {
    const items = value.items.map((item) => substitute(item, bindings, budget));
    return items.every((item, index) => item === value.items[index]) ? value : withItems(value, items);
  }
  if (isMapNode(value)) {
    if (value.keys.length === 1 && value.keys[0] === "Ref" && typeof value.values[0] === "string") {
      const bound = bindings.get(value.values[0]);
      if (bound !== undefined) return bound;
    }
    // Loops nested in a resource's own outputs are expanded by the caller, with their own keys.
    const keys = value.keys.map((key) =>
      key.startsWith(FOR_EACH_PREFIX) ? key : substituteText(key, bindings),
    );
    const values = value.values.map((item) => substitute(item, bindings, budget));
    const unchanged =
      keys.every((key, index) => key === value.keys[index]) &&
      values.every((item, index) => item === value.values[index]);
    return unchanged ? value : withMembers(value, keys, values);
  }
  return value;
}

function substituteText(text: string, bindings: ReadonlyMap<string, string>): string {
  if (!text.includes("{")) return text;
  return text.replace(/([$&])\{([^}]+)\}/g, (written, sigil: string, name: string) => {
    const bound = bindings.get(name);
    if (bound === undefined) return written;
    return sigil === "&" ? bound.replace(/[^A-Za-z0-9]/g, "") : bound;
  });
}
