import type { SourcePosition } from "../../util/source-position.js";
import { defineField } from "../../util/own-field.js";
/**
 * A parsed JSON or YAML document that remembers where each value was written, so that template
 * findings can point at the line of the offending property. Scalars are plain values; mappings
 * and sequences are small node objects holding their members' positions side by side, so that a
 * large template costs a node per container rather than an object per value.
 */

export type PositionedValue = string | number | boolean | null | MapNode | SeqNode;

export interface MapNode {
  readonly kind: "map";
  /** Where the mapping starts (its `{`, or its first key in block YAML). */
  readonly line: number;
  readonly column: number;
  readonly keys: string[];
  readonly values: PositionedValue[];
  /**
   * Line and column of each key, interleaved (`[line0, column0, line1, column1, …]`), starting at
   * `offset`. A JSON document keeps these in a few shared chunks, which saves an array per mapping
   * and sequence.
   */
  readonly positions: ArrayLike<number>;
  readonly offset: number;
}

export interface SeqNode {
  readonly kind: "seq";
  readonly line: number;
  readonly column: number;
  readonly items: PositionedValue[];
  /** Line and column of each item, interleaved, from `offset` (as for mappings). */
  readonly positions: ArrayLike<number>;
  readonly offset: number;
}

export function isMapNode(value: unknown): value is MapNode {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "map" &&
    Array.isArray((value as { keys?: unknown }).keys)
  );
}

export function isSeqNode(value: unknown): value is SeqNode {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "seq" &&
    Array.isArray((value as { items?: unknown }).items)
  );
}

/** A mapping being built member by member (by the YAML reader), its positions in a list of its own. */
export type GrowingMap = MapNode & { readonly positions: number[] };
export type GrowingSeq = SeqNode & { readonly positions: number[] };

export function newMap(line: number, column: number): GrowingMap {
  return { kind: "map", line, column, keys: [], values: [], positions: [], offset: 0 };
}

export function newSeq(line: number, column: number): GrowingSeq {
  return { kind: "seq", line, column, items: [], positions: [], offset: 0 };
}

/**
 * A copy of `map` with other keys and values, one for one with its own (so that its positions
 * still apply). Built field by field: a node read from JSON keeps its kind and own position
 * outside its own fields, where spreading it would lose them.
 */
export function withMembers(map: MapNode, keys: string[], values: PositionedValue[]): MapNode {
  return {
    kind: "map",
    line: map.line,
    column: map.column,
    keys,
    values,
    positions: map.positions,
    offset: map.offset,
  };
}

/** A copy of `seq` with other items, one for one with its own (see `withMembers`). */
export function withItems(seq: SeqNode, items: PositionedValue[]): SeqNode {
  return {
    kind: "seq",
    line: seq.line,
    column: seq.column,
    items,
    positions: seq.positions,
    offset: seq.offset,
  };
}

/** The index of `key` in a mapping, or -1. The last of duplicate keys wins, as in JSON.parse. */
export function indexOfKey(map: MapNode, key: string): number {
  return map.keys.lastIndexOf(key);
}

export function member(map: MapNode, key: string): PositionedValue | undefined {
  const index = indexOfKey(map, key);
  return index === -1 ? undefined : map.values[index];
}

/** Position of the key at `index` in a mapping, or of the item at `index` in a sequence. */
export function positionAt(node: MapNode | SeqNode, index: number): SourcePosition {
  const at = node.offset + 2 * index;
  return { line: node.positions[at] ?? node.line, column: node.positions[at + 1] ?? node.column };
}

export function keyPosition(map: MapNode, key: string): SourcePosition | undefined {
  const index = indexOfKey(map, key);
  return index === -1 ? undefined : positionAt(map, index);
}

export function nodePosition(node: MapNode | SeqNode): SourcePosition {
  return { line: node.line, column: node.column };
}

/** The plain value, without positions (for parts that are only read, never located). */
export function toPlain(value: PositionedValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object") return value;
  if (value.kind === "seq") {
    const { items } = value;
    const list = new Array<unknown>(items.length);
    for (let index = 0; index < items.length; index += 1) list[index] = toPlain(items[index]);
    return list;
  }
  const result: Record<string, unknown> = {};
  const { keys, values } = value;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const plain = toPlain(values[index]);
    defineField(result, key, plain);
  }
  return result;
}

/** A problem found while reading a file, located by line and column. */
export class ParseProblem extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** Containers nested deeper than this are refused: no template or plan comes close. */
export const MAX_DEPTH = 128;
