/**
 * Condition blocks. Rules ask whether a statement carries a particular safeguard, such as
 * `"BoolIfExists": {"ssm:SessionDocumentAccessCheck": "true"}`; they do not evaluate conditions
 * against a request.
 */

import { normalizeStatement } from "./statements.js";

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
  const condition = normalizeStatement(statement)?.Condition;
  if (condition === undefined) return false;
  const wantedOperators = (Array.isArray(test.operator) ? test.operator : [test.operator])
    .map(parseConditionOperator)
    .filter((operator): operator is ParsedConditionOperator => operator !== undefined);
  const wantedKey = String(test.key).toLowerCase();
  const wantedValues = test.values?.map(String);

  for (const [operatorName, keys] of Object.entries(condition)) {
    const operator = parseConditionOperator(operatorName);
    if (operator === undefined || !wantedOperators.some((wanted) => sameOperator(wanted, operator))) continue;
    const ignoreCase = operator.base.toLowerCase() === "bool";
    for (const [key, values] of Object.entries(keys)) {
      if (key.toLowerCase() !== wantedKey) continue;
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
