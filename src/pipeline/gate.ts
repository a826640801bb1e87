import { resolve } from "node:path";
import { describeFileError } from "../util/file-errors.js";
import { findDuplicateKey } from "../util/json-duplicates.js";
import { NotTextError, readTextFile } from "../util/text-file.js";
import type { BaselineComparison, RuleResult, WaiverOutcome } from "../engine/result.js";
import { applyWaivers } from "../engine/waivers.js";
import { InputError } from "../errors.js";
import type { Resource } from "../model/resource.js";
import { baselineOf, compareWithBaseline, parseBaselineJson, type Baseline } from "../report/baseline.js";
import type { InputProblem } from "../model/input-problem.js";
import type { RuleConfiguration } from "../engine/rule-set.js";

/**
 * What the CI gate adds between evaluation and the report: waivers (configuration file and
 * template `Metadata`), then the baseline. Wiring only; the logic is in `engine/waivers.ts` and
 * `report/baseline.ts`.
 */

/** Reads `--baseline FILE`; a file that cannot be read or parsed is one line and exit code 2. */
export async function loadBaseline(file: string, cwd: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readTextFile(resolve(cwd, file));
  } catch (error) {
    if (error instanceof NotTextError) throw new InputError(`baseline ${file}: ${error.message}`);
    throw new InputError(`cannot read baseline ${file}: ${describeFileError(error)}`, { cause: error });
  }
  const value = parseBaselineJson(text, file);
  const baseline = baselineOf(value, file);
  // No key may be written twice: which of two fingerprints counts would be a guess.
  const duplicate = findDuplicateKey(text, value);
  if (duplicate)
    throw new InputError(
      `baseline ${file}:${duplicate.line}:${duplicate.column}: duplicate key ${JSON.stringify(duplicate.key)} (first written at line ${duplicate.firstLine})`,
    );
  return baseline;
}

export interface GateInput {
  results: readonly RuleResult[];
  configuration: RuleConfiguration;
  resources: readonly Resource[];
  /** Every loaded rule id, switched-off rules included. */
  ruleIds: readonly string[];
  today: string;
  baseline?: Baseline;
  /** Whether the inputs could not all be read (collection errors, input problems). */
  incomplete?: boolean;
}

export interface GateOutcome {
  results: RuleResult[];
  waivers: WaiverOutcome[];
  /** Malformed waivers in templates: the run is incomplete, as with any unusable input. */
  problems: InputProblem[];
  baseline?: BaselineComparison;
}

export function applyGate(input: GateInput): GateOutcome {
  const waived = applyWaivers({
    results: input.results,
    waivers: input.configuration.waivers ?? [],
    resources: input.resources,
    ruleIds: input.ruleIds,
    today: input.today,
  });
  if (input.baseline === undefined) return waived;
  const incomplete = (input.incomplete ?? false) || waived.problems.length > 0;
  const { results, comparison } = compareWithBaseline(waived.results, input.baseline, incomplete);
  return { ...waived, results, baseline: comparison };
}
