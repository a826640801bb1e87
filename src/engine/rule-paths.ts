import type { ResourceType } from "../model/resource.js";
import {
  ANY_SHAPE,
  documentShape,
  elementShape,
  PathShapeError,
  shapeOfPath,
  unionShape,
  type Shape,
} from "./path-shapes.js";

/**
 * Checks every path of a rule — `path` and `in` in its conditions, operands that are references,
 * message placeholders — against the shape of its resource types (`path-shapes.ts`), so that a
 * misspelt field is an error naming the rule's file and line when the rule is loaded.
 */

export interface PathProblem {
  pointer: (string | number)[];
  message: string;
}

const REFERENCE = /^\$([A-Za-z][A-Za-z0-9]*)(?:\.|(?=\[)|$)/;
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)((?:[.[][^{}]*)?)\}/g;
const QUANTIFIERS = ["some", "every", "none"];
const PARAMS_FREE = new Set(["match", "params", "id", "type", "kind", "account", "region", "arn"]);

interface Scope {
  root: Shape;
  current: Shape;
  bindings: ReadonlyMap<string, Shape>;
}

export function checkRulePaths(
  definition: {
    condition: unknown;
    "applies-when"?: unknown;
    message?: string;
    messages?: Record<string, string>;
  },
  types: readonly ResourceType[],
): PathProblem | undefined {
  const root = documentShape(types);
  const bound = new Map<string, Shape[]>();
  const start: Scope = { root, current: root, bindings: new Map() };
  try {
    walk(definition.condition, start, ["condition"], bound);
    if (definition["applies-when"] !== undefined)
      walk(definition["applies-when"], start, ["applies-when"], bound);
    const templates: [(string | number)[], string][] = definition.messages
      ? Object.entries(definition.messages).map(([id, text]) => [["messages", id], text])
      : definition.message !== undefined
        ? [[["message"], definition.message]]
        : [];
    for (const [pointer, text] of templates) {
      for (const found of text.matchAll(PLACEHOLDER)) {
        const [whole, name, rest] = found as unknown as [string, string, string];
        const base = name === "resource" ? root : bound.has(name) ? unionShape(bound.get(name)!) : undefined;
        if (base === undefined || !rest || PARAMS_FREE.has(name)) continue;
        check(rest.startsWith(".") ? rest.slice(1) : `@${rest}`, base, pointer, `placeholder ${whole}`);
      }
    }
  } catch (error) {
    if (error instanceof PointedProblem) return { pointer: error.pointer, message: error.message };
    throw error;
  }
  return undefined;
}

class PointedProblem extends Error {
  constructor(
    message: string,
    readonly pointer: (string | number)[],
  ) {
    super(message);
  }
}

function check(expression: string, input: Shape, pointer: (string | number)[], what: string): Shape {
  try {
    return shapeOfPath(expression, input);
  } catch (error) {
    if (error instanceof PathShapeError) {
      throw new PointedProblem(`${what} cannot select anything in the resource: ${error.message}`, pointer);
    }
    throw error;
  }
}

/** The shape a path of the condition selects: after its reference, if it has one. */
function pathShape(text: string, scope: Scope, pointer: (string | number)[]): Shape {
  const reference = REFERENCE.exec(text);
  let input = scope.current;
  let expression = text;
  if (reference) {
    const name = reference[1]!;
    expression = text.slice(reference[0].length) || "@";
    if (name === "root") input = scope.root;
    else if (name === "params") return ANY_SHAPE;
    else input = scope.bindings.get(name) ?? ANY_SHAPE;
  }
  return check(expression, input, pointer, `"${text}"`);
}

function walk(raw: unknown, scope: Scope, pointer: (string | number)[], bound: Map<string, Shape[]>): void {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return;
  const node = raw as Record<string, unknown>;
  for (const [key, value] of Object.entries(node)) {
    const at = [...pointer, key];
    if (key === "all" || key === "any") {
      if (Array.isArray(value)) value.forEach((child, index) => walk(child, scope, [...at, index], bound));
    } else if (key === "not") {
      walk(value, scope, at, bound);
    } else if (QUANTIFIERS.includes(key)) {
      const spec = value as { in?: unknown; as?: unknown; where?: unknown };
      if (typeof spec?.in !== "string") continue;
      const each = elementShape(pathShape(spec.in, scope, [...at, "in"]));
      const bindings = new Map(scope.bindings);
      if (typeof spec.as === "string") {
        bindings.set(spec.as, each);
        bound.set(spec.as, [...(bound.get(spec.as) ?? []), each]);
      }
      walk(spec.where, { ...scope, current: each, bindings }, [...at, "where"], bound);
    } else if (key === "path") {
      if (typeof value === "string") pathShape(value, scope, at);
    } else if (key !== "message") {
      checkOperand(value, scope, at);
    }
  }
}

/** Operands that are references (`$root.Allowed`, `$attached.GroupId`) are paths too. */
function checkOperand(value: unknown, scope: Scope, pointer: (string | number)[]): void {
  if (typeof value === "string") {
    if (REFERENCE.test(value)) pathShape(value, scope, pointer);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkOperand(item, scope, [...pointer, index]));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) checkOperand(item, scope, [...pointer, key]);
  }
}
