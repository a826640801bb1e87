import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  YAMLParseError,
  type Document,
  type Node,
  type YAMLError,
} from "yaml";
import type { SourcePosition } from "./source-position.js";

/**
 * YAML parsing that keeps positions, so that every problem in a YAML input — template, rule, rule
 * test or configuration — can be reported as `file:line:column`, and that refuses the same things
 * in all of them: a key written twice in one mapping, and aliases that expand beyond reason.
 */
export interface ParsedYaml {
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** The first reason the document cannot be used; when set, the document must not be read. */
  problem?: YamlProblem;
}

export interface YamlProblem extends SourcePosition {
  /** One line, without a "not valid YAML" prefix: each reader words that its own way. */
  message: string;
  /** The parser's error code (`MULTIPLE_DOCS`, `DUPLICATE_KEY`, …), when the parser found it. */
  code?: string;
}

/**
 * Aliases may stand for at most this many nodes in total, in every YAML input. A "billion laughs"
 * document of a few hundred bytes expands to millions; no template, rule or configuration has a
 * legitimate use for anything near this.
 */
export const MAX_ALIAS_NODES = 100_000;

/** Nesting deeper than the parser can follow (a hostile `[[[[…` of a hundred thousand levels). */
export const NESTING_TOO_DEEP = "nesting is too deep to read";

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // The parser's own check for keys written twice compares each key with every key before it in
  // its mapping, which takes minutes for a mapping of a hundred thousand keys; the same check is
  // made here, with a set per mapping.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const parsed: ParsedYaml = { document, lineCounter };
  const [parserError] = document.errors;
  const duplicate = firstDuplicateKey(document);
  // The parser reports problems in document order; a key written twice takes its place among them.
  const error =
    duplicate !== undefined && (parserError === undefined || duplicate < parserError.pos[0])
      ? new YAMLParseError([duplicate, duplicate + 1], "DUPLICATE_KEY", "Map keys must be unique")
      : parserError;
  if (error) {
    parsed.problem = { ...positionAt(parsed, error.pos[0]), ...describeError(parsed, error) };
    return parsed;
  }
  const alias = aliasProblem(document);
  if (alias) parsed.problem = { ...positionAt(parsed, alias.offset), message: alias.message };
  return parsed;
}

/** The plain value of a document `parseYaml` found no problem in. */
export function toJs(parsed: ParsedYaml): unknown {
  if (parsed.problem) throw new Error(`YAML with a problem cannot be read: ${parsed.problem.message}`);
  // Alias expansion was bounded by `aliasProblem` already, in the same terms for every input.
  return parsed.document.toJS({ maxAliasCount: -1 });
}

function describeError(parsed: ParsedYaml, error: YAMLError): { message: string; code: string } {
  if (error.code === "DUPLICATE_KEY") {
    const duplicate = duplicateKeyAt(parsed, error.pos[0]);
    if (duplicate) return { code: error.code, message: duplicate };
  }
  const first = error.message.split("\n")[0] ?? error.message;
  // The parser passes on running out of stack in the engine's words; say what it means.
  if (first.startsWith("Maximum call stack size exceeded"))
    return { code: error.code, message: NESTING_TOO_DEEP };
  return { code: error.code, message: first.replace(/ at line \d+, column \d+.*$/, "") };
}

/**
 * Where the first key written twice in one mapping is (its offset), as the parser's `uniqueKeys`
 * check finds them: two scalar keys are the same when their values are identical (`1` and `"1"`
 * are not; `.nan` never equals itself).
 */
function firstDuplicateKey(document: Document.Parsed): number | undefined {
  let first: number | undefined;
  const pending: unknown[] = [document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isSeq(node)) {
      for (const item of node.items) pending.push(item);
      continue;
    }
    if (!isMap(node)) continue;
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      pending.push(pair.key, pair.value);
      const key = pair.key;
      if (!isScalar(key) || Number.isNaN(key.value)) continue;
      if (!seen.has(key.value)) {
        seen.add(key.value);
        continue;
      }
      const offset = key.range?.[0];
      if (offset !== undefined && (first === undefined || offset < first)) first = offset;
    }
  }
  return first;
}

/** Names the key the parser refused at `offset`, and the line it was first written on. */
function duplicateKeyAt(parsed: ParsedYaml, offset: number): string | undefined {
  const pending: unknown[] = [parsed.document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isSeq(node)) pending.push(...node.items);
    if (!isMap(node)) continue;
    for (const pair of node.items) {
      pending.push(pair.value);
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) continue;
      const key = String(pair.key.value);
      const first = node.items.find((other) => isScalar(other.key) && String(other.key.value) === key);
      const firstOffset = isScalar(first?.key) ? first.key.range?.[0] : undefined;
      const where =
        firstOffset === undefined || firstOffset === offset
          ? ""
          : ` (first written at line ${positionAt(parsed, firstOffset).line})`;
      return `duplicate key ${JSON.stringify(key)}${where}`;
    }
  }
  return undefined;
}

/**
 * Where the document's aliases, expanded, first stand for more than `MAX_ALIAS_NODES` nodes in
 * total, or where an alias refers to a node that contains it. Each alias written in the document
 * counts for the size of what it refers to, its own aliases expanded (sizes are memoized, so a
 * bomb is measured without being expanded).
 */
function aliasProblem(document: Document.Parsed): { offset: number; message: string } | undefined {
  const sizes = new Map<unknown, number>();
  const resolve = (alias: Node): Node | undefined =>
    (alias as unknown as { resolve(document: Document): Node | undefined }).resolve(document);
  const sizeOf = (node: unknown, open: Set<unknown>): number => {
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (open.has(node)) return Number.POSITIVE_INFINITY;
    open.add(node);
    let size = 1;
    if (isAlias(node)) {
      const target = resolve(node);
      size = target === undefined ? 1 : sizeOf(target, open);
    } else if (isMap(node) || isSeq(node)) {
      for (const item of node.items as unknown[]) {
        size += isPair(item) ? sizeOf(item.key, open) + sizeOf(item.value, open) : sizeOf(item, open);
        if (size > MAX_ALIAS_NODES) break;
      }
    }
    open.delete(node);
    sizes.set(node, size);
    return size;
  };

  let total = 0;
  // Iterative and in document order, so that the alias reported is the first one past the limit.
  const pending: unknown[] = [document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isAlias(node)) {
      const target = resolve(node);
      if (target === undefined) continue;
      const offset = node.range?.[0] ?? 0;
      const size = sizeOf(target, new Set([node]));
      if (!Number.isFinite(size))
        return { offset, message: `the YAML alias *${node.source} refers to a node that contains it` };
      total += size;
      if (total > MAX_ALIAS_NODES)
        return {
          offset,
          message: `YAML aliases expand to more than ${MAX_ALIAS_NODES} nodes; this looks like an alias bomb and is not read`,
        };
    } else if (isMap(node) || isSeq(node)) {
      const items = node.items as unknown[];
      for (let index = items.length - 1; index >= 0; index -= 1) {
        const item = items[index];
        if (isPair(item)) pending.push(item.value, item.key);
        else pending.push(item);
      }
    }
  }
  return undefined;
}

export function positionAt(parsed: ParsedYaml, offset: number): SourcePosition {
  const { line, col } = parsed.lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * The position of the value at `pointer` (keys and indexes from the root); with `key`, the
 * position of the mapping key itself (for an unexpected or unknown key). Falls back to the
 * nearest ancestor that exists.
 */
export function positionOf(
  parsed: ParsedYaml,
  pointer: readonly (string | number)[],
  options: { key?: string } = {},
): SourcePosition {
  let node: Node | null | undefined = parsed.document.contents;
  let offset = node?.range?.[0] ?? 0;
  const steps = options.key === undefined ? pointer : [...pointer, options.key];
  for (const [index, step] of steps.entries()) {
    const isLast = index === steps.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(step));
      if (!pair) break;
      if (isLast && options.key !== undefined && isScalar(pair.key) && pair.key.range) {
        offset = pair.key.range[0];
        break;
      }
      node = pair.value as Node | null;
      offset = node?.range?.[0] ?? (isScalar(pair.key) && pair.key.range ? pair.key.range[0] : offset);
    } else if (isSeq(node) && typeof step === "number") {
      node = node.items[step] as Node | undefined;
      if (!node) break;
      offset = node.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return positionAt(parsed, offset);
}
