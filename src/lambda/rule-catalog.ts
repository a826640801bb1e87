import { compileRuleText } from "../engine/rule-loader.js";
import type { Rule } from "../engine/rule.js";
import type { RuleSource } from "./builtin-rules.js";

/**
 * The rules the function can run, compiled on first use: an event compiles only the rules it
 * runs, which keeps the cold start short. Compilation is the CLI's own (`compileRuleText`), so the
 * rules behave exactly as they do there.
 */
export class RuleCatalog {
  private readonly sources = new Map<string, RuleSource>();
  private readonly compiled = new Map<string, Rule>();

  constructor(sources: readonly RuleSource[]) {
    for (const source of sources) this.sources.set(source.id, source);
  }

  /** Rule ids in file order. */
  get ids(): string[] {
    return [...this.sources.keys()];
  }

  source(id: string): RuleSource | undefined {
    return this.sources.get(id);
  }

  rule(id: string): Rule {
    let rule = this.compiled.get(id);
    if (rule) return rule;
    const source = this.sources.get(id);
    if (!source) throw new Error(`no rule "${id}" in the catalog`);
    const display = `rules/${source.file}`;
    const result = compileRuleText(source.text, display, display, source.file);
    // Built-in rules are validated when the bundle is built; a failure here is a packaging bug.
    if ("problem" in result)
      throw new Error(`built-in rule ${display} does not compile: ${result.problem.message}`);
    rule = result.rule;
    this.compiled.set(id, rule);
    return rule;
  }
}
