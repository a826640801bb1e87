import { stringify } from "yaml";
import { controlSummary, FRAMEWORK_IDS, FRAMEWORKS, fsbpControlUri } from "../engine/frameworks.js";
import type { FrameworkId, RuleFrameworks } from "../engine/frameworks.js";
import type { Rule } from "../engine/rule.js";
import { testFileFor } from "../engine/rule-tester.js";
import { parseYaml, toJs } from "../util/yaml-position.js";
import { readTextFile } from "../util/text-file.js";

/**
 * The rule reference, generated from the rule files and their tests so that it cannot drift:
 * one page per rule (`docs/rules/<id>.md`) and an index (`docs/rules/README.md`). The test suite
 * regenerates it and fails when the committed pages differ.
 */

const GENERATED_NOTE = "<!-- Generated from the rule files by `npm run docs`; do not edit. -->";

interface Example {
  name: string;
  resource: unknown;
  message?: string;
}

async function examplesOf(rule: Rule): Promise<{ pass?: Example; fail?: Example }> {
  try {
    const parsed = toJs(parseYaml(await readTextFile(testFileFor(rule)))) as {
      pass?: Example[];
      fail?: Example[];
    };
    return {
      ...(parsed.pass?.[0] ? { pass: parsed.pass[0] } : {}),
      ...(parsed.fail?.[0] ? { fail: parsed.fail[0] } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * Written out in full wherever a value repeats: the page must not depend on whether the rule was
 * read from its YAML, where an alias makes one object of two places, or from the built rule pack,
 * where every place has its own copy (`npm run docs` and the staleness test read one each).
 */
function yamlBlock(value: unknown): string {
  const text = stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  return ["```yaml", text.trimEnd(), "```"].join("\n");
}

export async function renderRulePage(rule: Rule): Promise<string> {
  const { metadata, definition } = rule;
  const examples = await examplesOf(rule);
  const lines: string[] = [
    GENERATED_NOTE,
    "",
    `# ${metadata.title}`,
    "",
    `| | |`,
    `|---|---|`,
    `| Rule id | \`${metadata.id}\` |`,
    `| Severity | ${metadata.severity} (security severity ${metadata.securitySeverity}) |`,
    `| Resource types | ${metadata.resourceTypes.map((type) => `\`${type}\``).join(", ")} |`,
    `| Tags | ${metadata.tags.join(", ")} |`,
    `| Compliance controls | ${controlsCell(metadata.frameworks)} |`,
    `| Source | [\`rules/${metadata.file}\`](../../rules/${metadata.file}) |`,
    "",
    "## What it checks",
    "",
    metadata.description,
    "",
    "## Why it matters",
    "",
    metadata.rationale,
    "",
  ];
  const params = Object.entries(rule.params);
  if (params.length) {
    lines.push("## Parameters", "", "| Name | Type | Default | Description |", "|---|---|---|---|");
    for (const [name, spec] of params) {
      lines.push(
        `| \`${name}\` | ${spec.type} | \`${JSON.stringify(spec.default)}\` | ${spec.description} |`,
      );
    }
    lines.push(
      "",
      `Override in \`.access-baseline.yml\` (\`rules: { ${metadata.id}: { params: { ${params[0]![0]}: … } } }\`) or with \`--param ${metadata.id}.${params[0]![0]}=…\`.`,
      "",
    );
  }
  if (examples.fail) {
    lines.push("## Failing example", "", `${examples.fail.name}:`, "", yamlBlock(examples.fail.resource), "");
    if (examples.fail.message) lines.push(`Reported as: “${examples.fail.message}”`, "");
  }
  if (examples.pass) {
    lines.push("## Passing example", "", `${examples.pass.name}:`, "", yamlBlock(examples.pass.resource), "");
  }
  lines.push(...complianceSection(metadata.frameworks));
  lines.push("## Remediation", "", metadata.remediation, "");
  lines.push("## Condition", "", "How the rule decides (see [the rule language](../rule-language.md)):", "");
  const logic: Record<string, unknown> = {};
  if (definition["applies-when"] !== undefined) logic["applies-when"] = definition["applies-when"];
  logic.condition = definition.condition;
  if (definition.message !== undefined) logic.message = definition.message;
  if (definition.messages !== undefined) logic.messages = definition.messages;
  lines.push(yamlBlock(logic), "");
  return lines.join("\n");
}

export function renderRuleIndex(rules: readonly Rule[]): string {
  const lines = [
    GENERATED_NOTE,
    "",
    "# Rule reference",
    "",
    `The baseline rule pack: ${rules.length} rules.`,
    "",
    "| Rule | Severity | Resource types | Compliance controls | Title |",
    "|---|---|---|---|---|",
  ];
  for (const rule of [...rules].sort((a, b) => a.metadata.id.localeCompare(b.metadata.id))) {
    const { id, severity, resourceTypes, title, frameworks } = rule.metadata;
    lines.push(
      `| [\`${id}\`](${id}.md) | ${severity} | ${resourceTypes.map((t) => `\`${t}\``).join(", ")} | ${controlsCell(frameworks)} | ${title} |`,
    );
  }
  lines.push("");
  return lines.join("\n");
}

const MAPPING_GUIDE = "[compliance frameworks](../compliance-frameworks.md)";

/** The controls in one line; "none" when no public control matches, "not mapped" without a mapping. */
function controlsCell(frameworks: RuleFrameworks | undefined): string {
  if (frameworks === undefined) return "not mapped";
  return controlSummary(frameworks) || "none";
}

function controlLink(id: FrameworkId, control: string): string {
  return id === "aws-fsbp" ? `[${control}](${fsbpControlUri(control)})` : control;
}

/**
 * Every known framework gets a line, with the version its control ids come from, so that a page
 * says as plainly that no public control matches as which ones do.
 */
function complianceSection(frameworks: RuleFrameworks | undefined): string[] {
  const lines = ["## Compliance", ""];
  if (frameworks === undefined) {
    lines.push(`This rule is not mapped to compliance frameworks yet (see ${MAPPING_GUIDE}).`, "");
    return lines;
  }
  lines.push("| Framework | Version | Controls |", "|---|---|---|");
  for (const id of FRAMEWORK_IDS) {
    const framework = FRAMEWORKS[id];
    const entry = frameworks[id];
    const controls = entry
      ? entry.controls.map((control) => controlLink(id, control)).join(", ")
      : "no public control";
    lines.push(
      `| [${framework.name}](${framework.reference}) (\`${id}\`) | ${entry?.version ?? framework.version} | ${controls} |`,
    );
  }
  lines.push("", `How rules are mapped, and the sources: ${MAPPING_GUIDE}.`, "");
  return lines;
}

/** Every generated file, by name relative to the docs/rules directory. */
export async function renderRuleReference(rules: readonly Rule[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  files.set("README.md", renderRuleIndex(rules));
  for (const rule of rules) files.set(`${rule.metadata.id}.md`, await renderRulePage(rule));
  return files;
}
