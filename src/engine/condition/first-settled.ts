import type { JsonValue } from "../../model/resource.js";
import type { EvaluationState } from "./compile.js";
import type { VerdictMemo } from "./path.js";

/**
 * Where the fast decision of a part judged on the resource itself stopped: the first child of an
 * `all` that failed, the first element that settled a quantifier. Explaining a failing resource
 * decides the same parts again to find what to report; starting from here spares deciding twice
 * what the fast decision already did.
 *
 * One per compiled part. The resource's memo carries the stamp (the document, for the resource
 * being judged), so the stop is forgotten when the next resource comes; the part holds the rest,
 * since a quantifier that settles for passing resources too keeps one for each, and that must not
 * allocate. Nothing is kept when data may hold unknown values, nor when an earlier part was
 * undecided or anything threw: callers keep only a definite, known stop.
 */
export class FirstSettled {
  private memo: VerdictMemo | undefined;
  private document: JsonValue = null;
  private params: object | undefined;
  /** The position of the stop, once `found` says it applies. */
  index = 0;
  /** The element that settled a quantifier (undefined for an `all`). */
  value: JsonValue | undefined;

  constructor(private readonly id: number) {}

  keep(state: EvaluationState, index: number, value: JsonValue | undefined): void {
    const scope = state.scope;
    const memo = scope.memo;
    if (scope.mayHoldUnknowns === true || memo?.keepOutcome === undefined) return;
    memo.keepOutcome(this.id, state.current.value);
    this.memo = memo;
    this.document = state.current.value;
    this.params = scope.params;
    this.index = index;
    this.value = value;
  }

  /** Whether the stop kept is the fast decision's for this very resource and parameters. */
  found(state: EvaluationState): boolean {
    const scope = state.scope;
    const memo = scope.memo;
    if (scope.mayHoldUnknowns === true || memo?.outcomeOf === undefined || memo !== this.memo) return false;
    const document = state.current.value;
    return memo.outcomeOf(this.id) === document && this.document === document && this.params === scope.params;
  }
}
