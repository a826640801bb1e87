import { register, TYPE_ANY, TYPE_ARRAY_STRING, TYPE_STRING } from "@jmespath-community/jmespath";
import { conditionEntries, conditionEntriesReader, conditionValues } from "../../iam/condition-values.js";
import type { JsonValue } from "../../model/resource.js";
import { assertKnown } from "../../model/unknown.js";
import {
  describePolicyEntry,
  describeStatement,
  describeStatementPrincipals,
  describeStatementResources,
} from "../../iam/describe.js";
import { describePermissionSources, describePortRange } from "../operators/ports.js";
import { describeSecurityGroup } from "../operators/security-group-name.js";

/**
 * Domain functions added to JMESPath, usable in paths and message placeholders:
 * `port_range(@)` describes a security-group permission ("tcp 22", "tcp 0-65535", "all traffic"),
 * `permission_sources(@)` the sources it opens to, `security_group_name(@)` a group ("sg-1 (web)");
 * `statement_name(@)` names an IAM statement
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
  "security_group_name",
  "statement_name",
  "policy_name",
  "statement_resources",
  "statement_principals",
]);

export function checksOwnUnknowns(name: string): boolean {
  return CHECKING_THEIR_OWN_UNKNOWNS.has(name);
}

/**
 * The functions of one value (`port_range(@)`, `policy_name(@)`, …), as the interpreter calls them.
 * A path that is one such call on its element is called directly (`path.ts`): messages name the
 * element of every failure this way, and the interpreter's dispatch would cost more than the call.
 */
const OF_ONE_VALUE: Readonly<Record<string, (value: JsonValue) => JsonValue>> = {
  port_range(value) {
    assertKnown(value);
    return describePortRange(value);
  },
  permission_sources(value) {
    assertKnown(value);
    return describePermissionSources(value);
  },
  security_group_name: (value) => describeSecurityGroup(value),
  statement_name: (value) => describeStatement(value, undefined),
  policy_name: (value) => describePolicyEntry(value),
  statement_resources: (value) => describeStatementResources(value),
  statement_principals: (value) => describeStatementPrincipals(value),
};

/**
 * The same functions on data that holds no unknown values (snapshots, accounts), which the engine
 * reads as known throughout: looking for unknowns in every field of a permission or statement
 * cost more than describing it, and a message names one for every failure.
 */
const OF_ONE_KNOWN_VALUE: Readonly<Record<string, (value: JsonValue) => JsonValue>> = {
  ...OF_ONE_VALUE,
  port_range: (value) => describePortRange(value),
  permission_sources: (value) => describePermissionSources(value, false),
  security_group_name: (value) => describeSecurityGroup(value, false),
  statement_name: (value) => describeStatement(value, undefined, false),
  policy_name: (value) => describePolicyEntry(value, false),
  statement_resources: (value) => describeStatementResources(value, false),
  statement_principals: (value) => describeStatementPrincipals(value, false),
};

/** The function `name` of one value, when it is one of the domain functions taking any value. */
export function functionOfOneValue(name: string): ((value: JsonValue) => JsonValue) | undefined {
  return Object.hasOwn(OF_ONE_VALUE, name) ? OF_ONE_VALUE[name] : undefined;
}

/** `functionOfOneValue` for data that holds no unknown values, where it need not look for them. */
export function functionOfOneKnownValue(name: string): ((value: JsonValue) => JsonValue) | undefined {
  return Object.hasOwn(OF_ONE_KNOWN_VALUE, name) ? OF_ONE_KNOWN_VALUE[name] : undefined;
}

/** A name, or a list of names, as `condition_values` and `condition_entries` take them. */
function names(value: JsonValue): string[] {
  return typeof value === "string" ? [value] : (value as string[]);
}

function isName(value: JsonValue | undefined): boolean {
  return typeof value === "string";
}

function isNameOrNames(value: JsonValue | undefined): boolean {
  return isName(value) || (Array.isArray(value) && value.every(isName));
}

/**
 * The functions whose further arguments a rule writes as literals (`condition_values(@, 'key',
 * ['StringEquals'])`), with the argument types the interpreter checks. Given such arguments, a path
 * calls the function directly, as for the functions of one value, its arguments read once.
 */
interface FunctionWithArguments {
  accepts(args: readonly JsonValue[]): boolean;
  /** The function with these arguments, of the value it is called on. */
  given(args: readonly JsonValue[]): (value: JsonValue) => JsonValue;
}

const WITH_ARGUMENTS: Readonly<Record<string, FunctionWithArguments>> = {
  statement_name: {
    accepts: (args) => args.length <= 1 && args.every(isName),
    // Called so only on data that holds no unknown values (see `path.ts`).
    given:
      ([noun]) =>
      (value) =>
        describeStatement(value, noun as string | undefined, false),
  },
  condition_values: {
    accepts: (args) => args.length === 2 && isName(args[0]) && isNameOrNames(args[1]),
    given([key, operators]) {
      const read = conditionEntriesReader([key as string], names(operators!));
      return (value) => read(value).flatMap((entry) => entry.Values);
    },
  },
  condition_entries: {
    accepts: (args) => args.length === 2 && isNameOrNames(args[0]) && isNameOrNames(args[1]),
    given([keys, operators]) {
      const read = conditionEntriesReader(names(keys!), names(operators!));
      return (value) => read(value) as unknown as JsonValue;
    },
  },
};

/**
 * The function `name` with the literal arguments `args`, of the value it is called on, when it is
 * a domain function that accepts them; undefined otherwise (the interpreter then calls it, or says
 * why it cannot).
 */
export function functionWithArguments(
  name: string,
  args: readonly JsonValue[],
): ((value: JsonValue) => JsonValue) | undefined {
  if (!Object.hasOwn(WITH_ARGUMENTS, name)) return undefined;
  const known = WITH_ARGUMENTS[name]!;
  return known.accepts(args) ? known.given(args) : undefined;
}

/**
 * The library's own string functions that a rule calls with literal arguments (`replace(@,
 * ':alias/', ':key/alias/')`, on a key named in every session preference), given a string: what
 * the interpreter computes, without its dispatch and argument checks. On any other value the
 * interpreter is asked, so that it fails as it always has.
 */
const OF_A_STRING: Readonly<
  Record<string, (args: readonly JsonValue[]) => ((subject: string) => JsonValue) | undefined>
> = {
  // Without a count, the library replaces every occurrence by splitting and joining.
  replace: (args) => {
    if (args.length !== 2 || !isName(args[0]) || !isName(args[1])) return undefined;
    const [search, by] = args as [string, string];
    return (subject) => subject.split(search).join(by);
  },
};

/** The built-in function `name` with the literal arguments `args`, of a string it is called on. */
export function stringFunctionWithArguments(
  name: string,
  args: readonly JsonValue[],
): ((subject: string) => JsonValue) | undefined {
  return Object.hasOwn(OF_A_STRING, name) ? OF_A_STRING[name]!(args) : undefined;
}

export function registerDomainFunctions(): void {
  if (registered) return;
  registered = true;
  for (const name of [
    "port_range",
    "permission_sources",
    "security_group_name",
    "policy_name",
    "statement_resources",
    "statement_principals",
  ]) {
    const call = OF_ONE_VALUE[name]!;
    register(name, ([value]) => call(value as JsonValue), [{ types: [TYPE_ANY] }]);
  }
  register(
    "statement_name",
    ([statement, noun]) =>
      describeStatement(statement as JsonValue, (noun as string | undefined) ?? undefined),
    [{ types: [TYPE_ANY] }, { types: [TYPE_STRING], optional: true }],
  );
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
