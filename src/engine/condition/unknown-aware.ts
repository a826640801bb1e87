import { TreeInterpreter } from "@jmespath-community/jmespath";
import type { JsonValue } from "../../model/resource.js";
import { checksOwnUnknowns } from "./functions.js";
import {
  firstUnknown,
  isUnknown,
  UNKNOWN_KEY,
  unknownValue,
  UnknownValueError,
} from "../../model/unknown.js";

/**
 * The JMESPath interpreter for data that may hold unknown values (see `model/unknown.ts`).
 *
 * The plain interpreter reads an unknown marker as the object it is made of: a field of it is
 * null, it is truthy, it equals nothing, and a function such as `join` rejects it with a message
 * about types. Each of those would be a verdict on a value nobody knows, or an error that speaks
 * about the engine rather than the data. Here:
 *
 * - selecting into an unknown (a field, an index, a projection, a flattening) gives that unknown,
 *   so it reaches whatever reads it, and a list holding one keeps it as an element (a quantifier
 *   then decides on the known elements when they suffice);
 * - anything that would judge an unknown — a comparison, a truth test (`||`, `&&`, `!`, a
 *   ternary), a function argument holding one at any depth, arithmetic — throws
 *   `UnknownValueError` with its reason (domain functions that read only a few fields check
 *   those themselves: see `functions.ts`);
 * - a filter whose condition cannot be decided for an element keeps an unknown in its place.
 *
 * Everything else is the library's own evaluation: the library calls back into `visit` for
 * sub-expressions, so the rules above hold at every depth. Functions that take an expression
 * (`map`, `sort_by`) evaluate it with the plain interpreter, but their list argument has been
 * checked whole before they run.
 */

type Interpreter = typeof TreeInterpreter;
type Node = { type: string; [key: string]: unknown };

function requireKnown(value: unknown): void {
  const reason = firstUnknown(value);
  if (reason !== undefined) throw new UnknownValueError(reason);
}

function requireKnownTruth(value: unknown): void {
  if (isUnknown(value)) throw new UnknownValueError(value[UNKNOWN_KEY]);
}

function isFalse(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") {
    for (const _ in value) return false;
    return true;
  }
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => deepEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && deepEqual(left[key], right[key]))
  );
}

function compare(name: string, first: unknown, second: unknown): boolean | null {
  switch (name) {
    case "EQ":
      return deepEqual(first, second);
    case "NE":
      return !deepEqual(first, second);
  }
  if (typeof first !== "number" || typeof second !== "number") return null;
  switch (name) {
    case "GT":
      return first > second;
    case "GTE":
      return first >= second;
    case "LT":
      return first < second;
    default:
      return first <= second;
  }
}

const plain = TreeInterpreter;

function isSliceProjection(node: Node): boolean {
  const left = node.left as Node;
  return left.type === "IndexExpression" && (left.right as Node).type === "Slice";
}

function visitNode(interpreter: Interpreter, node: unknown, value: unknown): JsonValue {
  return interpreter.visit(node as never, value as never) as JsonValue;
}

export const unknownAwareInterpreter: Interpreter = Object.create(plain) as Interpreter;

unknownAwareInterpreter.visit = function visit(this: Interpreter, node, value) {
  const typed = node as unknown as Node;
  switch (typed.type) {
    case "Field":
    case "Index":
    case "Slice":
      if (isUnknown(value)) return value;
      break;
    case "Flatten": {
      const child = visitNode(this, typed.child, value);
      if (isUnknown(child)) return child;
      return Array.isArray(child) ? child.flat() : null;
    }
    case "Projection":
    case "ValueProjection": {
      if (typed.type === "Projection" && isSliceProjection(typed)) break;
      const base = visitNode(this, typed.left, value);
      if (isUnknown(base)) return base;
      const items =
        typed.type === "Projection"
          ? Array.isArray(base)
            ? base
            : null
          : base !== null && typeof base === "object" && !Array.isArray(base)
            ? Object.values(base)
            : null;
      if (items === null) return null;
      const collected: JsonValue[] = [];
      for (const item of items) {
        const projected = visitNode(this, typed.right, item);
        if (projected !== null) collected.push(projected);
      }
      return collected;
    }
    case "FilterProjection": {
      const base = visitNode(this, typed.left, value);
      if (isUnknown(base)) return base;
      if (!Array.isArray(base)) return null;
      const collected: JsonValue[] = [];
      for (const item of base) {
        let kept: boolean;
        try {
          const matched = visitNode(this, typed.condition, item);
          requireKnownTruth(matched);
          kept = !isFalse(matched);
        } catch (error) {
          if (!(error instanceof UnknownValueError)) throw error;
          // Whether this element belongs is not known: it stays, as an unknown.
          collected.push(isUnknown(item) ? item : unknownValue(error.reason));
          continue;
        }
        if (!kept) continue;
        const projected = visitNode(this, typed.right, item);
        if (projected !== null) collected.push(projected);
      }
      return collected;
    }
    case "Comparator": {
      const first = visitNode(this, typed.left, value);
      const second = visitNode(this, typed.right, value);
      requireKnown(first);
      requireKnown(second);
      return compare(typed.name as string, first, second);
    }
    case "OrExpression": {
      const left = visitNode(this, typed.left, value);
      requireKnownTruth(left);
      return isFalse(left) ? visitNode(this, typed.right, value) : left;
    }
    case "AndExpression": {
      const left = visitNode(this, typed.left, value);
      requireKnownTruth(left);
      return isFalse(left) ? left : visitNode(this, typed.right, value);
    }
    case "NotExpression": {
      const child = visitNode(this, typed.child, value);
      requireKnownTruth(child);
      return isFalse(child);
    }
    case "Ternary": {
      const condition = visitNode(this, typed.condition, value);
      requireKnownTruth(condition);
      return visitNode(this, isFalse(condition) ? typed.falseExpr : typed.trueExpr, value);
    }
    case "Function": {
      const args: JsonValue[] = [];
      const checked = !checksOwnUnknowns(typed.name as string);
      for (const child of typed.children as Node[]) {
        const arg = visitNode(this, child, value);
        if (checked) requireKnown(arg);
        args.push(arg);
      }
      return this.runtime.callFunction(typed.name as string, args);
    }
    case "Arithmetic": {
      requireKnown(visitNode(this, typed.left, value));
      requireKnown(visitNode(this, typed.right, value));
      break;
    }
    case "Unary":
      requireKnown(visitNode(this, typed.operand, value));
      break;
  }
  return plain.visit.call(this, node, value);
};

/** Evaluates a compiled expression on data that may hold unknowns. */
export function searchWithUnknowns(ast: Parameters<Interpreter["search"]>[0], value: JsonValue): JsonValue {
  return unknownAwareInterpreter.search(ast, value) ?? null;
}
