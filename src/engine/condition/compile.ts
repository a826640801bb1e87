import type { JsonValue } from "../../model/resource.js";
import { assertKnown, assertWhollyKnown, isUnknown, UnknownValueError } from "../../model/unknown.js";
import { InvalidValueError } from "../operators/invalid-value.js";
import type { Evidence } from "../result.js";
import { MessageBranchError, tagFailure, type MessageBranches } from "./message-branch.js";
import { OperandError } from "./operand.js";
import { TEST_OPERATORS, type Test } from "./operators.js";
import {
  bind,
  compilePath,
  LISTED,
  PathSyntaxError,
  type Binding,
  type CompiledPath,
  type Located,
  type PathScope,
  type Selection,
} from "./path.js";
import type { PartVerdicts } from "./decisions.js";
import { FirstSettled } from "./first-settled.js";

/**
 * Compiles a rule's declarative condition once per rule into two functions:
 *
 * - `holds` decides, allocating as little as possible: most resources pass, and a run judges tens
 *   of thousands of them;
 * - `explain` decides *and* returns the evidence for the verdict, so that a failing rule can say
 *   which element made it fail: a passing `some` returns the elements that matched, a failing
 *   `every` the elements that did not, a failing `none` the elements that matched, a failing test
 *   the value it saw. The engine calls it only for resources that fail.
 *
 * Both walk the same compiled tree and must agree; the tests check them against each other.
 *
 * A part that reads an unknown value throws `UnknownValueError`. Combinators and quantifiers read
 * it as "unknown", in three-valued logic: a known part that settles the verdict on its own (a
 * false branch of `all`, an element that matches `some` or `none`, one that fails `every`) gives
 * a definite verdict; otherwise the first unknown's error goes up, and the engine reports it.
 * A value that does not parse (`InvalidValueError`) is different: it is a mistake in the data
 * that the user can fix, so it is always reported, even where other parts would decide. No
 * allocation is added for data that decides: `try` costs nothing until something throws.
 */

export interface Outcome {
  ok: boolean;
  evidence: Evidence[];
}

export interface EvaluationState {
  current: Located;
  scope: PathScope;
}

export interface CompiledCondition {
  holds(state: EvaluationState): boolean;
  /**
   * `decided`, when given, is what `holds` returned for this very state, without throwing, on data
   * that holds no unknown values: the explanation then skips deciding again what that settles.
   */
  explain(state: EvaluationState, decided?: boolean): Outcome;
  /**
   * The top-level fields of the resource the condition may read (`IpPermissions` for a condition
   * on `IpPermissions[]` and its elements); undefined when it may read any part of the resource.
   * A resource whose unknown values all lie elsewhere is judged as known data.
   */
  readonly rootFields?: readonly string[];
}

/** The fast decision's verdict, where it may spare deciding again (never on data with unknowns). */
function knownVerdict(state: EvaluationState, decided: boolean | undefined): boolean | undefined {
  return state.scope.mayHoldUnknowns === true ? undefined : decided;
}

/** A problem in a condition, with the key path to the offending node (for file:line:column). */
export class ConditionError extends Error {
  constructor(
    message: string,
    readonly pointer: (string | number)[],
  ) {
    super(message);
  }
}

interface CompileContext {
  pointer: (string | number)[];
  bindings: ReadonlySet<string>;
  params: ReadonlySet<string>;
  /** Whether a failure of this node makes the whole condition hold (under `not`, `none`'s `where`). */
  negated: boolean;
  messages: MessageBranches | undefined;
  /**
   * What the node reads besides its current element: `root`, `params` and names bound by `as`
   * (`@` for the element itself). Collected while compiling, to find the parts whose verdict
   * depends on their element alone.
   */
  uses: Set<string>;
  /** Whether the node is judged on a quantifier's element rather than on the resource itself. */
  withinElement: boolean;
  /** What the whole condition reads of the resource (see `CompiledCondition.rootFields`). */
  rootReads: RootReads;
}

/** The top-level fields of the resource a condition reads, or `whole` when it may read any. */
interface RootReads {
  fields: Set<string>;
  whole: boolean;
}

/** Notes that a path starting at the resource reads into `field` (undefined: the resource as a whole). */
function readsOfRoot(reads: RootReads, field: string | undefined): void {
  if (field === undefined) reads.whole = true;
  else reads.fields.add(field);
}

const QUANTIFIERS = ["some", "every", "none"] as const;
type Quantifier = (typeof QUANTIFIERS)[number];
const COMBINATORS = ["all", "any", "not"] as const;

/**
 * `messages`, for a rule's `condition`, lists the message ids the rule declares and collects those
 * that its branches name (`message: id`); without it, a branch that names a message is an error.
 */
export function compileCondition(
  raw: unknown,
  params: ReadonlySet<string>,
  pointer: (string | number)[] = [],
  messages?: MessageBranches,
  options: { leansToPass?: boolean } = {},
): CompiledCondition {
  const rootReads: RootReads = { fields: new Set(), whole: false };
  const compiled = compileNode(raw, {
    pointer,
    bindings: new Set(),
    params,
    negated: options.leansToPass === true,
    messages,
    uses: new Set(),
    withinElement: false,
    rootReads,
  });
  return rootReads.whole ? compiled : { ...compiled, rootFields: [...rootReads.fields] };
}

function compileNode(raw: unknown, context: CompileContext): CompiledCondition {
  const uses = new Set<string>();
  const operator = compileOperator(raw, { ...context, uses });
  for (const used of uses) context.uses.add(used);
  // A combinator or quantifier inside an element's condition that reads only the resource (and
  // the parameters) has one verdict and one explanation per resource, whichever element asks.
  const compiled =
    context.withinElement &&
    isStructural(raw) &&
    [...uses].every((used) => used === "root" || used === "params")
      ? oncePerResource(operator)
      : operator;
  const id = (raw as Record<string, unknown>).message;
  if (id === undefined) return compiled;
  const pointer = [...context.pointer, "message"];
  if (!context.messages)
    throw new ConditionError(`"message" names a message only in a rule's condition`, pointer);
  try {
    context.messages.use(id, context.negated);
  } catch (error) {
    if (error instanceof MessageBranchError) throw new ConditionError(error.message, pointer);
    throw error;
  }
  return tagFailure(compiled, id as string);
}

function isStructural(raw: unknown): boolean {
  return (
    raw !== null &&
    typeof raw === "object" &&
    Object.keys(raw).some(
      (key) =>
        (COMBINATORS as readonly string[]).includes(key) || (QUANTIFIERS as readonly string[]).includes(key),
    )
  );
}

/** Decides and explains a part once for the resource being judged (see `compileNode`). */
function oncePerResource(condition: CompiledCondition): CompiledCondition {
  const id = nextTestId++;
  return {
    holds(state) {
      const memo = state.scope.mayHoldUnknowns === true ? undefined : state.scope.memo;
      if (memo === undefined) return condition.holds(state);
      let verdict = memo.get(id);
      if (verdict === undefined) memo.set(id, (verdict = condition.holds(state)));
      return verdict;
    },
    explain(state, decided) {
      const memo = state.scope.mayHoldUnknowns === true ? undefined : state.scope.memo;
      if (memo?.outcomeOf === undefined || memo.keepOutcome === undefined) {
        return condition.explain(state, decided);
      }
      let outcome = memo.outcomeOf(id) as Outcome | undefined;
      if (outcome === undefined) memo.keepOutcome(id, (outcome = condition.explain(state, decided)));
      return outcome;
    },
  };
}

function compileOperator(raw: unknown, context: CompileContext): CompiledCondition {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConditionError("a condition must be a mapping", context.pointer);
  }
  const node = raw as Record<string, unknown>;
  const keys = Object.keys(node).filter((key) => key !== "message");
  const structural = keys.filter(
    (key) =>
      (COMBINATORS as readonly string[]).includes(key) || (QUANTIFIERS as readonly string[]).includes(key),
  );
  const tests = keys.filter((key) => key in TEST_OPERATORS);
  const unknown = keys.filter((key) => key !== "path" && !structural.includes(key) && !tests.includes(key));
  if (unknown.length) {
    throw new ConditionError(
      `unknown operator "${unknown[0]}"; expected one of all, any, not, some, every, none, ${Object.keys(TEST_OPERATORS).join(", ")}`,
      [...context.pointer, unknown[0]!],
    );
  }
  const operators = [...structural, ...tests];
  if (operators.length !== 1) {
    throw new ConditionError(
      operators.length === 0
        ? "a condition needs one operator besides `path`"
        : `a condition has exactly one operator, found ${operators.join(", ")}; combine them with "all" or "any"`,
      context.pointer,
    );
  }
  const operator = operators[0]!;
  if (structural.includes(operator) && "path" in node) {
    throw new ConditionError(`"path" goes with a test operator, not with "${operator}"`, [
      ...context.pointer,
      "path",
    ]);
  }
  const at = (...keys: (string | number)[]) => ({ ...context, pointer: [...context.pointer, ...keys] });
  switch (operator) {
    case "all":
      return compileAll(
        listOf(node.all, at("all")).map((child, index) => compileNode(child, at("all", index))),
        !context.withinElement,
      );
    case "any":
      return compileAny(
        listOf(node.any, at("any")).map((child, index) => compileNode(child, at("any", index))),
      );
    case "not":
      return compileNot(compileNode(node.not, { ...at("not"), negated: !context.negated }));
    case "some":
    case "every":
    case "none":
      return compileQuantifier(operator, node[operator], at(operator));
    default:
      return compileTest(operator, node, context);
  }
}

function listOf(value: unknown, context: CompileContext): unknown[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConditionError("expected a non-empty list of conditions", context.pointer);
  }
  return value;
}

/** Rethrows what is not an unknown value, so that only unknown parts are held back. */
function undecided(error: unknown): UnknownValueError {
  if (error instanceof UnknownValueError) return error;
  throw error;
}

/**
 * `onResource`: whether the node is judged on the resource itself (not on a quantifier's element),
 * so that where its fast decision stopped can be kept for explaining the same resource.
 */
function compileAll(children: CompiledCondition[], onResource: boolean): CompiledCondition {
  const stop = onResource ? new FirstSettled(nextTestId++) : undefined;
  return {
    holds(state) {
      let unknown: UnknownValueError | undefined;
      for (let index = 0; index < children.length; index++) {
        try {
          if (!children[index]!.holds(state)) {
            if (stop !== undefined && unknown === undefined) stop.keep(state, index, undefined);
            return false;
          }
        } catch (error) {
          unknown ??= undecided(error);
        }
      }
      if (unknown) throw unknown;
      return true;
    },
    explain(state, decided) {
      const verdict = knownVerdict(state, decided);
      // Held, every child held: there is no failing child to look for.
      const failing = verdict === true ? undefined : explainFailing(children, state, stop);
      if (failing !== undefined) return failing;
      const failed: Evidence[] = [];
      const passed: Evidence[] = [];
      let anyFailed = false;
      let unknown: UnknownValueError | undefined;
      for (const child of children) {
        let outcome: Outcome;
        try {
          outcome = child.explain(state, verdict === true ? true : undefined);
        } catch (error) {
          unknown ??= undecided(error);
          continue;
        }
        if (!outcome.ok) anyFailed = true;
        (outcome.ok ? passed : failed).push(...outcome.evidence);
      }
      if (anyFailed) return { ok: false, evidence: failed };
      if (unknown) throw unknown;
      return { ok: true, evidence: passed };
    },
  };
}

/**
 * A failing `all` reports its failing children only: found with the fast decision, then
 * explained. Undefined when all hold, or when that cannot be relied on (a value that may be
 * unknown, an error, a disagreement): the caller then explains every child.
 */
function explainFailing(
  children: readonly CompiledCondition[],
  state: EvaluationState,
  stop: FirstSettled | undefined,
): Outcome | undefined {
  if (state.scope.mayHoldUnknowns === true) return undefined;
  let failing: CompiledCondition[] | undefined;
  // The children before the first that failed the fast decision held; those after it are unknown.
  let from = 0;
  if (stop?.found(state) === true) {
    failing = [children[stop.index]!];
    from = stop.index + 1;
  }
  try {
    for (let index = from; index < children.length; index++) {
      const child = children[index]!;
      if (!child.holds(state)) (failing ??= []).push(child);
    }
  } catch {
    return undefined;
  }
  if (failing === undefined) return undefined;
  // Most failures fail one child: its evidence is the whole evidence, without a copy.
  if (failing.length === 1) {
    const outcome = failing[0]!.explain(state, false);
    return outcome.ok ? undefined : { ok: false, evidence: outcome.evidence };
  }
  const evidence: Evidence[] = [];
  for (const child of failing) {
    const outcome = child.explain(state, false);
    if (outcome.ok) return undefined;
    evidence.push(...outcome.evidence);
  }
  return { ok: false, evidence };
}

function compileAny(children: CompiledCondition[]): CompiledCondition {
  return {
    holds(state) {
      let unknown: UnknownValueError | undefined;
      for (const child of children) {
        try {
          if (child.holds(state)) return true;
        } catch (error) {
          unknown ??= undecided(error);
        }
      }
      if (unknown) throw unknown;
      return false;
    },
    explain(state, decided) {
      // Failed, every child failed.
      const childVerdict = knownVerdict(state, decided) === false ? false : undefined;
      const failed: Evidence[] = [];
      let unknown: UnknownValueError | undefined;
      for (const child of children) {
        let outcome: Outcome;
        try {
          outcome = child.explain(state, childVerdict);
        } catch (error) {
          unknown ??= undecided(error);
          continue;
        }
        if (outcome.ok) return outcome;
        failed.push(...outcome.evidence);
      }
      if (unknown) throw unknown;
      return { ok: false, evidence: failed };
    },
  };
}

function compileNot(child: CompiledCondition): CompiledCondition {
  return {
    holds: (state) => !child.holds(state),
    explain(state, decided) {
      const outcome = child.explain(state, decided === undefined ? undefined : !decided);
      return { ok: !outcome.ok, evidence: outcome.evidence };
    },
  };
}

function compilePathAt(text: unknown, context: CompileContext, key: string): CompiledPath {
  if (typeof text !== "string" || text === "") {
    throw new ConditionError(`"${key}" must be a JMESPath expression`, [...context.pointer, key]);
  }
  try {
    const path = compilePath(text);
    context.uses.add(path.base);
    // Inside an element, `@` and bound names are parts of what the quantifier's own path read.
    if (path.base === "root" || (path.base === "@" && !context.withinElement)) {
      readsOfRoot(context.rootReads, path.firstField);
    }
    if (
      path.base !== "@" &&
      path.base !== "root" &&
      path.base !== "params" &&
      !context.bindings.has(path.base)
    ) {
      throw new ConditionError(
        `"${text}" refers to "$${path.base}", which no enclosing quantifier binds with "as"`,
        [...context.pointer, key],
      );
    }
    return path;
  } catch (error) {
    if (error instanceof PathSyntaxError) throw new ConditionError(error.message, [...context.pointer, key]);
    throw error;
  }
}

function compileQuantifier(kind: Quantifier, raw: unknown, context: CompileContext): CompiledCondition {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConditionError(`"${kind}" takes a mapping with "in" and "where"`, context.pointer);
  }
  const spec = raw as { in?: unknown; as?: unknown; where?: unknown };
  const source = compilePathAt(spec.in, context, "in");
  const inText = String(spec.in);
  const name = typeof spec.as === "string" ? spec.as : undefined;
  if (name && (name === "root" || name === "params")) {
    throw new ConditionError(`"as: ${name}" is reserved`, [...context.pointer, "as"]);
  }
  if (spec.where === undefined && kind === "every") {
    throw new ConditionError(`"every" needs a "where" condition`, context.pointer);
  }
  const bindings = name ? new Set([...context.bindings, name]) : context.bindings;
  // Judged on the resource itself, the element that settled the fast decision is kept for explaining.
  const stop = context.withinElement ? undefined : new FirstSettled(nextTestId++);
  // `none` fails on an element that matches, so a failure inside `where` counts the other way.
  const negated = kind === "none" ? !context.negated : context.negated;
  const whereUses = new Set<string>();
  const where =
    spec.where === undefined
      ? undefined
      : compileNode(spec.where, {
          ...context,
          bindings,
          negated,
          pointer: [...context.pointer, "where"],
          uses: whereUses,
          withinElement: true,
        });
  for (const used of whereUses) if (used !== name && used !== "@") context.uses.add(used);
  // A `where` that reads only its element and the parameters judges an element the same way in
  // every resource that holds it, so its verdicts can be kept for the run (see ElementVerdicts).
  const part =
    where !== undefined && [...whereUses].every((used) => used === "@" || used === "params" || used === name)
      ? nextPartId++
      : undefined;

  const stateFor = (state: EvaluationState, element: Located): EvaluationState => ({
    current: element,
    scope: name ? bind(state.scope, name, element) : state.scope,
  });

  // An element that is itself unknown (a list item a source could not resolve) is undecided.
  const checkElement = (state: EvaluationState, value: JsonValue): void => {
    if (state.scope.mayHoldUnknowns && isUnknown(value)) throw new UnknownValueError(value.$unknown);
  };
  // The element that settles the verdict alone: one that matches for `some` and `none`, one that
  // does not for `every`.
  const settling = kind !== "every";

  // The fast decision visits elements where they lie and judges each in one frame, made once
  // here and refilled for every call and element: a quantifier never runs inside itself, and
  // nothing keeps the frame once `holds` returns. Judging a list allocates nothing per element.
  const element: Located = { value: null, path: "" };
  const binding: Binding | null = name ? { name, element, outer: null } : null;
  const elementScope: PathScope = { root: element, params: {}, bindings: binding };
  const elementState: EvaluationState = { current: element, scope: elementScope };

  /** Points the frame at the resource being judged; the verdicts kept for its elements, if any. */
  const enter = (scope: PathScope): PartVerdicts | undefined => {
    if (binding) {
      binding.outer = scope.bindings;
      elementScope.root = scope.root;
      elementScope.params = scope.params;
      elementScope.mayHoldUnknowns = scope.mayHoldUnknowns === true;
      elementScope.memo = scope.memo;
    } else {
      elementState.scope = scope;
    }
    if (part === undefined || scope.mayHoldUnknowns === true) return undefined;
    return scope.memo?.elements?.of(part, scope.params);
  };

  /** Whether `where` holds for the element in the frame, from the kept verdicts when it recurs. */
  const matches = (value: JsonValue, kept: PartVerdicts | undefined): boolean => {
    element.value = value;
    if (kept === undefined || value === null || typeof value !== "object") return where!.holds(elementState);
    let verdict = kept.get(value);
    if (verdict === undefined) kept.set(value, (verdict = where!.holds(elementState)));
    return verdict;
  };

  /**
   * The elements `explainReported` reports, in its first `count` places: made once, as the frame
   * is, since a list grown from empty reserves 16 places and most failures report one or two
   * elements. Places past the count may still hold elements of an earlier resource, kept alive
   * with the model anyway until overwritten.
   */
  const reported: Located[] = [];

  /**
   * The state a reported element is explained in, refilled for each in turn as the fast
   * decision's frame is: explaining keeps no state once it returns (evidence holds paths and
   * values), and a fresh state, scope and binding for each of 35k reported elements add up.
   */
  const reportedBinding: Binding | null = name ? { name, element, outer: null } : null;
  const reportedScope: PathScope = {
    root: element,
    params: {},
    bindings: reportedBinding,
    mayHoldUnknowns: false,
    memo: undefined,
  };
  const reportedState: EvaluationState = { current: element, scope: reportedScope };
  const reportedStateFor = (state: EvaluationState, candidate: Located): EvaluationState => {
    reportedState.current = candidate;
    if (reportedBinding === null) {
      reportedState.scope = state.scope;
      return reportedState;
    }
    const scope = state.scope;
    reportedBinding.element = candidate;
    reportedBinding.outer = scope.bindings;
    reportedScope.root = scope.root;
    reportedScope.params = scope.params;
    reportedScope.mayHoldUnknowns = scope.mayHoldUnknowns;
    reportedScope.memo = scope.memo;
    return reportedState;
  };

  /**
   * Explains only the elements the verdict reports (those that matched for `some` and `none`, those
   * that did not for `every`), having judged each with the fast decision. Undefined when that
   * cannot be relied on (a value that may be unknown, an error, a disagreement): the caller then
   * explains every element, which names what went wrong where it is.
   */
  const explainReported = (
    state: EvaluationState,
    selection: Selection,
    elements: Located[],
    decided: boolean | undefined,
  ): Outcome | undefined => {
    if (where === undefined || state.scope.mayHoldUnknowns === true) return undefined;
    // The fast decision found no element that settles the verdict: there is none to report.
    if (decided !== undefined && decided !== (kind === "some")) {
      return { ok: decided, evidence: [{ path: selection.path, value: selection.value }] };
    }
    let count = 0;
    // The elements before the one that settled the fast decision did not settle it.
    let from = 0;
    if (stop?.found(state) === true && elements[stop.index]?.value === stop.value) {
      reported[count++] = elements[stop.index]!;
      from = stop.index + 1;
    }
    try {
      const kept = enter(state.scope);
      for (let index = from; index < elements.length; index++) {
        const candidate = elements[index]!;
        if (matches(candidate.value, kept) === settling) reported[count++] = candidate;
      }
    } catch {
      return undefined;
    }
    if (count === 0) {
      return { ok: kind !== "some", evidence: [{ path: selection.path, value: selection.value }] };
    }
    const keptExplanations =
      part === undefined ? undefined : state.scope.memo?.elements?.explanationsOf(part, state.scope.params);
    const explained = keptExplanations?.pays() === true ? keptExplanations : undefined;
    // Each place is filled before the list is returned.
    const evidence = new Array<Evidence>(count);
    for (let index = 0; index < count; index++) {
      const candidate = reported[index]!;
      const value = candidate.value;
      // Explained at one path, an element is explained at any other: what is found inside it
      // lies under its own path, whatever resource holds it.
      const shared =
        explained !== undefined && candidate.path !== "" && value !== null && typeof value === "object";
      let summary = shared ? (explained.get(value) as ElementSummary | undefined) : undefined;
      if (summary === undefined) {
        const outcome = where.explain(reportedStateFor(state, candidate), settling);
        if (outcome.ok !== settling) return undefined;
        summary = summarizeElement(candidate.path, outcome.evidence);
        if (shared) explained.set(value, summary);
      }
      evidence[index] = evidenceOfElement(candidate, name, summary);
    }
    return { ok: kind === "some", evidence };
  };

  /**
   * What the fast decision has found so far, in the one pass over the list that runs at a time
   * (see the frame above): the visitor is made once here, not once for every call.
   */
  const pass: {
    unknowns: boolean;
    kept: PartVerdicts | undefined;
    settled: boolean;
    unknown: UnknownValueError | undefined;
    /** How many elements were visited, the settling one included. */
    visited: number;
    settledBy: JsonValue | undefined;
  } = {
    unknowns: false,
    kept: undefined,
    settled: false,
    unknown: undefined,
    visited: 0,
    settledBy: undefined,
  };
  const beginPass = (unknowns: boolean, kept: PartVerdicts | undefined): void => {
    pass.unknowns = unknowns;
    pass.kept = kept;
    pass.settled = false;
    pass.unknown = undefined;
    pass.visited = 0;
    pass.settledBy = undefined;
  };
  const visitElement = (value: JsonValue): boolean => {
    pass.visited++;
    // Only the first unknown element is kept, so the error is made only for it: an error for each
    // (a stack trace each) cost more than the rest of the pass when thousands of access keys whose
    // user cannot be named each stand on every user of their account.
    if (pass.unknowns && isUnknown(value)) {
      pass.unknown ??= new UnknownValueError(value.$unknown);
      return false;
    }
    let matched = true;
    try {
      if (where) matched = matches(value, pass.kept);
    } catch (error) {
      pass.unknown ??= undecided(error);
      return false;
    }
    if (matched !== settling) return false;
    pass.settledBy = value;
    return (pass.settled = true);
  };

  return {
    holds(state) {
      const scope = state.scope;
      const unknowns = scope.mayHoldUnknowns === true;
      beginPass(unknowns, enter(scope));
      const selected = source.each(state.current, scope, visitElement);
      const unknown = pass.unknown;
      if (selected !== LISTED) {
        if (unknowns && isUnknown(selected)) throw new UnknownValueError(selected.$unknown);
        notAList(selected, inText);
        return kind !== "some";
      }
      if (pass.settled) {
        if (stop !== undefined && unknown === undefined) stop.keep(state, pass.visited - 1, pass.settledBy);
        return kind === "some";
      }
      if (unknown) throw unknown;
      return kind !== "some";
    },
    explain(state, decided) {
      const selection = source.evaluate(state.current, state.scope);
      if (state.scope.mayHoldUnknowns && isUnknown(selection.value)) {
        throw new UnknownValueError(selection.value.$unknown);
      }
      if (selection.elements === undefined) notAList(selection.value, selection.path);
      const elements =
        selection.elements ??
        (Array.isArray(selection.value)
          ? selection.value.map((value, index) => ({ value, path: `${selection.path}[${index}]` }))
          : []);
      const reported = explainReported(state, selection, elements, knownVerdict(state, decided));
      if (reported !== undefined) return reported;
      const matched: Evidence[] = [];
      const unmatched: Evidence[] = [];
      let unknown: UnknownValueError | undefined;
      for (const element of elements) {
        let outcome: Outcome;
        try {
          checkElement(state, element.value);
          outcome = where ? where.explain(stateFor(state, element)) : { ok: true, evidence: [] };
        } catch (error) {
          unknown ??= undecided(error);
          continue;
        }
        (outcome.ok ? matched : unmatched).push(elementEvidence(element, name, outcome.evidence));
      }
      const whole: Evidence[] = [{ path: selection.path, value: selection.value }];
      switch (kind) {
        case "some":
          if (matched.length) return { ok: true, evidence: matched };
          if (unknown) throw unknown;
          return { ok: false, evidence: whole };
        case "every":
          if (unmatched.length) return { ok: false, evidence: unmatched };
          if (unknown) throw unknown;
          return { ok: true, evidence: whole };
        case "none":
          if (matched.length) return { ok: false, evidence: matched };
          if (unknown) throw unknown;
          return { ok: true, evidence: whole };
      }
    },
  };
}

let nextPartId = 0;

/**
 * A missing list is empty, but a value that is there and is not a list (`in: GroupName`, an
 * object, a number) is a mistake in the rule or the data: judged as empty, `none` and `every`
 * would pass a resource no element of which was ever looked at.
 */
function notAList(value: JsonValue, location: string): void {
  if (value !== null && !Array.isArray(value)) {
    throw new InvalidValueError(value, "a list", undefined, location || "the value");
  }
}

/**
 * The evidence for one element: the element itself (what a message's `{match}` shows), with the
 * names bound inside it and the deepest path that explains it (`focus`, where a finding points).
 */
function elementEvidence(element: Located, name: string | undefined, inner: Evidence[]): Evidence {
  return evidenceOfElement(element, name, summarizeElement(element.path, inner));
}

/** What the explanation of an element found, with its focus relative to the element's path. */
interface ElementSummary {
  bindings: Record<string, JsonValue> | undefined;
  focusTail: string | undefined;
  message: string | undefined;
}

function summarizeElement(path: string, inner: Evidence[]): ElementSummary {
  let bindings: Record<string, JsonValue> | undefined;
  let focus: string | undefined;
  let message: string | undefined;
  for (const item of inner) {
    message ??= item.message;
    // The first element that matched names the match, as it does for `{match}`.
    const named = item.bindings;
    if (named !== undefined) {
      bindings ??= {};
      for (const key in named) if (!(key in bindings)) bindings[key] = named[key]!;
    }
    const deepest = item.focus ?? item.path;
    // Lengths first: most evidence is the element itself, and a path made by joining is flattened
    // to be compared.
    if (deepest.length > (focus?.length ?? path.length) && deepest.startsWith(path)) {
      focus = deepest;
    }
  }
  return { bindings, focusTail: focus?.slice(path.length), message };
}

function evidenceOfElement(element: Located, name: string | undefined, summary: ElementSummary): Evidence {
  const evidence: Evidence = { path: element.path, value: element.value };
  if (name) {
    const bindings = summary.bindings === undefined ? {} : { ...summary.bindings };
    bindings[name] = element.value;
    evidence.bindings = bindings;
  } else if (summary.bindings !== undefined && hasKeys(summary.bindings)) {
    evidence.bindings = { ...summary.bindings };
  }
  const focus = summary.focusTail === undefined ? undefined : element.path + summary.focusTail;
  if (focus) evidence.focus = focus;
  if (summary.message) evidence.message = summary.message;
  return evidence;
}

function hasKeys(record: Record<string, JsonValue>): boolean {
  for (const _ in record) return true;
  return false;
}

let nextTestId = 0;

/** The names an operator's argument refers to (`$root.…`, `$params.…`, `$name`), into `uses`. */
function addReferences(argument: unknown, uses: Set<string>): void {
  if (typeof argument === "string") {
    const name = /^\$([A-Za-z][A-Za-z0-9]*)/.exec(argument)?.[1];
    if (name !== undefined) uses.add(name);
  } else if (Array.isArray(argument)) {
    for (const item of argument) addReferences(item, uses);
  } else if (argument !== null && typeof argument === "object") {
    for (const item of Object.values(argument)) addReferences(item, uses);
  }
}

/** The fields of the resource an operator's argument reads (`$root.…`), into `reads`. */
function addRootReferences(argument: unknown, reads: RootReads): void {
  if (typeof argument === "string") {
    if (!ROOT_REFERENCE.test(argument)) return;
    let field: string | undefined;
    try {
      field = compilePath(argument).firstField;
    } catch {
      // Not an argument the operator reads as a path: nothing is known of what it reads.
      field = undefined;
    }
    readsOfRoot(reads, field);
  } else if (Array.isArray(argument)) {
    for (const item of argument) addRootReferences(item, reads);
  } else if (argument !== null && typeof argument === "object") {
    for (const item of Object.values(argument)) addRootReferences(item, reads);
  }
}

const ROOT_REFERENCE = /^\$root(?:[.[]|$)/;

/** Whether an operator's argument names an element bound by an enclosing quantifier. */
function refersToBindings(argument: unknown, bindings: ReadonlySet<string>): boolean {
  if (typeof argument === "string") {
    const name = /^\$([A-Za-z][A-Za-z0-9]*)/.exec(argument)?.[1];
    return name !== undefined && bindings.has(name);
  }
  if (Array.isArray(argument)) return argument.some((item) => refersToBindings(item, bindings));
  if (argument !== null && typeof argument === "object") {
    return Object.values(argument).some((item) => refersToBindings(item, bindings));
  }
  return false;
}

function compileTest(
  operator: string,
  node: Record<string, unknown>,
  context: CompileContext,
): CompiledCondition {
  const path = node.path === undefined ? undefined : compilePathAt(node.path, context, "path");
  if (path === undefined) context.uses.add("@");
  if (path === undefined && !context.withinElement) readsOfRoot(context.rootReads, undefined);
  addReferences(node[operator], context.uses);
  let test: Test;
  try {
    test = TEST_OPERATORS[operator]!.compile(node[operator], {
      bindings: context.bindings,
      params: context.params,
      negated: context.negated,
    });
  } catch (error) {
    if (error instanceof OperandError || error instanceof SyntaxError) {
      throw new ConditionError(error.message, [...context.pointer, operator]);
    }
    throw error;
  }
  addRootReferences(node[operator], context.rootReads);
  const unknowns = TEST_OPERATORS[operator]!.unknowns ?? "shallow";
  const checkKnown = unknowns === "own" ? undefined : unknowns === "deep" ? assertWhollyKnown : assertKnown;
  const decide = (state: EvaluationState): boolean => {
    const value = path ? path.valueOf(state.current, state.scope) : state.current.value;
    if (checkKnown && state.scope.mayHoldUnknowns) checkKnown(value);
    return test(value, state.current, state.scope);
  };
  const invariant =
    path !== undefined &&
    (path.base === "root" || path.base === "params") &&
    !refersToBindings(node[operator], context.bindings);
  const id = nextTestId++;
  return {
    holds(state) {
      const memo = invariant ? state.scope.memo : undefined;
      if (!memo) return decide(state);
      let verdict = memo.get(id);
      if (verdict === undefined) memo.set(id, (verdict = decide(state)));
      return verdict;
    },
    explain(state, decided) {
      const selected = path ? path.locate(state.current, state.scope) : state.current;
      // The fast decision judged this very value without throwing: only where it lies is new.
      const verdict = knownVerdict(state, decided);
      if (verdict !== undefined)
        return { ok: verdict, evidence: [{ path: selected.path, value: selected.value }] };
      if (checkKnown && state.scope.mayHoldUnknowns) checkKnown(selected.value);
      let ok: boolean;
      try {
        ok = test(selected.value, state.current, state.scope);
      } catch (error) {
        // The operator named the value; here is where it sits in the resource.
        if (error instanceof InvalidValueError && error.location === undefined) throw error.at(selected.path);
        throw error;
      }
      return { ok, evidence: [{ path: selected.path, value: selected.value }] };
    },
  };
}
