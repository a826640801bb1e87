import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import {
  MAX_DEPTH,
  ParseProblem,
  newMap,
  newSeq,
  positionAt,
  type GrowingMap,
  type MapNode,
  type PositionedValue,
} from "../positioned/node.js";
import { NESTING_TOO_DEEP, parseYaml, type YamlProblem } from "../../util/yaml-position.js";

/**
 * CloudFormation YAML: read with the `yaml` package, keeping the line and column of every key and
 * item, and with the short-form intrinsic tags turned into the long form they stand for
 * (`!Ref X` → `{Ref: X}`, `!GetAtt A.B` → `{"Fn::GetAtt": [A, B]}`), so that everything after
 * this file sees one shape whether the template was YAML or JSON.
 */

/** The short forms CloudFormation defines, and the long-form key each stands for. */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  "!Ref": "Ref",
  "!Condition": "Condition",
  "!And": "Fn::And",
  "!Base64": "Fn::Base64",
  "!Cidr": "Fn::Cidr",
  "!Equals": "Fn::Equals",
  "!FindInMap": "Fn::FindInMap",
  "!GetAtt": "Fn::GetAtt",
  "!GetAZs": "Fn::GetAZs",
  "!If": "Fn::If",
  "!ImportValue": "Fn::ImportValue",
  "!Join": "Fn::Join",
  "!Length": "Fn::Length",
  "!Not": "Fn::Not",
  "!Or": "Fn::Or",
  "!Select": "Fn::Select",
  "!Split": "Fn::Split",
  "!Sub": "Fn::Sub",
  "!ToJsonString": "Fn::ToJsonString",
  "!Transform": "Fn::Transform",
};

/** The tag YAML 1.1 gives a merge key, `!!merge`. */
const MERGE_TAG = "tag:yaml.org,2002:merge";

export interface YamlReadResult {
  value: PositionedValue;
  /** Tags that are neither YAML's own nor CloudFormation's short forms (read as their value). */
  unknownTags: string[];
}

export function parseCloudFormationYaml(text: string): YamlReadResult {
  // Intrinsic tags are not YAML's own; the parser keeps them on the nodes, turned into their long form below.
  const { document, lineCounter, problem } = parseYaml(text);
  if (problem) throw new ParseProblem(describeYamlProblem(problem), problem.line, problem.column);
  const converter = new Converter(document, lineCounter);
  // Depth counts as in the JSON reader: the top-level mapping is level 1.
  const value = document.contents === null ? null : converter.convert(document.contents, 1);
  return { value, unknownTags: [...converter.unknownTags] };
}

function describeYamlProblem({ code, message }: YamlProblem): string {
  if (message === NESTING_TOO_DEEP)
    return `not valid YAML: nesting is too deep to read (more than ${MAX_DEPTH} levels)`;
  if (code === "MULTIPLE_DOCS") return NOT_ONE_DOCUMENT;
  // Problems the parser did not find itself (aliases) are already worded for a reader.
  return code === undefined ? message : `not valid YAML: ${message}`;
}

/** A file of several YAML documents (Kubernetes manifests, for one) is not a template. */
export const NOT_ONE_DOCUMENT = "not a single YAML document (a template is one document)";

class Converter {
  readonly unknownTags = new Set<string>();
  private readonly expanding = new Set<Node>();

  constructor(
    private readonly document: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {}

  convert(node: Node, depth: number): PositionedValue {
    if (depth > MAX_DEPTH) throw this.problem(node, `nesting deeper than ${MAX_DEPTH} levels`);
    if (isAlias(node)) return this.alias(node, depth);
    const tag = node.tag;
    const shortForm = tag !== undefined && tag.startsWith("!") && !tag.startsWith("!!") ? tag : undefined;
    let value: PositionedValue;
    if (isScalar(node)) {
      value = scalarOf(node);
      if (shortForm === "!GetAtt" && typeof value === "string") {
        // `!GetAtt Resource.Attribute`: the attribute itself may contain dots (`Endpoint.Address`).
        const dot = value.indexOf(".");
        const seq = this.at(newSeq, node);
        seq.items.push(dot === -1 ? value : value.slice(0, dot), dot === -1 ? "" : value.slice(dot + 1));
        const { line, column } = this.position(node);
        seq.positions.push(line, column, line, column);
        value = seq;
      }
    } else if (isMap(node)) {
      value = this.map(node, depth);
    } else if (isSeq(node)) {
      const seq = this.at(newSeq, node);
      for (const item of node.items) {
        const { line, column } = this.position(item as Node);
        seq.positions.push(line, column);
        seq.items.push(item === null ? null : this.convert(item as Node, depth + 1));
      }
      value = seq;
    } else {
      throw this.problem(node, "not valid YAML: an unexpected kind of node");
    }
    if (shortForm === undefined) return value;
    const longForm = SHORT_FORMS[shortForm];
    if (longForm === undefined) {
      this.unknownTags.add(shortForm);
      return value;
    }
    const wrapper = this.at(newMap, node);
    const { line, column } = this.position(node);
    wrapper.keys.push(longForm);
    wrapper.positions.push(line, column);
    wrapper.values.push(value);
    return wrapper;
  }

  private map(node: Node & { items: unknown[] }, depth: number): MapNode {
    const map = this.at(newMap, node);
    const written = new KeySet(map);
    // The keys a merge key gave, which the mapping's own keys may then replace (once each).
    let merged: Set<string> | undefined;
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      if (keyNode !== null && !isScalar(keyNode) && !isAlias(keyNode))
        throw this.problem(keyNode, "a mapping key must be a plain value, not a list or a mapping");
      const valueNode = pair.value as Node | null;
      // A plain, untagged `<<` merges, and so does one tagged `!!merge` (the parser gives both a
      // merge marker, not the text, under a %YAML 1.1 directive): `"<<"` and `!!str <<` are keys
      // named "<<", as YAML says.
      if (
        keyNode !== null &&
        isScalar(keyNode) &&
        keyNode.source === "<<" &&
        (keyNode.tag === MERGE_TAG || (keyNode.type === "PLAIN" && keyNode.tag === undefined))
      ) {
        this.merge(map, written, valueNode, depth, (merged ??= new Set()));
        continue;
      }
      const keyValue =
        keyNode === null ? null : isAlias(keyNode) ? this.convert(keyNode, depth + 1) : scalarOf(keyNode);
      if (typeof keyValue === "object" && keyValue !== null)
        throw this.problem(keyNode!, "a mapping key must be a plain value, not a list or a mapping");
      const key = keyValue === null ? "" : typeof keyValue === "string" ? keyValue : `${keyValue}`;
      const { line, column } = keyNode ? this.position(keyNode) : this.position(node);
      if (written.has(key)) {
        const existing = map.keys.indexOf(key);
        // The parser refused keys written twice alike; these differ only in type (`1` and `"1"`,
        // `true` and `yes`), which CloudFormation reads as one key, as JSON would have it twice:
        // keeping either would drop what the other says (an open group under the same logical id).
        if (merged === undefined || !merged.delete(key))
          throw new ParseProblem(
            `duplicate key ${JSON.stringify(key)} (first written at line ${positionAt(map, existing).line}, as another YAML type or through an alias)`,
            line,
            column,
          );
        // A key a merge key gave: the mapping's own key wins.
        map.keys.splice(existing, 1);
        map.values.splice(existing, 1);
        map.positions.splice(2 * existing, 2);
      }
      written.add(key);
      map.keys.push(key);
      map.positions.push(line, column);
      map.values.push(valueNode === null ? null : this.convert(valueNode, depth + 1));
    }
    return map;
  }

  /**
   * `<<: *base` (or a list of them) copies the keys the mapping does not set itself, each added to
   * `given`.
   */
  private merge(
    map: GrowingMap,
    written: KeySet,
    value: Node | null,
    depth: number,
    given: Set<string>,
  ): void {
    const sources = value !== null && isSeq(value) ? (value.items as Node[]) : value === null ? [] : [value];
    for (const source of sources) {
      const merged = this.convert(source, depth + 1);
      if (merged === null || typeof merged !== "object" || merged.kind !== "map")
        throw this.problem(source, "a merge key (<<) must refer to a mapping");
      merged.keys.forEach((key, index) => {
        if (written.has(key)) return;
        written.add(key);
        given.add(key);
        map.keys.push(key);
        const { line, column = merged.column } = positionAt(merged, index);
        map.positions.push(line, column);
        map.values.push(merged.values[index]!);
      });
    }
  }

  private alias(node: Node & { source: string }, depth: number): PositionedValue {
    const target = (node as unknown as { resolve(document: Document): Node | undefined }).resolve(
      this.document,
    );
    if (target === undefined)
      throw this.problem(node, `the YAML alias *${node.source} has no anchor before it`);
    // Their total size was bounded when parsing; a node that contains its own alias was refused there too.
    if (this.expanding.has(target))
      throw this.problem(node, `the YAML alias *${node.source} refers to a node that contains it`);
    this.expanding.add(target);
    try {
      return this.convert(target, depth);
    } finally {
      this.expanding.delete(target);
    }
  }

  private at<T>(make: (line: number, column: number) => T, node: Node): T {
    const { line, column } = this.position(node);
    return make(line, column);
  }

  private position(node: Node | null | undefined): { line: number; column: number } {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  private problem(node: Node, message: string): ParseProblem {
    const { line, column } = this.position(node);
    return new ParseProblem(message, line, column);
  }
}

/**
 * The keys of a mapping being built: looked up in its list while it is short, in a set once it
 * is long, so that a mapping of many thousands of keys is not read in quadratic time.
 */
class KeySet {
  private set: Set<string> | undefined;

  constructor(private readonly map: MapNode) {}

  has(key: string): boolean {
    if (this.set === undefined && this.map.keys.length >= 16) this.set = new Set(this.map.keys);
    return this.set === undefined ? this.map.keys.includes(key) : this.set.has(key);
  }

  add(key: string): void {
    this.set?.add(key);
  }
}

/**
 * A plain scalar that reads as a number but is not written as one (`012345678901`, an account id
 * with its leading zero; `1.0`; `0x1F`) is kept as written: CloudFormation treats such values as
 * text, and an account id must not lose its zero. The exceptions are the plain scalars YAML 1.1,
 * which CloudFormation reads, gives another meaning than YAML 1.2 does (see `yaml11Plain`).
 */
function scalarOf(node: Node & { value: unknown; source?: unknown; type?: unknown }): PositionedValue {
  // A `!!binary` value is its base64 text as written: the bytes it decodes to are not a value a
  // template property holds, and their JSON (`{"type":"Buffer",…}`) is no text anyone wrote.
  if (node.value instanceof Uint8Array && typeof node.source === "string") return node.source;
  // A `<<` that is not a key (`Value: !!merge <<`) merges nothing: it is the text written.
  if (typeof node.value === "symbol" && typeof node.source === "string") return node.source;
  if (node.type === "PLAIN" && node.tag === undefined && typeof node.source === "string") {
    const yaml11 = yaml11Plain(node.source);
    if (yaml11 !== undefined) return yaml11;
  }
  const value = scalarValue(node.value);
  if (typeof value === "number" && typeof node.source === "string" && String(value) !== node.source)
    return node.source;
  return value;
}

/** YAML scalars as CloudFormation reads them; anything exotic (dates, binary) as text. */
function scalarValue(value: unknown): PositionedValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? "";
}

/** YAML 1.1's octal integers: a leading zero, then octal digits (underscores are spacing). */
const YAML_11_OCTAL = /^[-+]?0[0-7_]+$/;

/**
 * YAML 1.1's boolean words that YAML 1.2 reads as text (`true` and `false` it reads alike). `y`
 * and `n` are left as text, as the YAML 1.1 parsers in use (PyYAML, SnakeYAML) leave them.
 */
const YAML_11_BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ...["yes", "Yes", "YES", "on", "On", "ON"].map((word) => [word, true] as const),
  ...["no", "No", "NO", "off", "Off", "OFF"].map((word) => [word, false] as const),
]);

/**
 * The value CloudFormation's YAML 1.1 gives a plain, untagged scalar where YAML 1.2 (which the
 * parser follows) reads it otherwise, or undefined where the two agree. `FromPort: 026` is port
 * 22 to CloudFormation, as `mode: 000400` is 256: read as the decimal 26 (or the text "026",
 * which a port reads as 26), it would pass a rule about port 22 that the stack breaks. And
 * `!Equals [!Ref AllowSsh, yes]` holds for the default "true": read as the text "yes", it was false,
 * and the open group it guards was left out as not created.
 */
function yaml11Plain(source: string): PositionedValue | undefined {
  const first = source.charCodeAt(0);
  // y, Y, n, N, o, O: the first letters of the boolean words.
  if (
    first === 0x79 ||
    first === 0x59 ||
    first === 0x6e ||
    first === 0x4e ||
    first === 0x6f ||
    first === 0x4f
  )
    return YAML_11_BOOLEANS.get(source);
  // Only a scalar that starts with a zero or a sign can be octal; most start otherwise.
  if ((first === 0x30 || first === 0x2b || first === 0x2d) && YAML_11_OCTAL.test(source)) {
    const digits = source.replace(/[-+_]/g, "");
    const magnitude = parseInt(digits, 8);
    return first === 0x2d && magnitude !== 0 ? -magnitude : magnitude;
  }
  return undefined;
}
