import { RE2JS, RE2JSException } from "re2js";
import type { JsonValue } from "../../model/resource.js";
import { coversPort } from "../operators/ports.js";
import { cidrContains, cidrIsPublic, cidrIsWorld, cidrsCoverWorld, parseCidr } from "../operators/cidr.js";
import { InvalidValueError } from "../operators/invalid-value.js";
import { compareVersionParts, parseVersion } from "../operators/version.js";
import { compileEventPattern, InvalidEventPatternError } from "../operators/event-pattern.js";
import { trailRecordsEvent, type ManagementEvent } from "../operators/trail-selectors.js";
import {
  actionStance,
  ALLOWS,
  DENIES,
  denyEnforcesCondition,
  documentAllowsAction,
  effectiveResourcesWithin,
  hasCondition,
  statementAllowsAction,
  statementMayReach,
  statementDeniesAction,
  statementResourcesWithin,
  trustsAwsPrincipals,
  wildcardPatternCovers,
} from "../../iam/index.js";
import { firstUnknown, isUnknown, UNKNOWN_KEY, UnknownValueError } from "../../model/unknown.js";
import { compileOperand, OperandError, type Operand, type OperandContext } from "./operand.js";
import { isTruthy, type Located, type PathScope } from "./path.js";
import { Question, type DocumentDecisions } from "./decisions.js";

/**
 * The test operators of the rule language. Each one compares the value selected by the
 * condition's `path` (the current element when there is no path) with its argument. An operator
 * throws `InvalidValueError` when the data cannot be judged (a CIDR, port, protocol, number or
 * version that does not parse), and a plain error when its own argument is wrong: the engine
 * turns either into an `error` result, never a pass.
 */
export type Test = (value: JsonValue, current: Located, scope: PathScope) => boolean;

export interface TestOperator {
  /** One line for the rule-language reference. */
  summary: string;
  /**
   * How the condition checks the value for unknowns before the test: `shallow` (the default) the
   * value and what sits directly in it, `deep` all of it (IAM statements, whose conditions nest),
   * `own` not at all, for operators that judge unknowns themselves because known parts may
   * decide (a document's known Deny).
   */
  unknowns?: "shallow" | "deep" | "own";
  compile(argument: unknown, context: OperandContext): Test;
}

function describe(value: JsonValue): string {
  return value === null ? "missing" : JSON.stringify(value);
}

/**
 * Numbers may come as decimal strings (`idleSessionTimeout: "20"`); anything else — including
 * what JavaScript would read as a number, such as "0x14", "1e1" or "Infinity" — cannot be compared.
 */
function readNumber(value: JsonValue): number | undefined {
  const number = typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) ? number : undefined;
}

/** The data's number: one that does not parse is an `InvalidValueError`, located by the caller. */
function valueNumber(value: JsonValue): number {
  const number = readNumber(value);
  if (number === undefined) throw new InvalidValueError(value, "a number");
  return number;
}

/** The rule's own number (an argument or parameter): one that does not parse is the rule's mistake. */
function argumentNumber(value: JsonValue, what: string): number {
  const number = readNumber(value);
  if (number === undefined) throw new Error(`${what} is ${describe(value)}, not a number`);
  return number;
}

const EXPECTED_VERSION = "a dotted version such as 2.3.672.0";

function valueVersion(value: JsonValue): number[] {
  const parts = parseVersion(value);
  if (parts === undefined) throw new InvalidValueError(value, EXPECTED_VERSION);
  return parts;
}

function argumentVersion(value: JsonValue, what: string): number[] {
  const parts = parseVersion(value);
  if (parts === undefined) throw new Error(`${what} is ${describe(value)}, not ${EXPECTED_VERSION}`);
  return parts;
}

function toText(value: JsonValue, what: string): string {
  if (typeof value !== "string") throw new Error(`${what} must be a string, got ${describe(value)}`);
  return value;
}

/**
 * Whether a string test can look at the value. A number, list or object does not match — which
 * fails a rule that asks for a match — but where not matching leans towards a pass (`not:
 * {matches}`, a `none` over names) it cannot be read as "no match": a list of CIDRs given to
 * `not: {matches: "^0\\.0\\.0\\.0/0$"}` would pass without one of them being looked at.
 */
function stringTest(context: OperandContext): (value: JsonValue) => boolean {
  if (context.negated !== true) return (value) => typeof value === "string";
  return (value) => {
    if (value !== null && typeof value !== "string") throw new InvalidValueError(value, "a string");
    return typeof value === "string";
  };
}

function isEmpty(value: JsonValue): boolean {
  return !isTruthy(value) && value !== false && value !== 0;
}

function deepEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]!));
  }
  // Keys are counted rather than listed: `equals: $statement` compares a principal's every
  // statement with the one reported, and most differ at once.
  const aRecord = a as Record<string, JsonValue>;
  const bRecord = b as Record<string, JsonValue>;
  let aCount = 0;
  for (const key in aRecord) {
    if (!Object.hasOwn(bRecord, key) || !deepEqual(aRecord[key]!, bRecord[key]!)) return false;
    aCount++;
  }
  let bCount = 0;
  for (const _ in bRecord) bCount++;
  return aCount === bCount;
}

/**
 * Equality as a rule means it: the number 22 and the text "22" are different values, so that
 * `not-equals: "22"` would pass a port of 22. A number compared with text that reads as a number
 * is taken to be that mistake, in the rule or the data, and cannot be decided.
 */
function sameValue(value: JsonValue, expected: JsonValue): boolean {
  if (typeof value === "number" && typeof expected === "string" && readNumber(expected) !== undefined) {
    throw new Error(
      `compares the number ${value} with the text "${expected}": write the argument as a number`,
    );
  }
  if (typeof value === "string" && typeof expected === "number" && readNumber(value) !== undefined) {
    throw new InvalidValueError(value, `the number ${expected} the rule compares it with`);
  }
  return deepEqual(value, expected);
}

function numeric(compare: (actual: number, limit: number) => boolean, name: string): TestOperator {
  return {
    summary: `the value, a number or numeric string, ${name} the argument`,
    compile(argument, context) {
      const limit = compileOperand(argument, context);
      return (value, current, scope) =>
        compare(valueNumber(value), argumentNumber(limit(current, scope), `the "${name}" argument`));
    },
  };
}

function constant(argument: unknown, test: (value: JsonValue) => boolean): Test {
  return argument === false ? (value) => !test(value) : (value) => test(value);
}

/**
 * The answer about a statement, decided once for the run: the principals of an account share
 * their policies, so the same statements are asked the same questions again and again.
 */
function decidedOnce(
  value: JsonValue,
  scope: PathScope,
  question: Question,
  subject: string,
  decide: (value: JsonValue, subject: string) => boolean,
): boolean {
  const decisions = scope.mayHoldUnknowns ? undefined : scope.memo?.documents;
  return decisions === undefined
    ? decide(value, subject)
    : decisions.decide(value, question, subject, decide);
}

function portOf(argument: unknown): { port: unknown; protocol: "tcp" | "udp" } {
  if (argument !== null && typeof argument === "object" && !Array.isArray(argument)) {
    const { port, protocol } = argument as { port: unknown; protocol?: "tcp" | "udp" };
    return { port, protocol: protocol ?? "tcp" };
  }
  return { port: argument, protocol: "tcp" };
}

function actionArgument(argument: unknown, context: OperandContext): { action: Operand; resource?: Operand } {
  if (typeof argument === "string") return { action: compileOperand(argument, context) };
  const { action, resource } = argument as { action: string; resource?: string };
  return {
    action: compileOperand(action, context),
    ...(resource === undefined ? {} : { resource: compileOperand(resource, context) }),
  };
}

/**
 * Patterns run against names and values anyone who can create a resource chooses, so matching
 * must take linear time: RE2 semantics, never a backtracking engine, where `^(a+)+$` on a long
 * name would never finish. What RE2 cannot express (backreferences, lookaround) is refused when
 * the rule loads, rather than approximated.
 */
function compileLinearPattern(argument: unknown): RE2JS {
  if (typeof argument !== "string") {
    throw new OperandError(
      `"matches" needs a regular expression as a string, got ${JSON.stringify(argument)}`,
    );
  }
  try {
    return RE2JS.compile(argument);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    throw new OperandError(
      `the pattern ${JSON.stringify(argument)} cannot be matched in linear time (${error.message}); ` +
        "backreferences and lookaround are not supported",
    );
  }
}

/** Whether documents allow an action, for `DocumentDecisions` (which passes the action as the subject). */
function documentsAllow(documents: JsonValue, action: string, decisions: DocumentDecisions): boolean {
  if (!Array.isArray(documents)) return documentAllowsAction(documents, action).allowed;
  return listAllows(documents, decisions, ITEM_STANCE, action, itemStance);
}

/** Whether documents allow an action on a resource, the two given as `[action, resource]` in JSON. */
function documentsAllowOnResource(
  documents: JsonValue,
  subject: string,
  decisions: DocumentDecisions,
): boolean {
  if (!Array.isArray(documents)) {
    const [action, resource] = JSON.parse(subject) as [string, string];
    return documentAllowsAction(documents, action, { resource }).allowed;
  }
  return listAllows(documents, decisions, ITEM_STANCE_ON, subject, itemStanceOnResource);
}

/**
 * Whether a list of documents (or statements) allows what `subject` names, from what each item
 * says, as if they were one document: one allows it and none denies it.
 */
function listAllows(
  documents: readonly JsonValue[],
  decisions: DocumentDecisions,
  question: Question,
  subject: string,
  read: (item: object, subject: string) => number,
): boolean {
  let allows = false;
  for (const item of documents) {
    // An item that is not an object is not a statement: it neither allows nor denies.
    if (item === null || typeof item !== "object") continue;
    const stance = decisions.stanceOf(item, question, subject, read);
    if ((stance & DENIES) !== 0) return false;
    if ((stance & ALLOWS) !== 0) allows = true;
  }
  return allows;
}

/** What an item of a list says about an action: a document's statements, or the item as a statement. */
function itemStance(item: object, action: string): number {
  return actionStance(statementsIn(item as JsonValue), action);
}

function itemStanceOnResource(item: object, subject: string): number {
  const [action, resource] = JSON.parse(subject) as [string, string];
  return actionStance(statementsIn(item as JsonValue), action, resource);
}

/**
 * The subject of `resources-within` questions, `[action, ...patterns]` in JSON: a test's patterns
 * and action are its arguments and parameters, the same for every statement of a run, so the
 * text is made again only when they change.
 */
class WithinSubjects {
  private action: string | undefined;
  private within: readonly string[] = [];
  private subject = "";

  of(action: string, within: readonly string[]): string {
    if (action !== this.action || !sameTexts(within, this.within)) {
      this.action = action;
      this.within = within;
      this.subject = JSON.stringify([action, ...within]);
    }
    return this.subject;
  }
}

function sameTexts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** Whether the Deny statements of a principal's policies confine a statement, the subject being `[action, ...patterns]`. */
function confinedByPolicies(statement: JsonValue, policies: JsonValue, subject: string): boolean {
  const [action, ...within] = JSON.parse(subject) as string[];
  return effectiveResourcesWithin(statement, within, { action: action!, policies: mergeDocuments(policies) });
}

const STATEMENT_ALLOWS = new Question("statement allows");
const STATEMENT_DENIES = new Question("statement denies");
const DOCUMENT_ALLOWS = new Question("document allows");
const DOCUMENT_ALLOWS_ON = new Question("document allows on a resource");
const ITEM_STANCE = new Question("what a document says about an action");
const ITEM_STANCE_ON = new Question("what a document says about an action on a resource");
const CONFINED_WITHIN = new Question("statement confined within patterns");

export const TEST_OPERATORS: Record<string, TestOperator> = {
  exists: {
    summary: "the path selects a value (not null / missing) — or, with `false`, it does not",
    compile: (argument) => constant(argument, (value) => value !== null),
  },
  empty: {
    summary: 'the value is missing, null, "", [] or {} — or, with `false`, it is not',
    compile: (argument) => constant(argument, isEmpty),
  },
  equals: {
    summary: "the value equals the argument (deep equality for lists and objects)",
    compile(argument, context) {
      const expected = compileOperand(argument, context);
      return (value, current, scope) => sameValue(value, expected(current, scope));
    },
  },
  "not-equals": {
    summary: "the value does not equal the argument",
    compile(argument, context) {
      const expected = compileOperand(argument, context);
      return (value, current, scope) => !sameValue(value, expected(current, scope));
    },
  },
  "one-of": {
    summary: "the value equals one of the listed values",
    compile(argument, context) {
      const options = compileOperand(argument, context);
      return (value, current, scope) => {
        const list = options(current, scope);
        if (!Array.isArray(list)) throw new Error(`"one-of" needs a list, got ${describe(list)}`);
        // An option equal to the value decides it, wherever it stands in the list; only when none
        // is does an option of the other kind (22 against "22") make the test undecidable.
        return (
          list.some((option) => deepEqual(value, option)) || list.some((option) => sameValue(value, option))
        );
      };
    },
  },
  matches: {
    summary:
      "the value is a string matching the regular expression (RE2 syntax: no backreferences or lookaround)",
    compile(argument, context) {
      const pattern = compileLinearPattern(argument);
      const text = stringTest(context);
      return (value) => text(value) && pattern.test(value as string);
    },
  },
  "starts-with": {
    summary: "the value is a string starting with the argument",
    compile(argument, context) {
      const prefix = compileOperand(argument, context);
      const text = stringTest(context);
      return (value, current, scope) => {
        const expected = prefix(current, scope);
        return text(value) && typeof expected === "string" && (value as string).startsWith(expected);
      };
    },
  },
  "greater-than": numeric((actual, limit) => actual > limit, "greater-than"),
  "at-least": numeric((actual, limit) => actual >= limit, "at-least"),
  "less-than": numeric((actual, limit) => actual < limit, "less-than"),
  "at-most": numeric((actual, limit) => actual <= limit, "at-most"),
  "version-at-least": {
    summary: "the value is a dotted version (`2.3.672.0`) at or above the argument, compared numerically",
    compile(argument, context) {
      const minimum = compileOperand(argument, context);
      return (value, current, scope) =>
        compareVersionParts(valueVersion(value), argumentVersion(minimum(current, scope), "the minimum")) >=
        0;
    },
  },
  "version-below": {
    summary: "the value is a dotted version below the argument",
    compile(argument, context) {
      const limit = compileOperand(argument, context);
      return (value, current, scope) =>
        compareVersionParts(valueVersion(value), argumentVersion(limit(current, scope), "the limit")) < 0;
    },
  },
  "covers-port": {
    summary: "the value is a security-group permission whose protocol and port range include the port",
    compile(argument, context) {
      const { port, protocol } = portOf(argument);
      const portOperand = compileOperand(port, context);
      return (value, current, scope) =>
        coversPort(value, argumentNumber(portOperand(current, scope), "the port"), protocol);
    },
  },
  "cidr-is-world": {
    summary: "the value is `0.0.0.0/0` or `::/0`",
    compile: (argument) => constant(argument, cidrIsWorld),
  },
  "cidrs-cover-world": {
    summary:
      "the value is a CIDR or a list of them that together span every IPv4 or every IPv6 address (`0.0.0.0/1` with `128.0.0.0/1`) — or, with `false`, it is not",
    compile: (argument) => constant(argument, cidrsCoverWorld),
  },
  "cidr-is-public": {
    summary: "the value is a CIDR that includes at least one public (not private or reserved) address",
    compile: (argument) => constant(argument, cidrIsPublic),
  },
  "cidr-contains": {
    summary: "the value is a CIDR that contains the argument's CIDR",
    compile(argument, context) {
      const inner = compileOperand(argument, context);
      return (value, current, scope) => {
        const range = inner(current, scope);
        if (parseCidr(range) === undefined) {
          throw new Error(`the "cidr-contains" argument is ${describe(range)}, not a valid CIDR`);
        }
        return cidrContains(value, range);
      };
    },
  },
  "pattern-covers": {
    summary:
      "the value is a wildcard pattern (`*`, `?`, as in a StringLike condition) that matches every string the argument's pattern matches",
    compile(argument, context) {
      const inner = compileOperand(argument, context);
      return (value, current, scope) =>
        typeof value === "string" &&
        wildcardPatternCovers(value, toText(inner(current, scope), "the pattern"));
    },
  },
  "allows-action": {
    summary: "the value is an IAM statement that allows the action (wildcards, NotAction)",
    unknowns: "deep",
    compile(argument, context) {
      const action = compileOperand(argument, context);
      return (value, current, scope) => {
        const actionText = toText(action(current, scope), "the action");
        const decisions = scope.mayHoldUnknowns ? undefined : scope.memo?.documents;
        if (decisions === undefined) return statementAllowsAction(value, actionText);
        return decisions.decide(value, STATEMENT_ALLOWS, actionText, statementAllowsAction);
      };
    },
  },
  "denies-action": {
    summary: "the value is an IAM statement that denies the action",
    unknowns: "deep",
    compile(argument, context) {
      const action = compileOperand(argument, context);
      return (value, current, scope) => {
        const actionText = toText(action(current, scope), "the action");
        const decisions = scope.mayHoldUnknowns ? undefined : scope.memo?.documents;
        if (decisions === undefined) return statementDeniesAction(value, actionText);
        return decisions.decide(value, STATEMENT_DENIES, actionText, statementDeniesAction);
      };
    },
  },
  "has-condition": {
    summary: "the value is an IAM statement whose Condition has the key under one of the operators",
    unknowns: "deep",
    compile(argument) {
      const test = argument as {
        operator: string | string[];
        key: string;
        values?: (string | boolean | number)[];
      };
      const normalized = {
        operator: test.operator,
        key: test.key,
        ...(test.values ? { values: test.values.map(String) } : {}),
      };
      // One question per test: its argument is fixed, so the statement alone decides the answer.
      const question = new Question("statement has condition");
      const decide = (value: JsonValue): boolean => hasCondition(value, normalized);
      return (value, _current, scope) => decidedOnce(value, scope, question, "", decide);
    },
  },
  "resources-within": {
    summary:
      "the value is an IAM statement whose every Resource lies within the given ARN pattern(s), or that Deny statements with NotResource confine to them",
    unknowns: "deep",
    compile(argument, context) {
      const { patterns, action, policies } = withinArgument(argument, context);
      const subjects = new WithinSubjects();
      return (value, current, scope) => {
        const allowed = patterns(current, scope);
        const within = (Array.isArray(allowed) ? allowed : [allowed]).map((pattern) =>
          toText(pattern, "an ARN pattern"),
        );
        if (action === undefined || policies === undefined) return statementResourcesWithin(value, within);
        const decisions = scope.mayHoldUnknowns ? undefined : scope.memo?.documents;
        if (decisions !== undefined) {
          // A principal's statements are asked with the same policies by every rule and resource
          // that reads them: each statement is decided once for the run.
          const listed = policies(current, scope);
          const subject = subjects.of(toText(action(current, scope), "the action"), within);
          return decisions.decideAbout(value, listed, CONFINED_WITHIN, subject, confinedByPolicies);
        }
        const { document, unknown } = toDocument(policies(current, scope), scope.mayHoldUnknowns === true);
        const confined = effectiveResourcesWithin(value, within, {
          action: toText(action(current, scope), "the action"),
          policies: document,
        });
        // A statement that is not known may be the Deny that confines it.
        if (!confined && unknown !== undefined) throw new UnknownValueError(unknown);
        return confined;
      };
    },
  },
  "trusts-aws-principals": {
    summary:
      "the value is a trust-policy statement that lets AWS principals (not only services) assume the role",
    unknowns: "deep",
    compile: (argument) => constant(argument, trustsAwsPrincipals),
  },
  "document-allows": {
    summary:
      "the value (a policy document, a list of documents or of statements) allows the action, explicit Deny winning",
    unknowns: "own",
    compile(argument, context) {
      const { action, resource } = actionArgument(argument, context);
      return (value, current, scope) => {
        const decisions = scope.mayHoldUnknowns ? undefined : scope.memo?.documents;
        if (decisions !== undefined) {
          const resourceValue = resource?.(current, scope);
          const actionText = toText(action(current, scope), "the action");
          const options =
            resourceValue === undefined || resourceValue === null
              ? undefined
              : { resource: toText(resourceValue, "the resource") };
          return options === undefined
            ? decisions.decide(value, DOCUMENT_ALLOWS, actionText, documentsAllow)
            : decisions.decide(
                value,
                DOCUMENT_ALLOWS_ON,
                JSON.stringify([actionText, options.resource]),
                documentsAllowOnResource,
              );
        }
        const { document, unknown } = toDocument(value, scope.mayHoldUnknowns === true);
        const resourceValue = resource?.(current, scope);
        const decision = documentAllowsAction(
          document,
          toText(action(current, scope), "the action"),
          resourceValue === undefined || resourceValue === null
            ? undefined
            : { resource: toText(resourceValue, "the resource") },
        );
        // A document or statement that is not known may allow the action, or deny it: only a
        // known, definite Deny decides without it.
        if (unknown !== undefined && decision.denyingStatements.length === 0) {
          throw new UnknownValueError(unknown);
        }
        return decision.allowed;
      };
    },
  },
  "denied-unless-condition": {
    summary:
      "the value is an IAM Allow statement whose AWS principals a Deny statement of the given policies refuses the action whenever the condition does not hold",
    unknowns: "deep",
    compile(argument, context) {
      const { policies, action, operator, key, values } = argument as {
        policies: string;
        action: string;
        operator: string | string[];
        key: string;
        values: (string | boolean | number)[];
      };
      const policiesOperand = compileOperand(policies, context);
      const actionOperand = compileOperand(action, context);
      const test = { operator, key, values: values.map(String) };
      return (value, current, scope) => {
        const { document, unknown } = toDocument(
          policiesOperand(current, scope),
          scope.mayHoldUnknowns === true,
        );
        const enforced = denyEnforcesCondition(value, document, {
          action: toText(actionOperand(current, scope), "the action"),
          test,
        });
        // A statement that is not known may be the Deny that enforces it.
        if (!enforced && unknown !== undefined) throw new UnknownValueError(unknown);
        return enforced;
      };
    },
  },
  "reaches-resources": {
    summary:
      "the value is an IAM statement that may apply to a resource one of the ARN patterns describes (Resource entries that overlap it, or a NotResource that does not exclude it)",
    unknowns: "deep",
    compile(argument, context) {
      const { patterns, ignoreCase, exceptNamed } = reachArgument(argument, context);
      const question = new Question("statement may reach");
      const options = { ignoreCase, exceptNamed };
      const decide = (value: JsonValue, pattern: string): boolean =>
        statementMayReach(value, pattern, options);
      return (value, current, scope) => {
        const targets = patterns(current, scope);
        return (Array.isArray(targets) ? targets : [targets]).some((target) =>
          decidedOnce(value, scope, question, toText(target, "an ARN pattern"), decide),
        );
      };
    },
  },
  "pattern-matches-event": {
    summary:
      "the value is an EventBridge event pattern (an object or its JSON text) that matches the argument, an event",
    compile(argument) {
      if (argument === null || typeof argument !== "object" || Array.isArray(argument))
        throw new Error(
          `"pattern-matches-event" takes an event object, got ${describe(argument as JsonValue)}`,
        );
      const event = argument as JsonValue;
      return (value) => {
        // A rule without a pattern (a scheduled rule) matches no event.
        if (value === null) return false;
        try {
          return compileEventPattern(value)(event);
        } catch (error) {
          if (error instanceof InvalidEventPatternError)
            throw new InvalidValueError(
              value,
              `a valid EventBridge event pattern (${error.message.replace(/^not a valid EventBridge event pattern: /, "")})`,
            );
          throw error;
        }
      };
    },
  },
  "trail-records-event": {
    // A trail's computed fields (its ARN, home region) may be unknown in a plan; only its
    // selectors decide, and the operator checks those itself.
    unknowns: "own",
    summary:
      "the value is a CloudTrail trail whose event selectors record the argument, a management event ({eventSource, eventName, readOnly})",
    compile(argument) {
      const event = argument as Partial<ManagementEvent> | null;
      if (
        event === null ||
        typeof event !== "object" ||
        typeof event.eventSource !== "string" ||
        typeof event.eventName !== "string" ||
        typeof event.readOnly !== "boolean"
      )
        throw new Error(
          `"trail-records-event" takes { eventSource, eventName, readOnly }, got ${describe(argument as JsonValue)}`,
        );
      const wanted: ManagementEvent = {
        eventSource: event.eventSource,
        eventName: event.eventName,
        readOnly: event.readOnly,
      };
      return (value) => trailRecordsEvent(value, wanted);
    },
  },
};

/**
 * `reaches-resources` takes the pattern(s), or `{patterns, ignore-case, except-named}`.
 */
function reachArgument(
  argument: unknown,
  context: OperandContext,
): { patterns: Operand; ignoreCase: boolean; exceptNamed: boolean } {
  if (argument === null || typeof argument !== "object" || Array.isArray(argument)) {
    return { patterns: compileOperand(argument, context), ignoreCase: false, exceptNamed: false };
  }
  const options = argument as { patterns: unknown; "ignore-case"?: boolean; "except-named"?: boolean };
  return {
    patterns: compileOperand(options.patterns, context),
    ignoreCase: options["ignore-case"] === true,
    exceptNamed: options["except-named"] === true,
  };
}

/**
 * `resources-within` takes the pattern(s), or `{patterns, action, policies}` to count the Deny
 * statements of `policies` that confine `action` with NotResource.
 */
function withinArgument(
  argument: unknown,
  context: OperandContext,
): { patterns: Operand; action?: Operand; policies?: Operand } {
  if (argument === null || typeof argument !== "object" || Array.isArray(argument)) {
    return { patterns: compileOperand(argument, context) };
  }
  const { patterns, action, policies } = argument as { patterns: unknown; action: string; policies: string };
  return {
    patterns: compileOperand(patterns, context),
    action: compileOperand(action, context),
    policies: compileOperand(policies, context),
  };
}

/**
 * Accepts one document, a list of documents, or a list of statements, as one document of the
 * known statements, with the reason of the first document or statement that is not known.
 */
function toDocument(value: JsonValue, mayHoldUnknowns: boolean): { document: JsonValue; unknown?: string } {
  if (!mayHoldUnknowns) return { document: mergeDocuments(value) };
  if (isUnknown(value)) throw new UnknownValueError(value[UNKNOWN_KEY]);
  let unknown: string | undefined;
  const known = (item: JsonValue): boolean => {
    const reason = firstUnknown(item);
    unknown ??= reason;
    return reason === undefined;
  };
  const items = Array.isArray(value) ? value : [value];
  const statements = items.flatMap((item) => statementsIn(item)).filter(known);
  return { document: { Version: "2012-10-17", Statement: statements }, ...(unknown ? { unknown } : {}) };
}

function mergeDocuments(value: JsonValue): JsonValue {
  if (!Array.isArray(value)) return value;
  // Gathered in one list as they come, rather than a list for every document first.
  const statements: JsonValue[] = [];
  for (const item of value) {
    if (item !== null && typeof item === "object" && !Array.isArray(item) && "Statement" in item) {
      const statement = item.Statement;
      if (Array.isArray(statement)) for (const one of statement) statements.push(one);
      else if (statement !== undefined) statements.push(statement);
    } else {
      statements.push(item);
    }
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The statements of a document, or the item itself when it is a statement (or an unknown). */
function statementsIn(item: JsonValue): JsonValue[] {
  if (item !== null && typeof item === "object" && !Array.isArray(item) && "Statement" in item) {
    const statement = item.Statement;
    return Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  }
  return [item];
}

export const TEST_OPERATOR_NAMES = Object.keys(TEST_OPERATORS);
