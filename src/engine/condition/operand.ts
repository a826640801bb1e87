import type { JsonValue } from "../../model/resource.js";
import { compilePath, type Located, type PathScope } from "./path.js";

/**
 * An operator's argument: a literal, or a reference resolved when the condition runs —
 * `$params.name`, `$root.path`, or `$name` / `$name.path` for an element bound by `as`.
 * Strings such as `${aws:username}` are IAM policy variables, not references, and stay literal.
 */
export type Operand = (current: Located, scope: PathScope) => JsonValue;

const REFERENCE = /^\$([A-Za-z][A-Za-z0-9]*)(?:[.[]|$)/;

export interface OperandContext {
  /** Names bound by enclosing quantifiers. */
  bindings: ReadonlySet<string>;
  params: ReadonlySet<string>;
  /**
   * Whether the test stands where its being false leans towards a pass (under `not`, in the
   * `where` of `none`): there a value the test cannot read must not count as "does not match".
   */
  negated?: boolean;
}

export class OperandError extends Error {}

export function compileOperand(raw: unknown, context: OperandContext): Operand {
  if (typeof raw === "string") {
    const reference = REFERENCE.exec(raw);
    if (reference) {
      checkReference(raw, reference[1]!, context);
      const path = compilePath(raw);
      // An argument is a value, not evidence: the fast reading, without paths, will do.
      return (current, scope) => path.valueOf(current, scope);
    }
  }
  if (Array.isArray(raw)) {
    const items = raw.map((item) => compileOperand(item, context));
    if (items.every((_, index) => !isReference(raw[index]))) return () => raw as JsonValue;
    return (current, scope) => items.map((item) => item(current, scope));
  }
  return () => raw as JsonValue;
}

function isReference(raw: unknown): boolean {
  return typeof raw === "string" && REFERENCE.test(raw);
}

/** Fails at load time on a reference to a parameter or name that does not exist. */
export function checkReference(text: string, name: string, context: OperandContext): void {
  if (name === "root") return;
  if (name === "params") {
    const param = /^\$params\.([A-Za-z][A-Za-z0-9]*)/.exec(text)?.[1];
    if (!param || !context.params.has(param)) {
      throw new OperandError(
        `"${text}" refers to a parameter the rule does not declare` +
          (context.params.size ? ` (declared: ${[...context.params].join(", ")})` : " (it declares none)"),
      );
    }
    return;
  }
  if (!context.bindings.has(name)) {
    const bound = [...context.bindings];
    throw new OperandError(
      `"${text}" refers to "$${name}", which no enclosing quantifier binds with "as"` +
        (bound.length ? ` (bound here: ${bound.map((b) => `$${b}`).join(", ")})` : ""),
    );
  }
}
