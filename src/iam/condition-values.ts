import { parseConditionOperator, type ParsedConditionOperator } from "./conditions.js";
import { normalizeStatement } from "./statements.js";

/**
 * The values a statement's `Condition` gives a key under some operators: for
 * `{"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}, "ForAnyValue:IpAddressIfExists": {"AWS:SOURCEIP": "::/0"}}`
 * and the operators `IpAddress` and `ForAnyValue:IpAddressIfExists`, both ranges. Operators are
 * written in full, as `has-condition` takes them (`IpAddress` does not also mean
 * `IpAddressIfExists`), and compared without regard to case; keys are compared without regard to
 * case, as IAM does; a single value and a list of values are the same. Values come back as text,
 * in the order the condition lists them.
 */
export function conditionValues(statement: unknown, key: string, operators: readonly string[]): string[] {
  const condition = normalizeStatement(statement)?.Condition;
  if (condition === undefined) return [];
  const wanted = operators
    .map(parseConditionOperator)
    .filter((operator): operator is ParsedConditionOperator => operator !== undefined);
  const wantedKey = key.toLowerCase();
  const values: string[] = [];
  for (const [operatorName, keys] of Object.entries(condition)) {
    const operator = parseConditionOperator(operatorName);
    if (operator === undefined || !wanted.some((candidate) => sameOperator(candidate, operator))) continue;
    for (const [conditionKey, listed] of Object.entries(keys)) {
      if (conditionKey.toLowerCase() === wantedKey) values.push(...listed);
    }
  }
  return values;
}

function sameOperator(a: ParsedConditionOperator, b: ParsedConditionOperator): boolean {
  return (
    a.setQualifier === b.setQualifier &&
    a.ifExists === b.ifExists &&
    a.base.toLowerCase() === b.base.toLowerCase()
  );
}
