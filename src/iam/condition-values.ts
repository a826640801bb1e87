import { operatorIdentity, operatorKeys } from "./conditions.js";
import { normalizedAnywhere } from "./statements.js";

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
  return conditionEntries(statement, [key], operators).flatMap((entry) => entry.Values);
}

/** One key of a statement's `Condition` under one operator, with the values it lists. */
export interface ConditionEntry {
  Operator: string;
  Key: string;
  Values: string[];
}

/**
 * The keys a statement's `Condition` tests under some operators, each with its values, for keys
 * that carry a name of their own after a slash (`ssm:resourceTag/Team`): a key written with a
 * trailing `*` (`ssm:resourceTag/*`) stands for every key that begins with what precedes it. Each
 * operator and key of the condition is one entry, so values listed for one tag are not mixed with
 * another's. Comparisons ignore case, as in `conditionValues`.
 */
export function conditionEntries(
  statement: unknown,
  keys: readonly string[],
  operators: readonly string[],
): ConditionEntry[] {
  return conditionEntriesReader(keys, operators)(statement);
}

/**
 * `conditionEntries` for fixed keys and operators, read once: a rule asks the same of every
 * statement.
 */
export function conditionEntriesReader(
  keys: readonly string[],
  operators: readonly string[],
): (statement: unknown) => ConditionEntry[] {
  const wanted = operatorKeys(operators);
  const matchers = keys.map((key) => {
    const lower = key.toLowerCase();
    return lower.endsWith("*")
      ? (candidate: string) => candidate.startsWith(lower.slice(0, -1))
      : (candidate: string) => candidate === lower;
  });
  return (statement) => {
    const condition = normalizedAnywhere(statement)?.Condition;
    if (condition === undefined) return [];
    const entries: ConditionEntry[] = [];
    // The condition's records are the statement's own normalized ones, so every key is its own.
    for (const operatorName in condition) {
      const operator = operatorIdentity(operatorName);
      if (operator === undefined || !wanted.has(operator.key)) continue;
      const listedKeys = condition[operatorName]!;
      for (const conditionKey in listedKeys) {
        const lower = conditionKey.toLowerCase();
        if (matchers.some((matches) => matches(lower)))
          entries.push({ Operator: operatorName, Key: conditionKey, Values: [...listedKeys[conditionKey]!] });
      }
    }
    return entries;
  };
}
