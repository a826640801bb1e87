// The built-in rule pack as both builds embed it: every rule in rules/ loaded, validated and
// compiled with the project's own loader (a rule that does not load fails the build), with the
// definition the loader read from each file, checked to survive JSON unchanged.
import { isDeepStrictEqual } from "node:util";

/**
 * `loader` is the rule loader module (`src/engine/rule-loader.ts` compiled or bundled): its
 * `loadRuleDirectories` and `formatProblem`.
 */
export async function validatedRuleDefinitions(loader, rulesDir, root) {
  const { rules, problems } = await loader.loadRuleDirectories([rulesDir], root);
  if (problems.length > 0)
    throw new Error(`the rule pack does not load:\n${problems.map(loader.formatProblem).join("\n")}`);
  return rules.map((rule) => {
    const text = JSON.stringify(rule.definition);
    if (!isDeepStrictEqual(JSON.parse(text), rule.definition)) {
      throw new Error(`rule ${rule.metadata.id} holds values JSON cannot carry`);
    }
    return { rule, text };
  });
}
