import { readFile } from "node:fs/promises";
import type { ResultStatus } from "../../../src/engine/result.js";
import { testFileFor } from "../../../src/engine/rule-tester.js";
import type { Rule } from "../../../src/engine/rule.js";
import type { JsonObject, ResourceType } from "../../../src/model/resource.js";
import { resourceTypeSpec } from "../../../src/model/resource-types.js";
import { isPlanned } from "../../../src/model/source-kinds.js";
import { parseYaml, toJs } from "../../../src/util/yaml-position.js";
import { kindOf, MATRIX_SOURCES, readWorld, verdictOf, type MatrixSource, type Verdict } from "./sources.js";
import { Inexpressible, worldOf, type World } from "./world.js";

/** One case of a rule's test file, with its expected status. */
export interface RuleCase {
  ruleId: string;
  name: string;
  expected: ResultStatus;
  type: ResourceType;
  params?: Record<string, unknown>;
  resource: JsonObject;
}

/** A cell of the matrix: one case through one source. */
export type Cell =
  | { kind: "verdict"; verdict: Verdict }
  | { kind: "inexpressible"; reason: string }
  /** The converter or the reader went wrong (a bug in one or the other). */
  | { kind: "broken"; reason: string };

export interface CaseRow {
  case: RuleCase;
  /** Undefined when the case cannot be taken apart into resources at all. */
  world?: World;
  cells: Record<MatrixSource, Cell>;
}

export async function casesOf(rule: Rule): Promise<RuleCase[]> {
  const parsed = parseYaml(await readFile(testFileFor(rule), "utf8"));
  const file = toJs(parsed) as Partial<Record<ResultStatus, Omit<RuleCase, "ruleId" | "expected">[]>>;
  const cases: RuleCase[] = [];
  for (const expected of ["pass", "fail", "not_applicable", "error"] as const) {
    for (const entry of file[expected] ?? []) {
      cases.push({
        ruleId: rule.metadata.id,
        name: entry.name,
        expected,
        type: entry.type ?? rule.metadata.resourceTypes[0]!,
        ...(entry.params !== undefined ? { params: entry.params } : {}),
        resource: entry.resource,
      });
    }
  }
  return cases;
}

export async function runCase(rule: Rule, ruleCase: RuleCase, dir: string, name: string): Promise<CaseRow> {
  const cells = {} as Record<MatrixSource, Cell>;
  let world: World;
  try {
    world = worldOf(ruleCase.type, ruleCase.resource);
  } catch (error) {
    if (!(error instanceof Inexpressible)) throw error;
    for (const source of MATRIX_SOURCES) cells[source] = { kind: "inexpressible", reason: error.message };
    return { case: ruleCase, cells };
  }
  for (const source of MATRIX_SOURCES) {
    try {
      const data = await readWorld(source, world, dir, name);
      cells[source] = { kind: "verdict", verdict: verdictOf(source, world, data, rule, ruleCase.params) };
    } catch (error) {
      cells[source] =
        error instanceof Inexpressible
          ? { kind: "inexpressible", reason: error.message }
          : { kind: "broken", reason: error instanceof Error ? error.message : String(error) };
    }
  }
  return { case: ruleCase, world, cells };
}

/** Every `path` and `in` a condition reads. */
function pathsOf(condition: unknown, into: string[] = []): string[] {
  if (Array.isArray(condition)) for (const item of condition) pathsOf(item, into);
  else if (condition !== null && typeof condition === "object") {
    for (const [key, value] of Object.entries(condition)) {
      if ((key === "path" || key === "in") && typeof value === "string") into.push(value);
      else pathsOf(value, into);
    }
  }
  return into;
}

/**
 * Why a planned source may judge a rule differently from an observed one, derived from the
 * registry: the rule is marked live-only, one of its types is produced by observed sources only,
 * or its condition reads a property only a running resource has. Undefined when it may not.
 */
export function liveOnlyAllowance(rule: Rule, column: MatrixSource): string | undefined {
  const source = kindOf(column);
  if (!isPlanned(source)) return undefined;
  if (rule.liveOnly) return "the rule is marked live-only";
  for (const type of new Set([...rule.metadata.resourceTypes, ...rule.dependsOn])) {
    if (!resourceTypeSpec(type).sources.includes(source)) return `${type} comes from observed sources only`;
  }
  const roots = pathsOf([rule.definition["applies-when"], rule.definition.condition]).map(
    (path) => path.replace(/^\$root\./, "").split(/[.[]/)[0]!,
  );
  for (const type of rule.metadata.resourceTypes) {
    const property = resourceTypeSpec(type).liveOnlyProperties.find((name) => roots.includes(name));
    if (property !== undefined) return `it reads ${type} ${property}, which only observed sources know`;
  }
  return undefined;
}
