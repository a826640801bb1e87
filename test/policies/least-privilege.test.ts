import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ORG_ROLE } from "../../src/cli/inputs/account-options.js";
import { documentAllowsAction, statementsOf } from "../../src/iam/index.js";
import { OPERATIONS, OPERATION_KEYS } from "../../src/sources/aws/operations.js";
import { templateSource } from "../../src/sources/templates.js";
import { REPO } from "../support/cli.js";

/**
 * What a scan may do is split in two: every scanning identity reads and nothing more
 * (`scanner-policy.json`); only the identity that scans an organization may list its accounts and
 * assume the read-only scanner role in each (`organization-scanner-policy.json`) — never an
 * administrator role. The StackSet template creates that role with exactly the read-only policy.
 */

const read = async (file: string): Promise<unknown> => JSON.parse(await readFile(join(REPO, file), "utf8"));
const scanner = await read("policies/scanner-policy.json");
const organization = await read("policies/organization-scanner-policy.json");
const ACTIONS_THAT_WRITE_OR_ESCALATE = [
  "sts:AssumeRole",
  "iam:PassRole",
  "iam:CreateAccessKey",
  "ec2:AuthorizeSecurityGroupIngress",
  "ssm:StartSession",
  "ssm:SendCommand",
  "organizations:ListAccounts",
];

describe("the scanner policy", () => {
  it("allows no write and no role assumption", () => {
    for (const action of ACTIONS_THAT_WRITE_OR_ESCALATE) {
      expect(documentAllowsAction(scanner, action, { resource: "*" }).allowed, action).toBe(false);
    }
  });

  it("allows exactly the operations declared for it", () => {
    const own = OPERATION_KEYS.filter((key) => OPERATIONS[key].policy === "scanner");
    const declared = statementsOf(scanner).flatMap((statement) => statement.Action ?? []);
    expect([...new Set(declared)].sort()).toEqual(own.map((key) => OPERATIONS[key].iamAction).sort());
  });
});

describe("the organization policy", () => {
  it("assumes only the dedicated read-only role, never an administrator role", () => {
    const role = (name: string) => `arn:aws:iam::444455556666:role/${name}`;
    expect(DEFAULT_ORG_ROLE).toBe("access-baseline-scanner");
    expect(
      documentAllowsAction(organization, "sts:AssumeRole", { resource: role(DEFAULT_ORG_ROLE) }).allowed,
    ).toBe(true);
    for (const admin of ["OrganizationAccountAccessRole", "AWSControlTowerExecution", "Admin"]) {
      expect(
        documentAllowsAction(organization, "sts:AssumeRole", { resource: role(admin) }).allowed,
        admin,
      ).toBe(false);
    }
  });

  it("allows exactly the operations declared for it", () => {
    const own = OPERATION_KEYS.filter((key) => OPERATIONS[key].policy === "organization");
    const declared = statementsOf(organization).flatMap((statement) => statement.Action ?? []);
    expect([...new Set(declared)].sort()).toEqual(own.map((key) => OPERATIONS[key].iamAction).sort());
  });
});

describe("docs/deploy/scanner-role-stackset.yaml", () => {
  it("creates the dedicated role with exactly the read-only policy, assumable by the scanner alone", async () => {
    const data = await templateSource(["docs/deploy/scanner-role-stackset.yaml"], { cwd: REPO }).read();
    expect(data.inputProblems).toEqual([]);
    const role = data.resources.find((resource) => resource.type === "AWS::IAM::Role");
    expect(role?.properties.RoleName).toBe(DEFAULT_ORG_ROLE);
    const inline = role?.properties.RolePolicyList as { PolicyDocument: unknown }[];
    expect(inline).toHaveLength(1);
    expect(inline[0]!.PolicyDocument).toEqual(scanner);
    const trust = role?.properties.AssumeRolePolicyDocument as { Statement: { Action: unknown }[] };
    expect(trust.Statement.map((statement) => statement.Action)).toEqual(["sts:AssumeRole"]);
    expect(role?.properties.AttachedManagedPolicies ?? []).toEqual([]);
  });
});
