/**
 * Condition blocks. Rules ask whether a statement carries a particular safeguard, such as
 * `"BoolIfExists": {"ssm:SessionDocumentAccessCheck": "true"}`; they do not evaluate conditions
 * against a request.
 */

import { normalizedAnywhere } from "./statements.js";

export type SetQualifier = "ForAnyValue" | "ForAllValues";

/** A condition operator name taken apart: `ForAnyValue:StringLikeIfExists` has all three pieces. */
export interface ParsedConditionOperator {
  setQualifier?: SetQualifier;
  /** The operator proper, as written: `StringLike`, `Bool`, `NumericLessThan`. */
  base: string;
  ifExists: boolean;
}

export interface ConditionTest {
  /** Operators written in full; `StringEquals` does not also accept `StringEqualsIfExists`. */
  operator: string | string[];
  key: string;
  /** When given, the condition must list at least one of these values. */
  values?: string[];
}

const QUALIFIED_OPERATOR = /^(ForAnyValue|ForAllValues):(.*)$/i;
const IF_EXISTS_SUFFIX = /IfExists$/i;
const OPERATOR_NAME = /^[A-Za-z]+$/;

/** Takes an operator name apart, or returns `undefined` when it is not shaped like one. */
export function parseConditionOperator(name: string): ParsedConditionOperator | undefined {
  if (typeof name !== "string") return undefined;
  let rest = name;
  let setQualifier: SetQualifier | undefined;
  const qualified = QUALIFIED_OPERATOR.exec(name);
  if (qualified !== null) {
    setQualifier = qualified[1]?.toLowerCase() === "foranyvalue" ? "ForAnyValue" : "ForAllValues";
    rest = qualified[2] ?? "";
  }
  const ifExists = IF_EXISTS_SUFFIX.test(rest);
  const base = ifExists ? rest.replace(IF_EXISTS_SUFFIX, "") : rest;
  if (!OPERATOR_NAME.test(base)) return undefined;
  return setQualifier === undefined ? { base, ifExists } : { setQualifier, base, ifExists };
}

/**
 * What tells an operator apart from the others, so that names compare as one string each:
 * `operatorIdentity(a) === operatorIdentity(b)` exactly when {@link sameOperator} holds for their
 * parsed forms. `undefined` for a name that is not shaped like an operator.
 */
export interface OperatorIdentity {
  key: string;
  /** The operator proper in lowercase: `bool`, `stringlike`. */
  base: string;
}

/**
 * The identity of an operator name. A policy set uses a handful of operator names across all its
 * statements, and rules ask about every statement: each name is taken apart once.
 */
export function operatorIdentity(name: string): OperatorIdentity | undefined {
  if (typeof name !== "string") return undefined;
  let identity = operatorIdentities.get(name);
  if (identity === undefined && !operatorIdentities.has(name)) {
    const parsed = parseConditionOperator(name);
    if (parsed !== undefined) {
      const base = parsed.base.toLowerCase();
      const key = `${parsed.setQualifier ?? ""}:${base}:${parsed.ifExists ? "IfExists" : ""}`;
      identity = Object.freeze({ key, base });
    }
    if (operatorIdentities.size >= OPERATOR_IDENTITY_LIMIT) operatorIdentities.clear();
    operatorIdentities.set(name, identity);
  }
  return identity;
}

const OPERATOR_IDENTITY_LIMIT = 1024;
const operatorIdentities = new Map<string, Readonly<OperatorIdentity> | undefined>();

/** The identities of the operators named, leaving out names that are not operators. */
export function operatorKeys(names: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const name of names) {
    const identity = operatorIdentity(name);
    if (identity !== undefined) keys.add(identity.key);
  }
  return keys;
}

/**
 * The identities of a test's operators. Rules pass the same list for every statement they ask
 * about, so the identities are kept by list, each checked against the names it was made from in
 * case the list has changed since.
 */
function wantedOperatorKeys(operator: string | readonly string[]): Set<string> {
  if (!Array.isArray(operator)) return operatorKeys([operator as string]);
  const names = operator as readonly string[];
  const kept = wantedByList.get(names);
  if (kept !== undefined && sameNames(kept.names, names)) return kept.keys;
  const keys = operatorKeys(names);
  wantedByList.set(names, { names: [...names], keys });
  return keys;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

const wantedByList = new WeakMap<readonly string[], { names: readonly string[]; keys: Set<string> }>();

/** Whether two parsed operators are the same, the operator name compared case-insensitively. */
export function sameOperator(a: ParsedConditionOperator, b: ParsedConditionOperator): boolean {
  return (
    a.setQualifier === b.setQualifier &&
    a.ifExists === b.ifExists &&
    a.base.toLowerCase() === b.base.toLowerCase()
  );
}

/**
 * Whether the statement's `Condition` has `test.key` (compared case-insensitively, as IAM does)
 * under one of `test.operator`, listing one of `test.values` when those are given. Values compare
 * as text and exactly, except under `Bool`, whose `"True"` and `"true"` IAM treats alike.
 */
export function hasCondition(statement: unknown, test: ConditionTest): boolean {
  const condition = normalizedAnywhere(statement)?.Condition;
  if (condition === undefined) return false;
  const wantedOperators = wantedOperatorKeys(test.operator);
  const wantedKey = String(test.key).toLowerCase();
  const wantedValues = test.values?.map(String);

  for (const operatorName in condition) {
    const operator = operatorIdentity(operatorName);
    if (operator === undefined || !wantedOperators.has(operator.key)) continue;
    const ignoreCase = operator.base === "bool";
    const keys = condition[operatorName]!;
    for (const key in keys) {
      if (key.toLowerCase() !== wantedKey) continue;
      const values = keys[key]!;
      if (wantedValues === undefined) return true;
      const found = values.some((value) =>
        wantedValues.some((wanted) =>
          ignoreCase ? value.toLowerCase() === wanted.toLowerCase() : value === wanted,
        ),
      );
      if (found) return true;
    }
  }
  return false;
}
