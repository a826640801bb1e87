import { canonicalShapeProblem } from "../model/canonical.js";
import { resourceTypeSpec } from "../model/resource-types.js";
import { buildReport } from "../engine/build-report.js";
import { evaluateRules, type EvaluationSettings } from "../engine/evaluate.js";
import type { Report, RuleResult } from "../engine/result.js";
import { prepareRuleSet, type RuleConfiguration } from "../engine/rule-set.js";
import type { Rule } from "../engine/rule.js";
import { exitCodeFor, type FailThreshold } from "../engine/summary.js";
import { Inventory } from "../model/inventory.js";
import type { Resource } from "../model/resource.js";
import type { Baseline } from "../report/baseline.js";
import type { Source, SourceData } from "../sources/source.js";
import { applyGate } from "./gate.js";

/**
 * The one pipeline every entry runs: configuration → rules → inputs → relations → evaluate →
 * waivers → baseline → report. `check` runs all of it; `collect` stops after the inputs; the
 * Config rule Lambda runs the stages up to evaluation for the one resource an event names. The
 * entries only turn arguments or events into a request, and the outcome into output.
 */

export interface CheckRequest {
  /** Every loaded rule, switched-off ones included (waivers and settings are checked against them). */
  rules: readonly Rule[];
  configuration: RuleConfiguration & { failOn?: FailThreshold };
  /** `--param` overrides, by rule id. */
  paramOverrides: ReadonlyMap<string, Record<string, string>>;
  source: Source;
  /** Today's date (UTC, `YYYY-MM-DD`), when waivers expire. */
  today: string;
  baseline?: Baseline;
  /** When the run started (RFC 3339 UTC), written into the report to date it. */
  createdAt?: string;
}

export interface CheckOutcome {
  report: Report;
  /** The inputs as the source read them (for counts and messages). */
  data: SourceData;
  /** The exit code for a fail threshold (0 nothing at or above it, 1 findings, 2 incomplete). */
  exitCode: (failOn: FailThreshold) => number;
}

export async function runCheck(request: CheckRequest): Promise<CheckOutcome> {
  const { rules: enabled, settings } = prepareRuleSet(
    request.rules,
    request.configuration,
    request.paramOverrides,
  );
  const data = await readInputs(request.source);
  const inventory = relate(data, request.today);
  const gate = applyGate({
    results: evaluateRules(enabled, inventory, settings),
    configuration: request.configuration,
    resources: inventory.resources,
    ruleIds: request.rules.map((rule) => rule.metadata.id),
    today: request.today,
    ...(request.baseline !== undefined ? { baseline: request.baseline } : {}),
    incomplete: inventory.collectionErrors.length > 0 || data.inputProblems.length > 0,
  });
  const inputProblems = [...data.inputProblems, ...gate.problems];
  const built = buildReport({
    rules: enabled,
    results: gate.results,
    collectionErrors: inventory.collectionErrors,
    inputProblems,
    waivers: gate.waivers,
    ...(gate.baseline !== undefined ? { baseline: gate.baseline } : {}),
    resourceCount: inventory.resources.length,
    inputs: data.inputs,
    ...(settings.severities ? { severityOverrides: settings.severities } : {}),
  });
  const located = {
    ...built,
    configurationFile: request.configuration.file ?? null,
    resources: inventory.resources,
    ...(request.createdAt !== undefined ? { createdAt: request.createdAt } : {}),
  };
  const report = data.apiCalls !== undefined ? { ...located, apiCalls: data.apiCalls } : located;
  return {
    report,
    data,
    exitCode: (failOn) => exitCodeFor(gate.results, inventory.collectionErrors, failOn, inputProblems),
  };
}

/** The inputs stage: what `collect` writes and `check` evaluates. */
export async function readInputs(source: Source): Promise<SourceData> {
  return source.read();
}

/**
 * What `collect` writes: the resources that have their canonical shape. One that does not is left
 * out and becomes a collection error for its type in its account and region, so that checking the
 * snapshot later reports `error` there instead of judging data nobody understood.
 */
export function snapshotInputs(data: SourceData): SourceData {
  const resources: Resource[] = [];
  const collectionErrors = [...data.collectionErrors];
  for (const resource of data.resources) {
    const problem = canonicalShapeProblem(resource);
    if (problem === undefined) {
      resources.push(resource);
      continue;
    }
    const [service = "aws", operation = "unknown"] = (
      resourceTypeSpec(resource.type).liveReads[0] ?? ""
    ).split(":");
    collectionErrors.push({
      account: resource.account,
      region: resource.region,
      service,
      operation,
      code: "UnexpectedShape",
      message: problem,
      resourceTypes: [resource.type],
    });
  }
  return { ...data, resources, collectionErrors };
}

/**
 * The relations stage: every resource held to its canonical shape, relations resolved once, and
 * regions without a preferences document given Session Manager's defaults.
 */
export function relate(
  data: Pick<SourceData, "resources"> & Partial<SourceData>,
  /** The day ages are counted to (`YYYY-MM-DD`); the current UTC date when not given. */
  today?: string,
): Inventory {
  return new Inventory({
    ...(today !== undefined ? { today } : {}),
    resources: data.resources,
    scopes: data.scopes ?? [],
    collectionErrors: data.collectionErrors ?? [],
    mayHoldUnknowns: data.mayHoldUnknowns ?? false,
    shapesChecked: data.shapesChecked ?? false,
  });
}

/** The evaluation stage for chosen resources only (the Config rule judges the one an event names). */
export function evaluateResources(
  rules: readonly Rule[],
  inventory: Inventory,
  settings: EvaluationSettings,
  targets: readonly Resource[],
): RuleResult[] {
  return evaluateRules(rules, inventory, settings, new Set(targets));
}
