/**
 * The library entry: the pieces the CLI and the Config Lambda are built from, for programs that
 * embed the checker.
 */
export { Inventory } from "./model/inventory.js";
export type { Resource, ResourceType, ResourceSource, JsonValue, JsonObject } from "./model/resource.js";
export { ResourceTypes } from "./model/resource.js";
export type { CollectionError, Scope } from "./model/collection-error.js";
export { loadRuleDirectories } from "./engine/rule-loader.js";
export { evaluateRules, evaluateRule } from "./engine/evaluate.js";
export { prepareRuleSet } from "./engine/rule-set.js";
export { buildReport } from "./engine/build-report.js";
export { exitCodeFor } from "./engine/summary.js";
export type { Report, RuleResult, Evidence, Severity, ResultStatus } from "./engine/result.js";
export { renderReport, FORMATS } from "./report/index.js";
export { readSnapshot, parseSnapshot, writeSnapshot } from "./sources/snapshot.js";
export { BUILTIN_RULES_DIR } from "./assets.js";
