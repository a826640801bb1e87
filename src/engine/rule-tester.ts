import { relative } from "node:path";
import type { ErrorObject } from "ajv";
import type { JsonObject, Resource, ResourceType } from "../model/resource.js";
import { resourceTypeSpec } from "../model/resource-types.js";
import { documentShape, fieldThatCannotExist } from "./path-shapes.js";
import { withPreferenceDefaults } from "../model/session-preferences.js";
import { UNKNOWN_KEY } from "../model/unknown.js";
import { explainSchemaErrors } from "../util/schema-errors.js";
import { NotTextError, readTextFile } from "../util/text-file.js";
import { parseYaml, positionOf, toJs } from "../util/yaml-position.js";
import { evaluateRule, type EvaluationData } from "./evaluate.js";
import { ParamError, resolveParams } from "./params.js";
import type { ResultStatus } from "./result.js";
import type { Rule } from "./rule.js";
import { type RuleProblem } from "./rule-loader.js";
import { describeFileError } from "../util/file-errors.js";
import validateRuleTestSchema from "./rule-test-validator.generated.js";

/**
 * Runs the cases written beside each rule (`<rule>.test.yaml`): resource documents that must
 * pass, fail (with the expected evidence and message), be not applicable, or give an error.
 * Like ESLint's RuleTester: a rule without cases for both verdicts, or with an `applies-when` but
 * no not-applicable case, is itself a failure.
 */

export const TEST_ACCOUNT = "111122223333";
export const TEST_REGION = "us-east-1";

interface TestCase {
  name: string;
  type?: ResourceType;
  params?: Record<string, unknown>;
  resource: JsonObject;
  evidence?: string | string[];
  message?: string;
}

type TestFile = Partial<Record<ResultStatus, TestCase[]>>;

export interface CaseOutcome {
  ruleId: string;
  expected: ResultStatus;
  name: string;
  /** Why the case failed; undefined when it passed. */
  failure?: string;
}

export interface RuleTestReport {
  ruleId: string;
  testFile: string;
  cases: CaseOutcome[];
  /** Problems with the test file itself (missing, malformed, missing kinds of cases). */
  problems: RuleProblem[];
}

/** `schemas/rule-test.schema.json`, compiled ahead of time (`npm run validators`). */
const validator = validateRuleTestSchema as { (value: unknown): boolean; errors?: ErrorObject[] | null };

export function testFileFor(rule: Rule): string {
  return rule.path.replace(/\.ya?ml$/, ".test.yaml");
}

export async function testRule(rule: Rule, cwd = process.cwd()): Promise<RuleTestReport> {
  const path = testFileFor(rule);
  const display = relative(cwd, path);
  const report: RuleTestReport = { ruleId: rule.metadata.id, testFile: display, cases: [], problems: [] };
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (error) {
    report.problems.push({
      file: display,
      message:
        error instanceof NotTextError
          ? error.message
          : `rule ${rule.metadata.id} has no tests: ${describeFileError(error)}`,
    });
    return report;
  }
  const parsed = parseYaml(text);
  if (parsed.problem) {
    const { line, column, message } = parsed.problem;
    report.problems.push({ file: display, line, column, message: `invalid YAML: ${message}` });
    return report;
  }
  const value = toJs(parsed);
  if (!validator(value)) {
    const explained = explainSchemaErrors(validator.errors ?? []);
    report.problems.push({
      file: display,
      ...positionOf(parsed, explained.pointer, explained.key === undefined ? {} : { key: explained.key }),
      message: `${explained.pointer.join(".")}: ${explained.message}`,
    });
    return report;
  }
  const file = value as TestFile;
  if (rule.appliesWhen && !file.not_applicable?.length) {
    report.problems.push({
      file: display,
      message: `rule ${rule.metadata.id} has an applies-when filter but no not_applicable case`,
    });
  }
  for (const expected of ["pass", "fail", "not_applicable", "error"] as const) {
    for (const testCase of file[expected] ?? []) {
      report.cases.push(runCase(rule, expected, testCase));
    }
  }
  return report;
}

export function runCase(rule: Rule, expected: ResultStatus, testCase: TestCase): CaseOutcome {
  const outcome: CaseOutcome = { ruleId: rule.metadata.id, expected, name: testCase.name };
  const type = testCase.type ?? rule.metadata.resourceTypes[0]!;
  if (!rule.metadata.resourceTypes.includes(type)) {
    return { ...outcome, failure: `the rule does not apply to ${type}` };
  }
  let params;
  try {
    params = resolveParams(rule.metadata.id, rule.params, [testCase.params ?? {}]);
  } catch (error) {
    if (error instanceof ParamError) return { ...outcome, failure: error.message };
    throw error;
  }
  const resource: Resource = {
    type,
    id: testResourceId(type, testCase.resource),
    account: TEST_ACCOUNT,
    region: TEST_REGION,
    source: { kind: "snapshot" },
    properties: testCase.resource,
  };
  const misfit = fieldThatCannotExist(testCase.resource, documentShape([type]));
  if (misfit !== undefined) return { ...outcome, failure: `the case's resource holds ${misfit}` };
  const data: EvaluationData = {
    collectionErrors: [],
    mayHoldUnknowns: JSON.stringify(testCase.resource).includes(`"${UNKNOWN_KEY}"`),
    ofType: () => [resource],
    documentOf: (r) => withPreferenceDefaults(r),
    errorsAffecting: () => [],
  };
  const result = evaluateRule(rule, resource, data, params);
  if (result.status !== expected) {
    const detail = result.status === "fail" || result.status === "error" ? `: ${result.message}` : "";
    return { ...outcome, failure: `expected ${expected}, got ${result.status}${detail}` };
  }
  if (expected === "fail") {
    if (testCase.message !== undefined && result.message !== testCase.message) {
      return { ...outcome, failure: `expected message "${testCase.message}", got "${result.message}"` };
    }
    if (testCase.evidence !== undefined) {
      const paths = result.evidence.map((item) => item.path);
      const expectedPaths = Array.isArray(testCase.evidence) ? testCase.evidence : [testCase.evidence];
      const actual = Array.isArray(testCase.evidence) ? paths : paths.slice(0, 1);
      if (JSON.stringify(actual) !== JSON.stringify(expectedPaths)) {
        return {
          ...outcome,
          failure: `expected evidence ${JSON.stringify(expectedPaths)}, got ${JSON.stringify(actual)}`,
        };
      }
    }
  }
  if (expected === "error" && testCase.message !== undefined && !result.message.includes(testCase.message)) {
    return {
      ...outcome,
      failure: `expected an error mentioning "${testCase.message}", got "${result.message}"`,
    };
  }
  return outcome;
}

/** The case's resource names itself as the real one would (`{id}` in a message): by its id field. */
function testResourceId(type: ResourceType, properties: JsonObject): string {
  const id = properties[resourceTypeSpec(type).idField];
  return typeof id === "string" && id !== "" ? id : "test-resource";
}
