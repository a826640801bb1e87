import type { JsonValue } from "../../model/resource.js";
import type { EvaluationState } from "./compile.js";

/**
 * Where the fast decision of a part judged on the resource itself stopped: the first child of an
 * `all` that failed, the first element that settled a quantifier. Explaining a failing resource
 * decides the same parts again to find what to report; starting from here spares deciding twice
 * what the fast decision already did.
 *
 * It is kept in the resource's memo, so it is forgotten when the next resource comes, and names
 * the document and parameters it was found for. Nothing is kept when data may hold unknown values,
 * nor when an earlier part was undecided or anything threw: only a definite, known stop is reused.
 */
interface FirstSettled {
  document: JsonValue;
  params: object;
  index: number;
  value: JsonValue | undefined;
}

export function keepFirstSettled(
  state: EvaluationState,
  id: number,
  index: number,
  value: JsonValue | undefined,
): void {
  const scope = state.scope;
  if (scope.mayHoldUnknowns === true || scope.memo?.keepOutcome === undefined) return;
  const found: FirstSettled = { document: state.current.value, params: scope.params, index, value };
  scope.memo.keepOutcome(id, found);
}

/** The stop the fast decision found for this very resource and parameters, if it was kept. */
export function firstSettledOf(
  state: EvaluationState,
  id: number,
): { index: number; value: JsonValue | undefined } | undefined {
  const scope = state.scope;
  if (scope.mayHoldUnknowns === true || scope.memo?.outcomeOf === undefined) return undefined;
  const found = scope.memo.outcomeOf(id) as FirstSettled | undefined;
  if (found === undefined || found.document !== state.current.value || found.params !== scope.params) {
    return undefined;
  }
  return found;
}
