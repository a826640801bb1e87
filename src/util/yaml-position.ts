import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

/**
 * YAML parsing that keeps positions, so that every problem in a rule or configuration file can be
 * reported as `file:line:column`.
 */
export interface ParsedYaml {
  document: Document.Parsed;
  lineCounter: LineCounter;
}

export interface YamlPosition {
  line: number;
  column: number;
}

/** Aliases are expanded at most this many times: a small file must not become a huge value. */
const MAX_ALIAS_COUNT = 1000;

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  return { document, lineCounter };
}

export function toJs(parsed: ParsedYaml): unknown {
  return parsed.document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}

export function positionAt(parsed: ParsedYaml, offset: number): YamlPosition {
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
): YamlPosition {
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
