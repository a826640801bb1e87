import { compile, TreeInterpreter } from "@jmespath-community/jmespath";
import type { JsonValue } from "../../model/resource.js";
import {
  functionOfOneKnownValue,
  functionOfOneValue,
  functionWithArguments,
  registerDomainFunctions,
  stringFunctionWithArguments,
} from "./functions.js";
import { isUnknown, unknownValue, UnknownValueError, type UnknownValue } from "../../model/unknown.js";
import { searchWithUnknowns } from "./unknown-aware.js";
import { DocumentDecisions, ElementVerdicts } from "./decisions.js";

/**
 * Paths in rules are JMESPath (what AWS users know from `--query`), compiled once per rule. Paths
 * may start with a reference — `$root` (the resource document), `$params`, or a name bound by a
 * quantifier's `as` — followed by a JMESPath expression applied to it.
 *
 * Evaluation keeps track of *where* each value came from (`IpPermissions[0].IpRanges[1].CidrIp`)
 * for the common expression forms (fields, indexes, `[]` flattening, projections and filters), so
 * that evidence names the element that matched and file-based findings point at its line.
 */

type ExpressionNode = ReturnType<typeof compile>;

/** A value with the path it was found at. */
export interface Located {
  value: JsonValue;
  path: string;
}

/** The result of a path: one value, plus the list of elements when it is a projection or array. */
export interface Selection extends Located {
  /** Set when the expression projects (`A[].B`); each element with its own path. */
  elements?: Located[];
}

/** Elements bound by `as`, innermost first: a short chain, cheap to extend for every element. */
export interface Binding {
  name: string;
  element: Located;
  outer: Binding | null;
}

export interface PathScope {
  root: Located;
  params: Record<string, JsonValue>;
  bindings: Binding | null;
  /** Set when the resources may hold unknown values (see `model/unknown.ts`). */
  mayHoldUnknowns?: boolean;
  /**
   * Verdicts of tests that do not depend on the current element (their path starts at `$root`
   * and their argument names no bound element), kept for the resource being judged: a test
   * inside a quantifier would otherwise be repeated for every element.
   */
  memo?: VerdictMemo;
}

/** Verdicts by test id, for one resource at a time (a `Map` will do; the engine keeps a cheaper one). */
export interface VerdictMemo {
  get(id: number): boolean | undefined;
  set(id: number, verdict: boolean): unknown;
  /** Explanations by part id, for the resource being judged (see `compile.ts`). */
  outcomeOf?(id: number): unknown;
  keepOutcome?(id: number, outcome: unknown): void;
  /** Answers about policy documents, kept for the whole run rather than one resource. */
  readonly documents?: DocumentDecisions;
  /** Verdicts about elements shared by resources (a role's policies), kept for the whole run. */
  readonly elements?: ElementVerdicts;
}

/**
 * The engine's memo: forgetting every verdict when the next resource comes is one increment, not
 * a new table, which matters when a run judges a hundred thousand rule and resource pairs.
 */
export class ResourceVerdicts implements VerdictMemo {
  private readonly stamps: number[] = [];
  private readonly verdicts: boolean[] = [];
  private generation = 1;
  readonly documents = new DocumentDecisions();
  readonly elements = new ElementVerdicts();

  get(id: number): boolean | undefined {
    return this.stamps[id] === this.generation ? this.verdicts[id] : undefined;
  }

  set(id: number, verdict: boolean): void {
    this.stamps[id] = this.generation;
    this.verdicts[id] = verdict;
  }

  private readonly outcomeStamps: number[] = [];
  private readonly outcomes: unknown[] = [];

  outcomeOf(id: number): unknown {
    return this.outcomeStamps[id] === this.generation ? this.outcomes[id] : undefined;
  }

  keepOutcome(id: number, outcome: unknown): void {
    this.outcomeStamps[id] = this.generation;
    this.outcomes[id] = outcome;
  }

  clear(): void {
    this.generation++;
  }
}

export interface CompiledPath {
  readonly text: string;
  /** The reference the path starts from: `@` (the current element), `$root`, `$params` or a binding. */
  readonly base: string;
  /**
   * The field of its base the path reads first, all else it reads lying inside that field
   * (`IpPermissions` of `IpPermissions[].IpRanges`); undefined when it may read the base as a whole.
   */
  readonly firstField: string | undefined;
  /** The selected value with the path of every element: for evidence. */
  evaluate(current: Located, scope: PathScope): Selection;
  /**
   * The selected value and where it is, without the place of every element: the evidence of a
   * test, which names the list it judged, not each of its items.
   */
  locate(current: Located, scope: PathScope): Located;
  /** The selected value only: the fast path, when no evidence is needed. */
  valueOf(current: Located, scope: PathScope): JsonValue;
  /**
   * Calls `visit` with each element of the list the path selects, in order, without building the
   * list (`A[].B[]` is walked where it lies); `visit` returns true to stop. Returns `LISTED` when
   * the selection is a list, and otherwise the value selected instead (null, or an unknown).
   */
  each(current: Located, scope: PathScope, visit: (element: JsonValue) => boolean): JsonValue | typeof LISTED;
}

/** What `each` returns when the path selected a list (whose elements it visited). */
export const LISTED: unique symbol = Symbol("listed");

export class PathSyntaxError extends Error {}

const REFERENCE = /^\$([A-Za-z][A-Za-z0-9]*)(?:\.|(?=\[)|$)/;

export function compilePath(text: string): CompiledPath {
  registerDomainFunctions();
  let base = "@";
  let expression = text;
  const reference = REFERENCE.exec(text);
  if (reference) {
    base = reference[1]!;
    expression = text.slice(reference[0].length) || "@";
  }
  let ast: ExpressionNode;
  try {
    ast = compile(expression);
  } catch (error) {
    throw new PathSyntaxError(`invalid JMESPath expression "${text}": ${(error as Error).message}`);
  }
  const traceable = isTraceable(ast);
  const called = calledOnElement(ast as unknown as Node);
  const calledOnKnown = called && calledOnElement(ast as unknown as Node, functionOfOneKnownValue);
  const calledWithArguments = called ? undefined : calledWithLiterals(ast as unknown as Node);
  const calledOnString =
    called || calledWithArguments
      ? undefined
      : calledWithLiterals(ast as unknown as Node, stringFunctionWithArguments);
  const opaque = (value: JsonValue, scope: PathScope): JsonValue => {
    if (called) return (scope.mayHoldUnknowns === true ? called : calledOnKnown!)(value) ?? null;
    // These functions do not judge unknowns themselves: the interpreter that looks for them does.
    if (calledWithArguments && scope.mayHoldUnknowns !== true) return calledWithArguments(value) ?? null;
    // A string holds no unknown value; anything else is for the interpreter to refuse.
    if (calledOnString && typeof value === "string") return calledOnString(value) ?? null;
    return search(ast, value, scope);
  };
  const selector = traceable ? compileSelector(ast as unknown as Node) : undefined;
  const tracer = traceable ? compileTracer(ast as unknown as Node) : undefined;
  const walker = traceable ? compileWalker(ast as unknown as Node) : undefined;
  const locator = traceable ? compileLocator(ast as unknown as Node) : undefined;
  return {
    text,
    base,
    firstField: readsRoot(ast) ? undefined : firstFieldOf(ast as unknown as Node),
    evaluate(current, scope) {
      const start = resolveBase(base, current, scope);
      if (tracer) return tracer(start, scope.mayHoldUnknowns === true);
      const value = opaque(start.value, scope);
      const path = joinOpaque(start.path, expression);
      return Array.isArray(value)
        ? {
            value,
            path,
            elements: value.map((element, index) => ({ value: element, path: `${path}[${index}]` })),
          }
        : { value, path };
    },
    locate(current, scope) {
      const start = resolveBase(base, current, scope);
      if (locator) return locator(start, scope.mayHoldUnknowns === true);
      return { value: opaque(start.value, scope), path: joinOpaque(start.path, expression) };
    },
    valueOf(current, scope) {
      const start = baseValue(base, current, scope);
      return selector ? selector(start, scope.mayHoldUnknowns === true) : opaque(start, scope);
    },
    each(current, scope, visit) {
      const start = baseValue(base, current, scope);
      if (walker) return walker(start, scope.mayHoldUnknowns === true, visit);
      const value = opaque(start, scope);
      if (!Array.isArray(value)) return value;
      for (const element of value) if (visit(element)) break;
      return LISTED;
    },
  };
}

/**
 * A domain function of one value called on the element itself (`port_range(@)`): what the
 * interpreter would call, without its dispatch and argument checks (the function takes any value,
 * and judges unknowns itself).
 */
function calledOnElement(
  node: Node,
  given: (name: string) => ((value: JsonValue) => JsonValue) | undefined = functionOfOneValue,
): ((value: JsonValue) => JsonValue) | undefined {
  if (node.type !== "Function") return undefined;
  const children = node.children as Node[];
  if (children.length !== 1 || (children[0]!.type !== "Current" && children[0]!.type !== "Identity")) {
    return undefined;
  }
  return given(node.name as string);
}

/**
 * A domain function called on the element with literal arguments (`condition_values(@, 'key',
 * ['StringEquals'])`): the interpreter would evaluate the same arguments for every element.
 */
function calledWithLiterals<Subject extends JsonValue>(
  node: Node,
  given: (
    name: string,
    args: readonly JsonValue[],
  ) => ((value: Subject) => JsonValue) | undefined = functionWithArguments,
): ((value: Subject) => JsonValue) | undefined {
  if (node.type !== "Function") return undefined;
  const [first, ...rest] = node.children as Node[];
  if (first === undefined || (first.type !== "Current" && first.type !== "Identity")) return undefined;
  const args: JsonValue[] = [];
  for (const child of rest) {
    const literal = literalValue(child);
    if (literal === undefined) return undefined;
    args.push(literal);
  }
  return given(node.name as string, args);
}

/** The value of a literal argument (`'text'`, a list of them), whatever the element. */
function literalValue(node: Node): JsonValue | undefined {
  if (node.type === "Literal") return node.value as JsonValue;
  if (node.type !== "MultiSelectList") return undefined;
  const items: JsonValue[] = [];
  for (const child of node.children as Node[]) {
    const item = literalValue(child);
    if (item === undefined) return undefined;
    items.push(item);
  }
  return items;
}

function search(ast: ExpressionNode, value: JsonValue, scope: PathScope): JsonValue {
  return scope.mayHoldUnknowns
    ? searchWithUnknowns(ast, value)
    : (TreeInterpreter.search(ast, value) ?? null);
}

/** A filter's condition on one element; with unknowns, an undecided one keeps an unknown in its place. */
function filterKeeps(condition: ExpressionNode, item: JsonValue, unknowns: boolean): boolean {
  return isTruthy(unknowns ? searchWithUnknowns(condition, item) : TreeInterpreter.search(condition, item));
}

function resolveBase(base: string, current: Located, scope: PathScope): Located {
  switch (base) {
    case "@":
      return current;
    case "root":
      return scope.root;
    case "params":
      return { value: scope.params, path: "$params" };
    default: {
      const bound = lookup(scope.bindings, base);
      if (!bound) throw new Error(`"$${base}" is not bound here`);
      return bound;
    }
  }
}

/** The value a path starts from, without its place: the fast readings need no more. */
function baseValue(base: string, current: Located, scope: PathScope): JsonValue {
  return base === "params" ? scope.params : resolveBase(base, current, scope).value;
}

export function lookup(bindings: Binding | null, name: string): Located | undefined {
  for (let binding = bindings; binding !== null; binding = binding.outer) {
    if (binding.name === name) return binding.element;
  }
  return undefined;
}

/** The scope inside a quantifier's element: the same resource, one more bound name. */
export function bind(scope: PathScope, name: string, element: Located): PathScope {
  return {
    root: scope.root,
    params: scope.params,
    bindings: { name, element, outer: scope.bindings },
    mayHoldUnknowns: scope.mayHoldUnknowns,
    memo: scope.memo,
  };
}

const segments = new Map<string, string>();

function joinField(path: string, name: string): string {
  let segment = segments.get(name);
  if (segment === undefined) {
    segment = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : JSON.stringify(name);
    segments.set(name, segment);
  }
  return path ? `${path}.${segment}` : segment;
}

function joinOpaque(path: string, expression: string): string {
  if (expression === "@") return path;
  return path ? `${path}.(${expression})` : expression;
}

type Node = { type: string; [key: string]: unknown };

const TRACEABLE_TYPES = new Set([
  "Field",
  "Subexpression",
  "IndexExpression",
  "Index",
  "Projection",
  "Flatten",
  "FilterProjection",
  "Identity",
  "Current",
]);

function isTraceable(node: unknown): boolean {
  if (node === null || typeof node !== "object") return true;
  const typed = node as Node;
  if (!TRACEABLE_TYPES.has(typed.type)) return false;
  // A filter's condition is evaluated by the interpreter; only the selected elements need paths.
  if (typed.type === "FilterProjection") return isTraceable(typed.left) && isTraceable(typed.right);
  return Object.entries(typed).every(([key, child]) => key === "type" || isTraceable(child));
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

type Tracer = (input: Selection, unknowns: boolean) => Selection;

/**
 * Evaluates the traceable subset of JMESPath with paths. Projections return `elements`, and the
 * right-hand side of a projection is applied to each element, as the JMESPath specification does.
 * Turned into closures once per path, as `compileSelector` is: a chain of fields is one loop that
 * makes one path, not one per field.
 */
function compileTracer(node: Node): Tracer {
  // Only fields: `@` inside a chain (`@.A`) stops at a null input without naming the field.
  const fields = fieldChain(node);
  if (fields !== undefined && fields.length > 0 && !readsCurrent(node)) return fieldChainTracer(fields);
  switch (node.type) {
    case "Identity":
    case "Current":
      return (input) => input;
    case "Subexpression": {
      const left = compileTracer(node.left as Node);
      const right = compileTracer(node.right as Node);
      return (input, unknowns) => {
        const selected = left(input, unknowns);
        if (selected.value === null) return selected;
        return right(selected, unknowns);
      };
    }
    case "IndexExpression": {
      const left = compileTracer(node.left as Node);
      const right = compileTracer(node.right as Node);
      return (input, unknowns) => right(left(input, unknowns), unknowns);
    }
    case "Index": {
      const wanted = node.value as number;
      return (input) => {
        if (isUnknown(input.value)) return { value: input.value, path: input.path };
        if (!Array.isArray(input.value)) return { value: null, path: input.path };
        const index = wanted < 0 ? wanted + input.value.length : wanted;
        return { value: input.value[index] ?? null, path: `${input.path}[${index}]` };
      };
    }
    case "Flatten": {
      const childTracer = compileTracer(node.child as Node);
      return (input, unknowns) => {
        const child = childTracer(input, unknowns);
        if (isUnknown(child.value)) return { value: child.value, path: child.path };
        if (!Array.isArray(child.value)) return { value: null, path: child.path };
        const list = child.value;
        const sources = child.elements;
        // Most lists hold no list, and flattening one would only copy it: explaining a failure
        // traces every element of a list, and a list grown by pushing reserves 16 places. The list
        // is the resource's own, as any value a path selects is.
        if (!list.some(Array.isArray)) {
          if (sources !== undefined) return child;
          const path = child.path;
          return {
            value: list,
            path,
            elements: list.map((value, index) => ({ value, path: `${path}[${index}]` })),
          };
        }
        // The values and their places in one pass: explaining a failure lists every element.
        const values: JsonValue[] = [];
        const elements: Located[] = [];
        const count = list.length;
        for (let index = 0; index < count; index++) {
          const value = list[index]!;
          if (Array.isArray(value)) {
            const path = sources === undefined ? `${child.path}[${index}]` : sources[index]!.path;
            for (let inner = 0; inner < value.length; inner++) {
              values.push(value[inner]!);
              elements.push({ value: value[inner]!, path: `${path}[${inner}]` });
            }
          } else {
            values.push(value);
            elements.push(
              sources === undefined ? { value, path: `${child.path}[${index}]` } : sources[index]!,
            );
          }
        }
        return { value: values, path: child.path, elements };
      };
    }
    case "Projection":
    case "FilterProjection": {
      const leftTracer = compileTracer(node.left as Node);
      const right = compileTracer(node.right as Node);
      const condition = node.type === "FilterProjection" ? (node.condition as ExpressionNode) : undefined;
      // `A[]`: projecting a flattened list onto its elements only drops its nulls.
      const onItself = condition === undefined && (node.right as Node).type === "Identity";
      return (input, unknowns) => {
        const left = leftTracer(input, unknowns);
        if (isUnknown(left.value)) return { value: left.value, path: left.path };
        if (!Array.isArray(left.value)) return { value: null, path: left.path };
        const sources = left.elements;
        if (onItself && sources !== undefined && !left.value.includes(null)) return left;
        const count = sources === undefined ? left.value.length : sources.length;
        const elements: Located[] = [];
        for (let index = 0; index < count; index++) {
          const source =
            sources === undefined
              ? { value: left.value[index]!, path: `${left.path}[${index}]` }
              : sources[index]!;
          if (condition && !filterKeepsTraced(condition, source, unknowns, elements)) continue;
          // What the right-hand side gives is one element, a list too when it projects again
          // (`A[*].B[*]` keeps a list per element, as JMESPath does; only `[]` flattens).
          const projected = right(source, unknowns);
          if (projected.value === null) continue;
          elements.push(
            projected.elements === undefined ? projected : { value: projected.value, path: projected.path },
          );
        }
        return { value: elements.map((element) => element.value), path: left.path, elements };
      };
    }
    default:
      throw new Error(`untraceable expression node ${node.type}`);
  }
}

type Locator = (input: Located, unknowns: boolean) => Located;

/**
 * What the tracer finds, without the place of each element: `A[]` and `A[].B.C`, the lists
 * tests judge whole, are read where they lie; other forms are traced and their elements dropped.
 */
function compileLocator(node: Node): Locator {
  const fields = fieldChain(node);
  if (fields !== undefined && fields.length > 0 && !readsCurrent(node)) return fieldChainTracer(fields);
  if (node.type === "Flatten") {
    const child = compileLocator(node.child as Node);
    return (input, unknowns) => {
      const list = child(input, unknowns);
      if (isUnknown(list.value)) return { value: list.value, path: list.path };
      if (!Array.isArray(list.value)) return { value: null, path: list.path };
      const values: JsonValue[] = [];
      for (const item of list.value) {
        if (Array.isArray(item)) for (const inner of item) values.push(inner);
        else values.push(item);
      }
      return { value: values, path: list.path };
    };
  }
  const projected = node.type === "Projection" ? fieldChain(node.right as Node) : undefined;
  if (projected !== undefined && projected.length > 0 && !readsCurrent(node.right as Node)) {
    const left = compileLocator(node.left as Node);
    const read = fieldChainValue(projected);
    return (input, unknowns) => {
      const list = left(input, unknowns);
      if (isUnknown(list.value)) return { value: list.value, path: list.path };
      if (!Array.isArray(list.value)) return { value: null, path: list.path };
      const values: JsonValue[] = [];
      for (const item of list.value) {
        const value = read(item);
        if (value !== null) values.push(value);
      }
      return { value: values, path: list.path };
    };
  }
  const tracer = compileTracer(node);
  return (input, unknowns) => {
    const selection = tracer(input, unknowns);
    return selection.elements === undefined ? selection : { value: selection.value, path: selection.path };
  };
}

/** The value `fieldChainTracer` finds, without its path. */
function fieldChainValue(fields: readonly string[]): (value: JsonValue) => JsonValue {
  return (value) => {
    let at = value;
    for (let index = 0; index < fields.length; index++) {
      if (isUnknown(at)) return at;
      const field: JsonValue | undefined = isObject(at) ? at[fields[index]!] : undefined;
      if (field === undefined || field === null) return null;
      at = field;
    }
    return at;
  };
}

function readsCurrent(node: Node): boolean {
  if (node.type === "Identity" || node.type === "Current") return true;
  if (node.type !== "Subexpression") return false;
  return readsCurrent(node.left as Node) || readsCurrent(node.right as Node);
}

/**
 * `A.B.C` with its path. Reading stops at the first field that is missing or null, whose path it
 * names; an unknown value is where its own path says, whatever is asked of it.
 */
function fieldChainTracer(fields: readonly string[]): Tracer {
  // The path below the input after each field: `A`, `A.B`, `A.B.C`.
  const below: string[] = [];
  for (const name of fields) below.push(joinField(below.at(-1) ?? "", name));
  const pathAfter = (input: Selection, count: number): string => {
    if (count === 0) return input.path;
    return input.path ? `${input.path}.${below[count - 1]!}` : below[count - 1]!;
  };
  return (input) => {
    let at = input.value;
    for (let index = 0; index < fields.length; index++) {
      if (isUnknown(at)) return { value: at, path: pathAfter(input, index) };
      const field: JsonValue | undefined = isObject(at) ? at[fields[index]!] : undefined;
      if (field === undefined || field === null) return { value: null, path: pathAfter(input, index + 1) };
      at = field;
    }
    return { value: at, path: pathAfter(input, fields.length) };
  };
}

/**
 * Whether a filter keeps a traced element. An element whose membership cannot be decided is
 * added to `elements` as an unknown at its own path, and not projected further.
 */
function filterKeepsTraced(
  condition: ExpressionNode,
  source: Located,
  unknowns: boolean,
  elements: Located[],
): boolean {
  if (!unknowns) return isTruthy(TreeInterpreter.search(condition, source.value));
  if (isUnknown(source.value)) {
    elements.push(source);
    return false;
  }
  try {
    return filterKeeps(condition, source.value, true);
  } catch (error) {
    if (!(error instanceof UnknownValueError)) throw error;
    elements.push({ value: unknownValue(error.reason), path: source.path });
    return false;
  }
}

/**
 * The same subset as `trace`, values only: the fast path that decides most resources. It must
 * agree with `trace` and with the JMESPath interpreter; the tests compare all three.
 */
export function select(node: Node, value: JsonValue, unknowns = false): JsonValue {
  switch (node.type) {
    case "Identity":
    case "Current":
      return value;
    case "Field": {
      if (!isObject(value)) return null;
      const field = value[node.name as string];
      // Only a missing field can be a field of an unknown: a found one costs nothing more.
      if (field !== undefined) return field;
      return isUnknown(value) ? value : null;
    }
    case "Subexpression": {
      const left = select(node.left as Node, value, unknowns);
      return left === null ? null : select(node.right as Node, left, unknowns);
    }
    case "IndexExpression":
      return select(node.right as Node, select(node.left as Node, value, unknowns), unknowns);
    case "Index": {
      if (!Array.isArray(value)) return isUnknown(value) ? value : null;
      const index = node.value as number;
      return value[index < 0 ? index + value.length : index] ?? null;
    }
    case "Flatten": {
      const child = select(node.child as Node, value, unknowns);
      if (!Array.isArray(child)) return isUnknown(child) ? child : null;
      const flattened: JsonValue[] = [];
      for (const item of child) {
        if (Array.isArray(item)) flattened.push(...item);
        else flattened.push(item);
      }
      return flattened;
    }
    case "Projection":
    case "FilterProjection": {
      const left = select(node.left as Node, value, unknowns);
      if (!Array.isArray(left)) return isUnknown(left) ? left : null;
      const condition = node.type === "FilterProjection" ? (node.condition as ExpressionNode) : undefined;
      const right = node.right as Node;
      const projected: JsonValue[] = [];
      for (const item of left) {
        if (condition) {
          const kept = unknowns
            ? selectFiltered(condition, item)
            : isTruthy(TreeInterpreter.search(condition, item));
          if (kept !== true) {
            if (kept !== false) projected.push(kept);
            continue;
          }
        }
        const result = right.type === "Identity" ? item : select(right, item, unknowns);
        if (result !== null) projected.push(result);
      }
      return projected;
    }
    default:
      throw new Error(`unselectable expression node ${node.type}`);
  }
}

type Selector = (value: JsonValue, unknowns: boolean) => JsonValue;

/**
 * `select` turned into closures once per path, so that judging a resource does not dispatch on
 * node types: a chain of fields (`Content.inputs.kmsKeyId`, the most common path) is one loop.
 * It must agree with `select`; the tests compare them.
 */
function compileSelector(node: Node): Selector {
  const fields = fieldChain(node);
  if (fields !== undefined) {
    if (fields.length === 0) return (value) => value;
    if (fields.length === 1) {
      const name = fields[0]!;
      return (value) => {
        if (!isObject(value)) return null;
        const field = value[name];
        if (field !== undefined) return field;
        return isUnknown(value) ? value : null;
      };
    }
    return (value) => {
      let at = value;
      for (let index = 0; index < fields.length; index++) {
        const name = fields[index]!;
        if (!isObject(at)) return null;
        const field: JsonValue | undefined = at[name];
        // Only a missing field can be a field of an unknown: a found one costs nothing more.
        if (field === undefined) return isUnknown(at) ? at : null;
        if (field === null) return null;
        at = field;
      }
      return at;
    };
  }
  switch (node.type) {
    case "Subexpression": {
      const left = compileSelector(node.left as Node);
      const right = compileSelector(node.right as Node);
      return (value, unknowns) => {
        const selected = left(value, unknowns);
        return selected === null ? null : right(selected, unknowns);
      };
    }
    case "IndexExpression": {
      const left = compileSelector(node.left as Node);
      const right = compileSelector(node.right as Node);
      return (value, unknowns) => right(left(value, unknowns), unknowns);
    }
    case "Index": {
      const index = node.value as number;
      return (value) => {
        if (!Array.isArray(value)) return isUnknown(value) ? value : null;
        return value[index < 0 ? index + value.length : index] ?? null;
      };
    }
    case "Flatten":
    case "Projection":
    case "FilterProjection": {
      const walk = compileWalker(node);
      // The list being collected, beside the selector (see `compileWalker`).
      let collected: JsonValue[] = [];
      const collect = (element: JsonValue): boolean => {
        collected.push(element);
        return false;
      };
      return (value, unknowns) => {
        const outer = collected;
        const list: JsonValue[] = (collected = []);
        let outcome: JsonValue | typeof LISTED;
        try {
          outcome = walk(value, unknowns, collect);
        } finally {
          collected = outer;
        }
        return outcome === LISTED ? list : outcome;
      };
    }
    default:
      throw new Error(`unselectable expression node ${node.type}`);
  }
}

/** Whether the expression reads its input as a whole from anywhere inside it (`$`, JMESPath's root). */
function readsRoot(node: unknown): boolean {
  if (node === null || typeof node !== "object") return false;
  if (Array.isArray(node)) return node.some(readsRoot);
  if ((node as Node).type === "Root") return true;
  return Object.values(node).some(readsRoot);
}

/**
 * The field an expression reads first: every form that reads its left side (or child) first and
 * then only inside what that gave, down to a field. Anything else (`@`, functions, multi-selects,
 * comparisons) may read the whole input.
 */
function firstFieldOf(node: Node): string | undefined {
  switch (node.type) {
    case "Field":
      return node.name as string;
    case "Subexpression":
    case "IndexExpression":
    case "Projection":
    case "FilterProjection":
      return firstFieldOf(node.left as Node);
    case "Flatten":
      return firstFieldOf(node.child as Node);
    default:
      return undefined;
  }
}

/** The field names of `A.B.C` (none for `@`), or undefined when the node is not such a chain. */
function fieldChain(node: Node): string[] | undefined {
  switch (node.type) {
    case "Identity":
    case "Current":
      return [];
    case "Field":
      return [node.name as string];
    case "Subexpression": {
      const left = fieldChain(node.left as Node);
      const right = left && fieldChain(node.right as Node);
      return left && right ? [...left, ...right] : undefined;
    }
    default:
      return undefined;
  }
}

type Visit = (element: JsonValue) => boolean;

type Walker = (value: JsonValue, unknowns: boolean, visit: Visit) => JsonValue | typeof LISTED;

const stopAtFirst: Visit = () => true;

/**
 * The elements `select` would collect for a projection or flattening, handed to `visit` one by
 * one where they lie in the resource, in the same order; quantifiers stop at the element that
 * decides. Any other node selects its value, and a list is walked.
 */
function compileWalker(node: Node): Walker {
  switch (node.type) {
    case "Flatten": {
      const childNode = node.child as Node;
      if (!walksElements(childNode)) {
        // `A.B[]`: the list is where the selector finds it, and its items are visited there,
        // without a visitor between the list and the quantifier.
        const selector = compileSelector(childNode);
        return (value, unknowns, visit) => {
          const selected = selector(value, unknowns);
          if (!Array.isArray(selected)) return isUnknown(selected) ? selected : null;
          for (const item of selected) {
            if (!Array.isArray(item)) {
              if (visit(item)) return LISTED;
            } else {
              for (const inner of item) if (visit(inner)) return LISTED;
            }
          }
          return LISTED;
        };
      }
      const child = compileWalker(childNode);
      // The visitor of the walk under way, kept beside the walker rather than captured by a new
      // function on every call; restored afterwards, so a walk inside a walk would find its own.
      let visit: Visit = stopAtFirst;
      const visitItem = (item: JsonValue): boolean => {
        if (!Array.isArray(item)) return visit(item);
        for (const inner of item) if (visit(inner)) return true;
        return false;
      };
      return (value, unknowns, visitor) => {
        const outer = visit;
        visit = visitor;
        let outcome: JsonValue | typeof LISTED;
        try {
          outcome = child(value, unknowns, visitItem);
        } finally {
          visit = outer;
        }
        if (outcome === LISTED) return LISTED;
        return isUnknown(outcome) ? outcome : null;
      };
    }
    case "Projection":
    case "FilterProjection": {
      const left = compileWalker(node.left as Node);
      const condition = node.type === "FilterProjection" ? (node.condition as ExpressionNode) : undefined;
      const rightNode = node.right as Node;
      const right = rightNode.type === "Identity" ? undefined : compileSelector(rightNode);
      // As for `Flatten`: the walk under way, without a new function per call.
      let visit: Visit = stopAtFirst;
      let unknowns = false;
      const visitItem = (item: JsonValue): boolean => {
        if (condition) {
          const kept = unknowns
            ? selectFiltered(condition, item)
            : isTruthy(TreeInterpreter.search(condition, item));
          if (kept !== true) return kept !== false ? visit(kept) : false;
        }
        const projected = right ? right(item, unknowns) : item;
        return projected !== null ? visit(projected) : false;
      };
      return (value, withUnknowns, visitor) => {
        const outerVisit = visit;
        const outerUnknowns = unknowns;
        visit = visitor;
        unknowns = withUnknowns;
        let outcome: JsonValue | typeof LISTED;
        try {
          outcome = left(value, withUnknowns, visitItem);
        } finally {
          visit = outerVisit;
          unknowns = outerUnknowns;
        }
        if (outcome === LISTED) return LISTED;
        return isUnknown(outcome) ? outcome : null;
      };
    }
    default: {
      const selector = compileSelector(node);
      return (value, unknowns, visit) => {
        const selected = selector(value, unknowns);
        if (!Array.isArray(selected)) return selected;
        for (const element of selected) if (visit(element)) break;
        return LISTED;
      };
    }
  }
}

/** Whether the node's walker visits the elements of a projection or flattening (not a selector's list). */
function walksElements(node: Node): boolean {
  return node.type === "Flatten" || node.type === "Projection" || node.type === "FilterProjection";
}

/** Whether a filter keeps an element, or the unknown that stands for it when that is not known. */
function selectFiltered(condition: ExpressionNode, item: JsonValue): boolean | UnknownValue {
  if (isUnknown(item)) return item;
  try {
    return filterKeeps(condition, item, true);
  } catch (error) {
    if (!(error instanceof UnknownValueError)) throw error;
    return unknownValue(error.reason);
  }
}

/** JMESPath truthiness: false, null, empty string, array and object are false. */
export function isTruthy(value: JsonValue | undefined): boolean {
  if (value === null || value === undefined || value === false || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}
