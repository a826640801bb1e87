import { isMapNode, isSeqNode, positionAt, type MapNode, type PositionedValue } from "../positioned/node.js";
import type { SourcePosition } from "../../util/source-position.js";

/**
 * The static check of a template's `Conditions` section that CloudFormation makes before it
 * deploys anything: every `{"Condition": name}` inside a condition names a condition of the
 * section, and no condition depends on itself. A template that breaks either is refused by
 * CloudFormation, so it is one input problem here too, located at the condition, rather than a
 * "cannot decide" on every resource the condition guards.
 */
export interface ConditionProblem {
  message: string;
  position: SourcePosition;
}

export function conditionSectionProblem(conditions: MapNode): ConditionProblem | undefined {
  const index = new Map<string, number>();
  conditions.keys.forEach((name, at) => index.set(name, at));
  const references: number[][] = [];
  for (let at = 0; at < conditions.keys.length; at += 1) {
    const misuse = misusedFunction(conditions.values[at]!);
    if (misuse !== undefined)
      return {
        message: `condition ${conditions.keys[at]!}: ${misuse}`,
        position: positionAt(conditions, at),
      };
    const named: number[] = [];
    for (const name of referencedConditions(conditions.values[at]!)) {
      const target = index.get(name);
      if (target === undefined) {
        return {
          message: `condition ${conditions.keys[at]!} refers to condition ${name}, which is not defined in Conditions`,
          position: positionAt(conditions, at),
        };
      }
      named.push(target);
    }
    references.push(named);
  }
  const cycle = firstCycle(references);
  if (cycle === undefined) return undefined;
  const path = [...cycle, cycle[0]!].map((at) => conditions.keys[at]!).join(" → ");
  return {
    message: `condition ${conditions.keys[cycle[0]!]!} depends on itself (${path})`,
    position: positionAt(conditions, cycle[0]!),
  };
}

/** How many operands each condition function takes, as CloudFormation counts them. */
const OPERANDS: Readonly<Record<string, readonly [number, number, string]>> = {
  "Fn::And": [2, 10, "a list of 2 to 10 conditions"],
  "Fn::Or": [2, 10, "a list of 2 to 10 conditions"],
  "Fn::Not": [1, 1, "a list of one condition"],
  "Fn::Equals": [2, 2, "a list of two values"],
};

/**
 * A condition function given other than the operands CloudFormation requires, found through
 * `Fn::And`, `Fn::Or` and `Fn::Not`. Evaluated as written, `Fn::Or` over a mapping has no operand
 * that holds and is false, so the resources it guards would be left out of the check; the
 * template is refused instead, as CloudFormation refuses it.
 */
function misusedFunction(value: PositionedValue): string | undefined {
  const pending: PositionedValue[] = [value];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (!isMapNode(next) || next.keys.length !== 1) continue;
    const fn = next.keys[0]!;
    const operands = OPERANDS[fn];
    if (operands === undefined) continue;
    const argument = next.values[0]!;
    const [fewest, most, expected] = operands;
    if (!isSeqNode(argument) || argument.items.length < fewest || argument.items.length > most)
      return `${fn} takes ${expected}`;
    if (fn !== "Fn::Equals") for (const item of argument.items) pending.push(item);
  }
  return undefined;
}

/** The names of the conditions `value` refers to with `{"Condition": name}`, at any depth. */
function referencedConditions(value: PositionedValue): string[] {
  const names: string[] = [];
  const pending: PositionedValue[] = [value];
  while (pending.length > 0) {
    const next = pending.pop()!;
    // Pushed one by one: spreading a list of a few hundred thousand items overflows the stack.
    if (isSeqNode(next)) for (const item of next.items) pending.push(item);
    else if (isMapNode(next)) {
      if (next.keys.length === 1 && next.keys[0] === "Condition" && typeof next.values[0] === "string")
        names.push(next.values[0]);
      else for (const value of next.values) pending.push(value);
    }
  }
  return names;
}

/**
 * The first cycle of the graph `edges` (by node index, in the section's order), as the nodes on
 * it from where it closes. Depth-first without recursion, so that a long chain of conditions in
 * a hostile template cannot exhaust the stack.
 */
function firstCycle(edges: readonly number[][]): number[] | undefined {
  const UNSEEN = 0;
  const ON_PATH = 1;
  const DONE = 2;
  const state = new Uint8Array(edges.length);
  for (let root = 0; root < edges.length; root += 1) {
    if (state[root] !== UNSEEN) continue;
    const path: number[] = [root];
    const nextEdge: number[] = [0];
    state[root] = ON_PATH;
    while (path.length > 0) {
      const node = path[path.length - 1]!;
      const edge = nextEdge[nextEdge.length - 1]!;
      if (edge === edges[node]!.length) {
        state[node] = DONE;
        path.pop();
        nextEdge.pop();
        continue;
      }
      nextEdge[nextEdge.length - 1] = edge + 1;
      const target = edges[node]![edge]!;
      if (state[target] === ON_PATH) return path.slice(path.indexOf(target));
      if (state[target] === UNSEEN) {
        state[target] = ON_PATH;
        path.push(target);
        nextEdge.push(0);
      }
    }
  }
  return undefined;
}
