import { isMapNode, isSeqNode, positionAt, type PositionedValue } from "../positioned/node.js";
import type { SourcePosition } from "../../util/source-position.js";

/**
 * The JSON types of a resource type's attributes as `terraform show -json` writes them, for the
 * attributes a normalizer reads. A value of another type (a port written as a string, a block
 * written as an object instead of a list) is an input problem, never a value quietly ignored.
 */
export type AttributeType =
  | "string"
  | "number"
  | "bool"
  /** A list or set of values. */
  | { list: AttributeType }
  /** A map from names to values (`tags`). */
  | { map: AttributeType }
  /** Nested blocks: a list of objects, even where the provider allows a single block. */
  | { block: AttributeSchema };

export type AttributeSchema = Readonly<Record<string, AttributeType>>;

export interface MistypedAttribute {
  path: (string | number)[];
  /** Where the value's key (or list item) is written in the plan. */
  position: SourcePosition;
  /** `must be a list, not an object` */
  complaint: string;
}

/**
 * The attributes of `after` whose value has a type other than the schema's. Parts that
 * `after_unknown` marks unknown, and nulls, are not checked: they carry no value.
 */
export function mistypedAttributes(
  schema: AttributeSchema,
  after: PositionedValue | undefined,
  afterUnknown: unknown,
  at: SourcePosition,
): MistypedAttribute[] {
  const found: MistypedAttribute[] = [];
  checkFields(schema, after, afterUnknown, [], at, found);
  return found;
}

function checkFields(
  schema: AttributeSchema,
  node: PositionedValue | undefined,
  unknown: unknown,
  path: (string | number)[],
  at: SourcePosition,
  found: MistypedAttribute[],
): void {
  if (node === undefined || node === null) return;
  if (!isMapNode(node)) {
    found.push({ path, position: at, complaint: `must be an object, not ${typeName(node)}` });
    return;
  }
  node.keys.forEach((key, index) => {
    const type = schema[key];
    if (type === undefined) return;
    checkValue(
      type,
      node.values[index],
      flagAt(unknown, key),
      [...path, key],
      positionAt(node, index),
      found,
    );
  });
}

function checkValue(
  type: AttributeType,
  value: PositionedValue | undefined,
  unknown: unknown,
  path: (string | number)[],
  at: SourcePosition,
  found: MistypedAttribute[],
): void {
  if (unknown === true || value === undefined || value === null) return;
  const expected = expectedName(type);
  const wrong = () =>
    found.push({ path, position: at, complaint: `must be ${expected}, not ${typeName(value)}` });
  if (type === "string" || type === "number") {
    if (typeof value !== type) wrong();
    return;
  }
  if (type === "bool") {
    if (typeof value !== "boolean") wrong();
    return;
  }
  if ("map" in type) {
    if (!isMapNode(value)) return void wrong();
    value.keys.forEach((key, index) =>
      checkValue(
        type.map,
        value.values[index],
        flagAt(unknown, key),
        [...path, key],
        positionAt(value, index),
        found,
      ),
    );
    return;
  }
  if (!isSeqNode(value)) return void wrong();
  value.items.forEach((item, index) => {
    const itemPath = [...path, index];
    const itemAt = positionAt(value, index);
    const flag = flagAt(unknown, index);
    if ("list" in type) checkValue(type.list, item, flag, itemPath, itemAt, found);
    else if (flag !== true) checkFields(type.block, item, flag, itemPath, itemAt, found);
  });
}

function flagAt(unknown: unknown, step: string | number): unknown {
  return unknown !== null && typeof unknown === "object"
    ? (unknown as Record<string | number, unknown>)[step]
    : undefined;
}

function expectedName(type: AttributeType): string {
  if (type === "string") return "a string";
  if (type === "number") return "a number";
  if (type === "bool") return "a boolean";
  return "map" in type ? "a map" : "a list";
}

export function typeName(value: PositionedValue): string {
  if (isMapNode(value)) return "an object";
  if (isSeqNode(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "boolean" ? "a boolean" : `a ${typeof value}`;
}
