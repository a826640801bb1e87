import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ORG_ROLE } from "../../../src/cli/inputs/account-options.js";
import { actionMatches, documentAllowsAction, statementsOf } from "../../../src/iam/index.js";
import { OPERATIONS, OPERATION_KEYS } from "../../../src/sources/aws/operations.js";
import { REPO } from "../../support/cli.js";

/**
 * The least-privilege policy the scanner ships and the operations the collector can send are
 * proven against each other with the project's own IAM matching: every operation is allowed on
 * the resource it is made on, the policy allows nothing else, and every SDK command the collector's
 * source names is in the operation table (the client factory refuses any other at run time).
 */

const POLICIES: Record<string, unknown> = {
  scanner: JSON.parse(await readFile(join(REPO, "policies/scanner-policy.json"), "utf8")),
  organization: JSON.parse(await readFile(join(REPO, "policies/organization-scanner-policy.json"), "utf8")),
};
const policy = POLICIES.scanner;

/** The resource an operation is authorized on, with sample values for the placeholders. */
function sampleResource(template: string, roleName: string): string {
  return template
    .replaceAll("${Partition}", "aws")
    .replaceAll("${Region}", "eu-west-1")
    .replaceAll("${Account}", "444455556666")
    .replaceAll("${RoleName}", roleName);
}

describe("policies/scanner-policy.json and policies/organization-scanner-policy.json", () => {
  it.each(OPERATION_KEYS)("allow %s on the resource it is made on", (key) => {
    const spec = OPERATIONS[key];
    const resource = sampleResource(spec.resource, DEFAULT_ORG_ROLE);
    const decision = documentAllowsAction(POLICIES[spec.policy], spec.iamAction, { resource });
    expect(decision.allowed, `${spec.iamAction} on ${resource}`).toBe(true);
  });

  it.each(Object.keys(POLICIES))("%s: allows nothing the collector does not do", (name) => {
    const needed = OPERATION_KEYS.map((key) => OPERATIONS[key].iamAction);
    for (const statement of statementsOf(POLICIES[name])) {
      expect(statement.Effect).toBe("Allow");
      expect(statement.NotAction).toBeUndefined();
      for (const pattern of statement.Action ?? []) {
        expect(pattern, "no wildcards in a least-privilege policy").not.toMatch(/[*?]/);
        expect(
          needed.some((action) => actionMatches(pattern, action)),
          `${pattern} is needed`,
        ).toBe(true);
      }
    }
  });

  it("does not allow the preferences of other documents to be read", () => {
    const other = "arn:aws:ssm:eu-west-1:444455556666:document/MyCommands";
    expect(documentAllowsAction(policy, "ssm:GetDocument", { resource: other }).allowed).toBe(false);
  });
});

describe("the operation table", () => {
  it("lists every SDK command the collector's source sends", async () => {
    const dir = join(REPO, "src/sources/aws");
    const files = (await readdir(dir)).filter((name) => name.endsWith(".ts"));
    const commands = new Set<string>();
    for (const file of files) {
      const text = await readFile(join(dir, file), "utf8");
      for (const match of text.matchAll(/new (\w+)Command\(/g)) commands.add(match[1]!);
    }
    const declared = new Set<string>(OPERATION_KEYS.map((key) => OPERATIONS[key].operation));
    expect(commands.size).toBeGreaterThanOrEqual(8);
    expect([...commands].filter((name) => !declared.has(name))).toEqual([]);
  });

  it("is the table docs/live-scanning.md documents", async () => {
    const page = await readFile(join(REPO, "docs/live-scanning.md"), "utf8");
    const rows = page.split("\n").filter((line) => /^\| [A-Za-z0-9]+ `\w+`/.test(line));
    const documented = rows.map((row) => /`(\w+:\w+)`/.exec(row)?.[1]);
    expect(documented).toEqual(OPERATION_KEYS.map((key) => OPERATIONS[key].iamAction));
  });

  it("names an IAM action of the operation's own service", () => {
    for (const key of OPERATION_KEYS) {
      const spec = OPERATIONS[key];
      expect(key).toBe(`${spec.service}:${spec.operation}`);
      expect(spec.iamAction).toBe(key);
    }
  });
});
