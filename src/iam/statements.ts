/**
 * Policy statements in one normalized shape. IAM lets most elements be a single value or a list
 * and `Statement` itself an object or a list; every function in this module family works on the
 * list form, so each question is answered once.
 */

import { CannotDecideError, isUnknown, UnknownValueError } from "../model/unknown.js";

export type PolicyEffect = "Allow" | "Deny";

/** `"*"` for everyone, otherwise principal type (`AWS`, `Service`, `Federated`, …) to its values. */
export type PolicyPrincipal = "*" | Record<string, string[]>;

/** Operator (`StringEquals`, `BoolIfExists`, …) to condition key to the values, as text. */
export type PolicyCondition = Record<string, Record<string, string[]>>;

export interface PolicyStatement {
  /** Position in the document's statement list (0 for a single statement object). */
  index: number;
  Sid?: string;
  /** Absent when the statement has no recognisable effect; such a statement grants and denies nothing. */
  Effect?: PolicyEffect;
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Principal?: PolicyPrincipal;
  NotPrincipal?: PolicyPrincipal;
  Condition?: PolicyCondition;
}

/**
 * Statements produced here are of this class, so functions given one recognise it by its
 * prototype and skip normalizing it again: every IAM function is handed normalized statements far
 * more often than written ones, and a prototype check costs less than a lookup in a weak table.
 */
class NormalizedStatement implements PolicyStatement {
  index: number;
  // Declared only: an element the statement lacks must stay absent, not become a property.
  declare Sid?: string;
  declare Effect?: PolicyEffect;
  declare Action?: string[];
  declare NotAction?: string[];
  declare Resource?: string[];
  declare NotResource?: string[];
  declare Principal?: PolicyPrincipal;
  declare NotPrincipal?: PolicyPrincipal;
  declare Condition?: PolicyCondition;

  constructor(index: number) {
    this.index = index;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A string or list of strings as a list. Anything else (a nested list, a mapping, a number) names
 * no action or resource IAM would read, and IAM refuses the document: dropped, an Allow of
 * `[[ssm:StartSession]]` would grant nothing in the checker's eyes, so the statement cannot be
 * judged. A value a template or plan leaves unknown is unknown here too.
 */
function stringList(value: unknown, element: string, sid: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) throw unreadable(value, sid, `its ${element} is not text or a list of text`);
  const strings: string[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== "string")
      throw unreadable(entry, sid, `its ${element} lists a value that is not text`);
    strings.push(entry);
  }
  return strings;
}

/**
 * Action names hold no spaces or commas, but IAM accepts a document whose action has a space
 * around it (`"ssm:StartSession "`), and may accept one with a comma in it
 * (`"ssm:DescribeSessions,StartSession"`), without saying what it makes of them: the action
 * without the space or none, one action or a list. Either reading could be the wrong one (an
 * Allow that grants nothing, a NotAction that excludes nothing), so such a statement cannot be
 * judged.
 */
function actionList(value: unknown, element: string, sid: unknown): string[] | undefined {
  const actions = stringList(value, element, sid);
  if (actions === undefined) return undefined;
  for (const action of actions) {
    if (SPACE.test(action))
      throw new CannotDecideError(
        `${statementName(sid)}: its ${element} lists ${JSON.stringify(action)}, with a space in it, which IAM may read as the action without the space or as no action at all`,
      );
    if (action.includes(","))
      throw new CannotDecideError(
        `${statementName(sid)}: its ${element} lists ${JSON.stringify(action)}, with a comma in it, which IAM may read as one action or as a list of actions`,
      );
  }
  return actions;
}

const SPACE = /\s/;

/** Condition values compare as text, so JSON `true` and `"true"`, `1` and `"1"` are the same value. */
function conditionValueList(value: unknown, sid: unknown): string[] {
  const entries = Array.isArray(value) ? (value as unknown[]) : [value];
  const values: string[] = [];
  for (const entry of entries) {
    if (typeof entry === "string") values.push(entry);
    else if (typeof entry === "number" || typeof entry === "boolean") values.push(String(entry));
    else
      throw unreadable(
        entry,
        sid,
        "its Condition gives a key a value that is not text, a number or a boolean",
      );
  }
  return values;
}

/**
 * Why a statement cannot be judged: a value a template leaves unknown says so; a value of a kind
 * IAM refuses is named, with the statement.
 */
function unreadable(value: unknown, sid: unknown, problem: string): CannotDecideError {
  if (isUnknown(value)) return new UnknownValueError(value.$unknown);
  return new CannotDecideError(`${statementName(sid)}: ${problem}, which IAM does not accept`);
}

function statementName(sid: unknown): string {
  return typeof sid === "string" ? `statement ${sid}` : "a statement without a Sid";
}

function normalizeEffect(value: unknown, sid: unknown): PolicyEffect | undefined {
  // As IAM writes them, without a copy in lowercase: every statement of every policy has one.
  if (value === "Allow" || value === "Deny") return value;
  if (value === undefined || value === null) return undefined;
  // A list (`[Allow]`), a number or a mapping is refused by IAM; read as no effect, an Allow of
  // ssm:StartSession written so would grant nothing in the checker's eyes.
  if (typeof value !== "string") throw unreadable(value, sid, "its Effect is not text");
  const effect = value.trim().toLowerCase();
  // IAM reads Effect case-sensitively: "deny" is not a Deny, and read as one it would take away
  // an Allow that IAM keeps. What IAM makes of such a statement is not this checker's to guess.
  if (effect === "allow" || effect === "deny") {
    throw new CannotDecideError(
      `${statementName(sid)} has Effect ${JSON.stringify(value)}, which IAM does not read as Allow or Deny (it reads Effect case-sensitively)`,
    );
  }
  return undefined;
}

/**
 * A bare string other than `"*"` is not valid IAM, but reading it as an AWS principal keeps a
 * hand-written trust policy from silently trusting nobody in the checker's eyes.
 */
function normalizePrincipal(value: unknown, element: string, sid: unknown): PolicyPrincipal | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value.trim() === "*" ? "*" : { AWS: [value] };
  // Read as no principal, a statement IAM refuses would trust nobody in the checker's eyes.
  if (!isRecord(value) || isUnknown(value))
    throw unreadable(value, sid, `its ${element} is not "*" or a mapping of principal types`);
  const principal: Record<string, string[]> = {};
  for (const type in value) {
    if (Object.hasOwn(value, type)) setEntry(principal, type, principalValues(value[type], element, sid));
  }
  return principal;
}

/**
 * A principal type's values as text. An account id written as a number (`AWS: 111122223333`,
 * unquoted in a YAML template) names that account, as a condition value `1` is `"1"`: dropped,
 * it would leave a trust statement that lets the account in trusting nobody.
 */
function principalValues(value: unknown, element: string, sid: unknown): string[] {
  const entries = Array.isArray(value) ? (value as unknown[]) : [value];
  const values: string[] = [];
  for (const entry of entries) {
    if (typeof entry === "string") values.push(entry);
    else if (typeof entry === "number" && Number.isFinite(entry)) values.push(String(entry));
    // A nested list or a mapping is refused by IAM; dropped, it would leave the principal out.
    else throw unreadable(entry, sid, `its ${element} lists a value that is not text or an account number`);
  }
  return values;
}

/**
 * A `Condition` that is not a mapping of operators to mappings of keys is refused by IAM; read as
 * no condition, a Deny would deny without one and hide the Allow it was meant to narrow.
 */
function normalizeCondition(value: unknown, sid: unknown): PolicyCondition | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || isUnknown(value))
    throw unreadable(value, sid, "its Condition is not a mapping of operators");
  const condition: PolicyCondition = {};
  for (const operator in value) {
    if (!Object.hasOwn(value, operator)) continue;
    const block = value[operator];
    if (!isRecord(block) || isUnknown(block))
      throw unreadable(block, sid, `its Condition operator ${operator} is not a mapping of keys`);
    const keys: Record<string, string[]> = {};
    for (const key in block) {
      if (Object.hasOwn(block, key)) setEntry(keys, key, conditionValueList(block[key], sid));
    }
    setEntry(condition, operator, keys);
  }
  return condition;
}

/**
 * Adds an entry named as the policy names it. JSON reads `"__proto__"` as an ordinary key, but
 * assigned as a property it would replace the record's prototype and vanish: a Deny whose only
 * condition key it is would then count as unconditional.
 */
function setEntry<Value>(record: Record<string, Value>, name: string, value: Value): void {
  if (name === "__proto__") {
    Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[name] = value;
  }
}

/**
 * One statement in list form. Accepts a statement as written or one already normalized (which is
 * returned as is). `undefined` when the value is not an object.
 */
export function normalizeStatement(value: unknown, index = 0): PolicyStatement | undefined {
  if (value instanceof NormalizedStatement) return value;
  if (!isRecord(value)) return undefined;
  // Every IAM rule reads the same statements of every principal: normalize each one once, and
  // keep one copy per position it is read at (a document's list, or alone at 0).
  const kept = normalizedByRaw.get(value);
  if (kept === undefined) {
    const statement = normalizeFresh(value, index);
    normalizedByRaw.set(value, statement);
    return statement;
  }
  if (kept instanceof NormalizedStatement) {
    if (kept.index === index) return kept;
    const positions: NormalizedStatement[] = [];
    positions[kept.index] = kept;
    normalizedByRaw.set(value, positions);
    return atPosition(positions, index);
  }
  return kept[index] ?? atPosition(kept, index);
}

/**
 * The statement in normalized form, at whichever position it was first read: for questions whose
 * answer does not depend on the position, so that reading a listed statement alone makes no copy.
 * `undefined` when the value is not an object.
 */
export function normalizedAnywhere(value: unknown): PolicyStatement | undefined {
  if (value instanceof NormalizedStatement) return value;
  if (!isRecord(value)) return undefined;
  const kept = normalizedByRaw.get(value);
  if (kept === undefined) return normalizeStatement(value, 0);
  if (kept instanceof NormalizedStatement) return kept;
  for (const statement of kept) if (statement !== undefined) return statement;
  return normalizeStatement(value, 0);
}

/** A copy of a statement already normalized, for another position it is read at. */
function atPosition(positions: NormalizedStatement[], index: number): NormalizedStatement {
  const moved = Object.assign(
    new NormalizedStatement(index),
    positions.find((statement) => statement !== undefined),
  );
  moved.index = index;
  positions[index] = moved;
  return moved;
}

/**
 * The normalized form of a statement as written, or, once it has been read at several positions,
 * its forms by position. Almost every statement is read at one position only.
 */
const normalizedByRaw = new WeakMap<object, NormalizedStatement | NormalizedStatement[]>();

function normalizeFresh(value: Record<string, unknown>, index: number): NormalizedStatement {
  const statement = new NormalizedStatement(index);
  if (typeof value["Sid"] === "string") statement.Sid = value["Sid"];
  const effect = normalizeEffect(value["Effect"], value["Sid"]);
  if (effect !== undefined) statement.Effect = effect;
  const action = actionList(value["Action"], "Action", value["Sid"]);
  if (action !== undefined) statement.Action = action;
  const notAction = actionList(value["NotAction"], "NotAction", value["Sid"]);
  if (notAction !== undefined) statement.NotAction = notAction;
  const resource = stringList(value["Resource"], "Resource", value["Sid"]);
  if (resource !== undefined) statement.Resource = resource;
  const notResource = stringList(value["NotResource"], "NotResource", value["Sid"]);
  if (notResource !== undefined) statement.NotResource = notResource;
  const principal = normalizePrincipal(value["Principal"], "Principal", value["Sid"]);
  if (principal !== undefined) statement.Principal = principal;
  const notPrincipal = normalizePrincipal(value["NotPrincipal"], "NotPrincipal", value["Sid"]);
  if (notPrincipal !== undefined) statement.NotPrincipal = notPrincipal;
  const condition = normalizeCondition(value["Condition"], value["Sid"]);
  if (condition !== undefined) statement.Condition = condition;
  return statement;
}

/** The raw `Statement` entries of a document, whether written as one object or a list. */
export function rawStatementsOf(document: unknown): unknown[] {
  if (!isRecord(document)) return [];
  const statements = document["Statement"];
  if (statements === undefined || statements === null) return [];
  return Array.isArray(statements) ? (statements as unknown[]) : [statements];
}

/**
 * The document's statements, normalized, each carrying its position in the written list so that
 * findings can point at `Statement[index]`. Entries that are not objects are skipped.
 */
export function statementsOf(document: unknown): PolicyStatement[] {
  const raws = rawStatementsOf(document);
  const statements: PolicyStatement[] = [];
  for (let index = 0; index < raws.length; index++) {
    const statement = normalizeStatement(raws[index], index);
    if (statement !== undefined) statements.push(statement);
  }
  return statements;
}

/** Whether the statement's `Condition` holds at least one key, so that it may not always apply. */
export function isConditional(statement: PolicyStatement): boolean {
  const condition = statement.Condition;
  return condition !== undefined && Object.values(condition).some((keys) => Object.keys(keys).length > 0);
}
