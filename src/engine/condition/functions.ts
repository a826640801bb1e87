import { register, TYPE_ANY, TYPE_ARRAY_STRING, TYPE_STRING } from "@jmespath-community/jmespath";
import { conditionEntries, conditionValues } from "../../iam/condition-values.js";
import type { JsonValue } from "../../model/resource.js";
import { assertKnown } from "../../model/unknown.js";
import {
  describePolicyEntry,
  describeStatement,
  describeStatementPrincipals,
  describeStatementResources,
} from "../../iam/describe.js";
import { describePermissionSources, describePortRange } from "../operators/ports.js";

/**
 * Domain functions added to JMESPath, usable in paths and message placeholders:
 * `port_range(@)` describes a security-group permission ("tcp 22", "tcp 0-65535", "all traffic"),
 * `permission_sources(@)` the sources it opens to; `statement_name(@)` names an IAM statement
 * ("statement Sid", "a statement without a Sid"; an optional second argument replaces the noun),
 * `policy_name(@)` an entry of `related.Policies` ("policy P of group G"), `statement_resources(@)`
 * and `statement_principals(@)` what a statement covers. They hold the cases a message would
 * otherwise spell out with `&&` and `||`. `condition_values(@, key, operators)` lists the values an
 * IAM statement's `Condition` gives `key` under `operators` (a name or a list, written in full:
 * `IpAddress`, `ForAnyValue:StringLikeIfExists`), keys and operators compared without regard to case;
 * `condition_entries(@, keys, operators)` lists `{Operator, Key, Values}` per key, for keys given as
 * a name or a list of names, where a trailing `*` stands for any tag name (`ssm:resourceTag/*`).
 * The library keeps one registry per process, so this module registers once, on first import.
 */
let registered = false;

/**
 * Functions that read only some fields of their argument and check those for unknown values
 * themselves: an unknown source group does not keep `port_range` from naming the ports.
 */
const CHECKING_THEIR_OWN_UNKNOWNS: ReadonlySet<string> = new Set([
  "port_range",
  "permission_sources",
  "statement_name",
  "policy_name",
  "statement_resources",
  "statement_principals",
]);

export function checksOwnUnknowns(name: string): boolean {
  return CHECKING_THEIR_OWN_UNKNOWNS.has(name);
}

export function registerDomainFunctions(): void {
  if (registered) return;
  registered = true;
  register(
    "port_range",
    ([permission]) => {
      const value = permission as JsonValue;
      assertKnown(value);
      return describePortRange(value);
    },
    [{ types: [TYPE_ANY] }],
  );
  register(
    "permission_sources",
    ([permission]) => {
      const value = permission as JsonValue;
      assertKnown(value);
      return describePermissionSources(value);
    },
    [{ types: [TYPE_ANY] }],
  );
  register(
    "statement_name",
    ([statement, noun]) =>
      describeStatement(statement as JsonValue, (noun as string | undefined) ?? undefined),
    [{ types: [TYPE_ANY] }, { types: [TYPE_STRING], optional: true }],
  );
  register("policy_name", ([entry]) => describePolicyEntry(entry as JsonValue), [{ types: [TYPE_ANY] }]);
  register("statement_resources", ([statement]) => describeStatementResources(statement as JsonValue), [
    { types: [TYPE_ANY] },
  ]);
  register("statement_principals", ([statement]) => describeStatementPrincipals(statement as JsonValue), [
    { types: [TYPE_ANY] },
  ]);
  register(
    "condition_values",
    ([statement, key, operators]) =>
      conditionValues(
        statement,
        key as string,
        typeof operators === "string" ? [operators] : (operators as string[]),
      ),
    [{ types: [TYPE_ANY] }, { types: [TYPE_STRING] }, { types: [TYPE_STRING, TYPE_ARRAY_STRING] }],
  );
  register(
    "condition_entries",
    ([statement, keys, operators]) =>
      conditionEntries(
        statement,
        typeof keys === "string" ? [keys] : (keys as string[]),
        typeof operators === "string" ? [operators] : (operators as string[]),
      ) as unknown as JsonValue,
    [
      { types: [TYPE_ANY] },
      { types: [TYPE_STRING, TYPE_ARRAY_STRING] },
      { types: [TYPE_STRING, TYPE_ARRAY_STRING] },
    ],
  );
}
