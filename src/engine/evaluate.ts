import type { CollectionError } from "../model/collection-error.js";
import type { JsonObject, JsonValue, Resource, ResourceType } from "../model/resource.js";
import { isPlanned } from "../model/source-kinds.js";
import { CannotDecideError, firstUnknown, isUnknown } from "../model/unknown.js";
import { InvalidValueError } from "./operators/invalid-value.js";
import type { CompiledCondition, EvaluationState, Outcome } from "./condition/compile.js";
import { ResourceVerdicts, type Located, type PathScope, type VerdictMemo } from "./condition/path.js";
import type { RuleMessages } from "./message.js";
import type { Rule } from "./rule.js";
import type { Evidence, ResourceRef, RuleResult, Severity } from "./result.js";

/**
 * The engine: every rule against every resource of its types, each pair giving exactly one of
 * `pass`, `fail`, `not_applicable` or `error`. A rule that throws on a resource (data it cannot
 * judge) yields `error` for that resource and the run goes on. Data that was not collected yields
 * `error` for what it affects — never a pass.
 */

/** What the engine needs from an inventory (the rule tester supplies its own). */
export interface EvaluationData {
  readonly collectionErrors: readonly CollectionError[];
  /** Whether the source may have left unknown values (templates, plans): paths then check for them. */
  readonly mayHoldUnknowns: boolean;
  ofType(type: ResourceType): readonly Resource[];
  documentOf(resource: Resource): JsonObject;
  /** The documents of every resource of a type, in the order of `ofType`, when it has them at hand. */
  documentsOfType?(type: ResourceType): readonly JsonObject[];
  errorsAffecting(types: readonly ResourceType[], account: string, region: string): CollectionError[];
  /** Why a resource does not have its type's canonical shape (`model/canonical.ts`). */
  misfitOf?(resource: Resource): string | undefined;
  /** A resource of one of `types` in the account that does not have its canonical shape. */
  misfitAffecting?(types: readonly ResourceType[], account: string): string | undefined;
}

export interface EvaluationSettings {
  /** Effective parameters per rule id (see `resolveParams`). */
  params: ReadonlyMap<string, Record<string, JsonValue>>;
  /** Severity overrides per rule id, from the configuration file. */
  severities?: ReadonlyMap<string, Severity>;
}

/**
 * Every rule against every resource of its types, or, given `only`, against those resources alone
 * (the Config rule judges the one resource an event names; the rest of its inventory is context).
 */
export function evaluateRules(
  rules: readonly Rule[],
  inventory: EvaluationData,
  settings: EvaluationSettings,
  only?: ReadonlySet<Resource>,
): RuleResult[] {
  // Verdicts of element-independent tests, for the resource being judged (see PathScope.memo).
  const memo = new ResourceVerdicts();
  const frame = new JudgingFrame(memo, inventory.mayHoldUnknowns);
  // Results are reported rule by rule, each rule's in the order of its types and their resources;
  // they are judged resource by resource, all the rules of its type in turn, so that a document
  // is read by every rule while it is still in the processor's cache, not once per rule. Each
  // result is written in the place kept for it.
  const results: RuleResult[] = [];
  const byType = new Map<ResourceType, TypeJudging>();
  for (const rule of rules) {
    const severity = settings.severities?.get(rule.metadata.id) ?? rule.metadata.severity;
    const params = settings.params.get(rule.metadata.id) ?? defaults(rule);
    if (only === undefined) for (const error of scopeErrors(rule, inventory, severity)) results.push(error);
    for (const type of rule.metadata.resourceTypes) {
      let ofType = byType.get(type);
      if (ofType === undefined) byType.set(type, (ofType = typeJudging(inventory, type, only)));
      ofType.rules.push({ judging: new RuleJudging(rule, params, severity), from: results.length });
      for (let index = 0; index < ofType.resources.length; index++) results.push(NOT_YET_JUDGED);
    }
  }
  for (const { resources, documents, refs, rules: judgings } of byType.values()) {
    for (let index = 0; index < resources.length; index++) {
      const resource = resources[index]!;
      const document = documents[index]!;
      const ref = refs[index]!;
      for (const { judging, from } of judgings) {
        memo.clear();
        results[from + index] = judge(judging, resource, ref, document, inventory, frame);
      }
    }
  }
  return results;
}

/** The place of a result in the run's list until its resource is judged. */
const NOT_YET_JUDGED = undefined as unknown as RuleResult;

/** The resources of a type to judge, and the rules that judge them with where their results go. */
interface TypeJudging extends JudgedResources {
  rules: { judging: RuleJudging; from: number }[];
}

function typeJudging(
  inventory: EvaluationData,
  type: ResourceType,
  only: ReadonlySet<Resource> | undefined,
): TypeJudging {
  const all = inventory.ofType(type);
  if (only === undefined && inventory.documentsOfType !== undefined) {
    return { ...judgedResources(inventory, all, inventory.documentsOfType(type)), rules: [] };
  }
  const resources = only === undefined ? all : all.filter((resource) => only.has(resource));
  return { ...judgedResources(inventory, resources), rules: [] };
}

/** One rule on one of its types, with what judging it needs worked out once for the run. */
class RuleJudging {
  readonly ruleId: string;
  /** The types the rule reads besides its own (`uses`). */
  readonly related: readonly ResourceType[];
  private parts: CompiledParts | undefined;

  constructor(
    readonly rule: Rule,
    readonly params: Record<string, JsonValue>,
    readonly severity: Severity,
  ) {
    this.ruleId = rule.metadata.id;
    this.related = relatedTypes(rule);
  }

  /**
   * The rule's compiled parts, read once rather than for every resource: a built-in rule compiles
   * them on first use, and one that fails to throws again at every use, as it did before.
   */
  compiled(): CompiledParts {
    const rule = this.rule;
    if (this.parts !== undefined) return this.parts;
    const appliesWhen = rule.appliesWhen;
    const condition = rule.condition;
    return (this.parts = {
      appliesWhen,
      condition,
      message: rule.message,
      rootFields: fieldsReadByBoth(appliesWhen, condition),
    });
  }
}

interface CompiledParts {
  appliesWhen: CompiledCondition | undefined;
  condition: CompiledCondition;
  message: RuleMessages;
  /** The top-level fields of the resource the rule's conditions read; undefined when any. */
  rootFields: readonly string[] | undefined;
}

function fieldsReadByBoth(
  appliesWhen: CompiledCondition | undefined,
  condition: CompiledCondition,
): readonly string[] | undefined {
  if (appliesWhen === undefined) return condition.rootFields;
  if (appliesWhen.rootFields === undefined || condition.rootFields === undefined) return undefined;
  return [...new Set([...appliesWhen.rootFields, ...condition.rootFields])];
}

interface JudgedResources {
  resources: readonly Resource[];
  documents: readonly JsonObject[];
  refs: ResourceRef[];
}

function judgedResources(
  inventory: EvaluationData,
  resources: readonly Resource[],
  documents: readonly JsonObject[] = resources.map((resource) => inventory.documentOf(resource)),
): JudgedResources {
  return {
    resources,
    documents,
    // One identity per resource for the run, shared by all its results; a table that outlives the
    // run (refOf) is for resources judged one at a time.
    refs: resources.map(makeRef),
  };
}

/**
 * The state a condition starts from, made once for a run and pointed at each resource in turn:
 * nothing keeps it once the resource is judged, and a run judges a hundred thousand pairs.
 */
class JudgingFrame {
  readonly root: Located = { value: null, path: "" };
  readonly scope: PathScope;
  readonly state: EvaluationState;
  /** The facts about the resource a message may name, for the last resource that failed a rule. */
  private metaFor: Resource | undefined;
  private meta: Record<string, string | undefined> = {};

  constructor(
    memo: VerdictMemo,
    readonly mayHoldUnknowns: boolean,
  ) {
    this.scope = { root: this.root, params: {}, bindings: null, mayHoldUnknowns, memo };
    this.state = { current: this.root, scope: this.scope };
  }

  private plannedFor: Resource | undefined;
  private planned = false;

  /** Whether a resource is planned rather than observed, asked once for all the rules of its type. */
  isPlanned(resource: Resource): boolean {
    if (this.plannedFor !== resource) {
      this.plannedFor = resource;
      this.planned = isPlanned(resource.source.kind);
    }
    return this.planned;
  }

  /**
   * What a message's `{id}`, `{type}`, `{kind}`… show: one object for all the rules a resource
   * fails, since the rules of a type judge each resource in turn.
   */
  metaOf(resource: Resource): Record<string, string | undefined> {
    if (this.metaFor !== resource) {
      this.metaFor = resource;
      this.meta = {
        id: resource.id,
        type: resource.type,
        kind: kindOf(resource.type),
        account: resource.account,
        region: resource.region,
        arn: resource.arn,
      };
    }
    return this.meta;
  }

  /** The state for judging `document` under `params`. */
  at(document: JsonObject, params: Record<string, JsonValue>): EvaluationState {
    this.root.value = document;
    this.scope.params = params;
    this.scope.mayHoldUnknowns = this.mayHoldUnknowns;
    return this.state;
  }

  /**
   * Judges the document in the state as known data when none of `fields` (all of it, when
   * undefined) holds an unknown value: a template resource whose only unknown is its VPC is read
   * by the security-group rules as a snapshot's is, with the verdicts and explanations that known
   * data allows to keep and reuse.
   */
  readingOnly(fields: readonly string[] | undefined): void {
    if (!this.mayHoldUnknowns) return;
    this.scope.mayHoldUnknowns = this.holdUnknowns(this.root.value as JsonObject, fields);
  }

  /** The document whose fields `unknownFields` tells about: all the rules of a type read it in turn. */
  private fieldsOf: JsonObject | undefined;
  private readonly unknownFields = new Map<string, boolean>();

  /** Whether the document in `fieldsOf` is itself unknown (a resource whose properties are). */
  private wholeUnknown = false;

  private holdUnknowns(document: JsonObject, fields: readonly string[] | undefined): boolean {
    if (fields === undefined) return true;
    if (this.fieldsOf !== document) {
      this.fieldsOf = document;
      this.unknownFields.clear();
      this.wholeUnknown = isUnknown(document);
    }
    if (this.wholeUnknown) return true;
    for (const field of fields) {
      let holds = this.unknownFields.get(field);
      if (holds === undefined) {
        holds = Object.hasOwn(document, field) && firstUnknown(document[field]) !== undefined;
        this.unknownFields.set(field, holds);
      }
      if (holds) return true;
    }
    return false;
  }
}

/** The types a rule reads besides its own (`uses`). */
function relatedTypes(rule: Rule): readonly ResourceType[] {
  return rule.dependsOn.filter((type) => !rule.metadata.resourceTypes.includes(type));
}

/**
 * The evidence of results that have none (passes, not applicable, errors): one shared, frozen
 * list, since a run holds a hundred thousand of them.
 */
const NO_EVIDENCE = Object.freeze([]) as unknown as Evidence[];

/** The names bound for a message whose evidence binds none. */
const NO_BINDINGS: Record<string, JsonValue> = Object.freeze({});

function result(
  judging: RuleJudging,
  ref: ResourceRef,
  status: RuleResult["status"],
  message: string,
  evidence: Evidence[] = NO_EVIDENCE,
): RuleResult {
  return { ruleId: judging.ruleId, severity: judging.severity, resource: ref, status, message, evidence };
}

function defaults(rule: Rule): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(rule.params).map(([name, spec]) => [name, spec.default]));
}

const refs = new WeakMap<Resource, ResourceRef>();

/** The identity a result names; one object per resource, shared by all its results. */
export function refOf(resource: Resource): ResourceRef {
  let ref = refs.get(resource);
  if (!ref) refs.set(resource, (ref = makeRef(resource)));
  return ref;
}

function makeRef(resource: Resource): ResourceRef {
  const { type, id, arn, account, region, source } = resource;
  // Two literals rather than a spread: one identity per resource, fifty thousand in a large run.
  return arn ? { type, id, arn, account, region, source } : { type, id, account, region, source };
}

export function evaluateRule(
  rule: Rule,
  resource: Resource,
  inventory: EvaluationData,
  params: Record<string, JsonValue>,
  severity: Severity = rule.metadata.severity,
  memo: VerdictMemo = new ResourceVerdicts(),
): RuleResult {
  const frame = new JudgingFrame(memo, inventory.mayHoldUnknowns);
  const document = inventory.documentOf(resource);
  const judging = new RuleJudging(rule, params, severity);
  return judge(judging, resource, refOf(resource), document, inventory, frame);
}

function judge(
  judging: RuleJudging,
  resource: Resource,
  ref: ResourceRef,
  document: JsonObject,
  inventory: EvaluationData,
  frame: JudgingFrame,
): RuleResult {
  const { rule, params } = judging;
  if (rule.liveOnly && frame.isPlanned(resource)) {
    return result(judging, ref, "not_applicable", "judged on live data only");
  }
  const misfit = inventory.misfitOf?.(resource) ?? relatedMisfit(judging.related, inventory, resource);
  if (misfit !== undefined) {
    return result(judging, ref, "error", `cannot decide: ${misfit}`);
  }
  const missing = missingRelatedData(judging.related, inventory, resource);
  if (missing !== undefined) {
    return result(judging, ref, "error", describeMissing(missing));
  }
  const state = frame.at(document, params);
  try {
    const { appliesWhen, condition, message: messages, rootFields } = judging.compiled();
    frame.readingOnly(rootFields);
    if (appliesWhen && !appliesWhen.holds(state)) {
      return result(judging, ref, "not_applicable", "not applicable");
    }
    if (condition.holds(state)) return result(judging, ref, "pass", "compliant");
    const explained = condition.explain(state, false);
    if (explained.ok) {
      // The two evaluations of one condition must agree; a disagreement is a bug, never a pass.
      throw new Error("the condition held when explained but not when decided");
    }
    const outcome = { ok: false, evidence: distinctEvidence(explained.evidence) };
    const message = failureMessage(messages, resource, document, params, outcome, frame);
    return result(judging, ref, "fail", message, outcome.evidence.map(withoutMessageId));
  } catch (error) {
    return result(judging, ref, "error", errorMessage(rule, state, error));
  }
}

function errorMessage(rule: Rule, state: EvaluationState, error: unknown): string {
  const located =
    error instanceof InvalidValueError && error.location === undefined
      ? (locateUndecided(rule, state) ?? error)
      : error;
  return located instanceof CannotDecideError
    ? located.message
    : `could not evaluate: ${(located as Error).message}`;
}

/**
 * The fast evaluation does not keep paths, so a value it could not read is named without its
 * place; the explaining one keeps them, and is run again for the one resource to say where it is.
 */
function locateUndecided(rule: Rule, state: EvaluationState): CannotDecideError | undefined {
  try {
    if (rule.appliesWhen && !rule.appliesWhen.explain(state).ok) return undefined;
    rule.condition.explain(state);
  } catch (error) {
    if (error instanceof CannotDecideError) return error;
  }
  return undefined;
}

/**
 * Evidence about the resource, each path once: a value tested twice (guarded, then compared)
 * is one piece of evidence, and parameters are the rule's, not the resource's.
 */
function distinctEvidence(evidence: readonly Evidence[]): Evidence[] {
  // Most failures have one piece of evidence: nothing to compare it with.
  if (evidence.length === 1) {
    const only = evidence[0]!;
    return isParameter(only.path) ? [] : [only];
  }
  const seen = new Set<string>();
  return evidence.filter((item) => {
    if (isParameter(item.path) || seen.has(item.path)) return false;
    seen.add(item.path);
    return true;
  });
}

function isParameter(path: string): boolean {
  return path.startsWith("$params");
}

function failureMessage(
  messages: RuleMessages,
  resource: Resource,
  document: JsonValue,
  params: Record<string, JsonValue>,
  outcome: Outcome,
  frame: JudgingFrame,
): string {
  const first: Evidence | undefined = outcome.evidence[0];
  const message = messages.render(first?.message, {
    resource: document,
    match: first?.value ?? null,
    params,
    bindings: first?.bindings ?? NO_BINDINGS,
    meta: frame.metaOf(resource),
    mayHoldUnknowns: frame.mayHoldUnknowns,
  });
  // Several elements of the same list (two open permissions) are counted in the message; the
  // several values behind one verdict (both log destinations unset) are not.
  const list = first === undefined ? undefined : listOfItem(first.path);
  let siblings = 0;
  if (list !== undefined) {
    for (const item of outcome.evidence) if (listOfItem(item.path) === list) siblings++;
    siblings--;
  }
  return siblings > 0 ? `${message} (and ${siblings} more)` : message;
}

const kinds = new Map<string, string | undefined>();

/** The last part of a resource type (`Instance` of `AWS::EC2::Instance`), worked out once per type. */
function kindOf(type: string): string | undefined {
  let kind = kinds.get(type);
  if (kind === undefined && !kinds.has(type)) kinds.set(type, (kind = type.split("::").at(-1)));
  return kind;
}

/** The message id chose the message; a result reports only what the resource holds. */
function withoutMessageId(evidence: Evidence): Evidence {
  if (evidence.message === undefined) return evidence;
  // Field by field, in the order evidence is made: cheaper than copying all but one field.
  const reported: Evidence = { path: evidence.path, value: evidence.value };
  if (evidence.bindings !== undefined) reported.bindings = evidence.bindings;
  if (evidence.focus !== undefined) reported.focus = evidence.focus;
  return reported;
}

/** The path of the list a path is an item of (`A[2]` → `A`), or undefined when it is not one. */
function listOfItem(path: string): string | undefined {
  const open = path.lastIndexOf("[");
  if (open < 0 || path.length - open < 3 || path.charCodeAt(path.length - 1) !== 93) return undefined;
  for (let index = open + 1; index < path.length - 1; index++) {
    const code = path.charCodeAt(index);
    if (code < 48 || code > 57) return undefined;
  }
  return path.slice(0, open);
}

/**
 * Collection errors that leave a resource's related data incomplete (its own type's data is whole:
 * a resource either came back from the API or it did not).
 */
function missingRelatedData(
  related: readonly ResourceType[],
  inventory: EvaluationData,
  resource: Resource,
): CollectionError[] | undefined {
  if (inventory.collectionErrors.length === 0 || related.length === 0) return undefined;
  const errors = inventory.errorsAffecting(related, resource.account, resource.region);
  return errors.length === 0 ? undefined : errors;
}

/** A related resource the rule reads that does not have its canonical shape. */
function relatedMisfit(
  related: readonly ResourceType[],
  inventory: EvaluationData,
  resource: Resource,
): string | undefined {
  if (inventory.misfitAffecting === undefined || related.length === 0) return undefined;
  const problem = inventory.misfitAffecting(related, resource.account);
  return problem === undefined ? undefined : `a related resource: ${problem}`;
}

/** One error result per collection error that touches the rule's data: the scope itself is unjudged. */
function scopeErrors(rule: Rule, inventory: EvaluationData, severity: Severity): RuleResult[] {
  return inventory.collectionErrors
    .filter((error) => error.resourceTypes.some((type: ResourceType) => rule.dependsOn.includes(type)))
    .map((error) => ({
      ruleId: rule.metadata.id,
      status: "error" as const,
      severity,
      message: describeMissing([error]),
      resource: {
        type: "AWS::::Account" as const,
        id: error.account,
        account: error.account,
        region: error.region,
        source: { kind: "aws-live" as const },
      },
      evidence: [],
    }));
}

export function describeMissing(errors: readonly CollectionError[]): string {
  const reasons = errors.map(
    (error) =>
      `${error.service}:${error.operation} failed in ${error.account}/${error.region} (${error.code}: ${error.message})` +
      (error.iamAction ? `; the scanner needs ${error.iamAction}` : ""),
  );
  return `could not evaluate: ${reasons.join("; ")}`;
}
