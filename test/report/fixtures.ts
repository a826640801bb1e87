import type { Report, RuleMetadata, RuleResult, Summary } from "../../src/engine/result.js";
import type { CollectionError } from "../../src/model/collection-error.js";

/**
 * Small hand-built reports for the reporter tests: one rule checked on templates and on two live
 * accounts, with every kind of outcome a reporter has to show.
 */

export const ACCOUNT_A = "111122223333";
export const ACCOUNT_B = "444455556666";

export const SSH_RULE: RuleMetadata = {
  id: "sg-no-ssh-from-world",
  title: "Security groups do not allow SSH from the internet",
  severity: "error",
  securitySeverity: 8.6,
  precision: "very-high",
  description: "Inbound TCP port 22 must not be open to 0.0.0.0/0 or ::/0; use Session Manager instead.",
  rationale:
    "An SSH port open to the world invites brute-force attempts and bypasses IAM and session logging.",
  remediation: "Remove the ingress rule and connect with `aws ssm start-session`.",
  helpUri: "https://access-baseline.dev/rules/sg-no-ssh-from-world",
  tags: ["ec2", "network"],
  resourceTypes: ["AWS::EC2::SecurityGroup"],
  file: "network/sg-no-ssh-from-world.yaml",
};

export const ROLE_RULE: RuleMetadata = {
  id: "instance-role-has-ssm-core",
  title: "Instance roles allow Session Manager",
  severity: "warning",
  securitySeverity: 5,
  precision: "high",
  description: "The role of every instance profile grants the permissions the SSM agent needs.",
  rationale: "Without them the instance cannot be reached through Session Manager.",
  remediation: "Attach AmazonSSMManagedInstanceCore to the role.",
  tags: ["iam", "ssm"],
  resourceTypes: ["AWS::IAM::Role"],
  file: "iam/instance-role-has-ssm-core.yaml",
};

/** A template resource with recorded positions: the finding should point at line 14. */
export const TEMPLATE_FAIL: RuleResult = {
  ruleId: SSH_RULE.id,
  status: "fail",
  severity: "error",
  message: "WebSecurityGroup allows tcp/22 from 0.0.0.0/0.",
  resource: {
    type: "AWS::EC2::SecurityGroup",
    id: "WebSecurityGroup",
    account: "000000000000",
    region: "us-east-1",
    source: {
      kind: "cloudformation",
      file: "templates/web stack.yaml",
      line: 5,
      column: 3,
      address: "WebSecurityGroup",
      positions: {
        IpPermissions: { line: 9, column: 7 },
        "IpPermissions[0]": { line: 10, column: 9 },
        "IpPermissions[0].IpRanges[0]": { line: 14, column: 13 },
      },
    },
  },
  evidence: [{ path: "IpPermissions[0].IpRanges[0].CidrIp", value: "0.0.0.0/0" }],
};

/** A live resource in account A, with an ARN that must never become a URI. */
export const LIVE_FAIL: RuleResult = {
  ruleId: SSH_RULE.id,
  status: "fail",
  severity: "error",
  message: "sg-0123456789abcdef0 allows tcp/22 from ::/0.",
  resource: {
    type: "AWS::EC2::SecurityGroup",
    id: "sg-0123456789abcdef0",
    arn: `arn:aws:ec2:eu-west-1:${ACCOUNT_A}:security-group/sg-0123456789abcdef0`,
    account: ACCOUNT_A,
    region: "eu-west-1",
    source: { kind: "aws-live" },
  },
  evidence: [
    {
      path: "IpPermissions[1]",
      value: { IpProtocol: "tcp", FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
      bindings: { permission: { IpProtocol: "tcp" } },
    },
  ],
};

/** A role in account B whose policies could not be read. */
export const LIVE_ERROR: RuleResult = {
  ruleId: ROLE_RULE.id,
  status: "error",
  severity: "warning",
  message: "iam ListAttachedRolePolicies was denied in this account",
  resource: {
    type: "AWS::IAM::Role",
    id: "web-instance-role",
    arn: `arn:aws:iam::${ACCOUNT_B}:role/web-instance-role`,
    account: ACCOUNT_B,
    region: "global",
    source: { kind: "aws-live" },
  },
  evidence: [],
};

export const LIVE_PASS: RuleResult = {
  ruleId: SSH_RULE.id,
  status: "pass",
  severity: "error",
  message: "sg-0aaaaaaaaaaaaaaaa allows no SSH from the internet.",
  resource: {
    type: "AWS::EC2::SecurityGroup",
    id: "sg-0aaaaaaaaaaaaaaaa",
    arn: `arn:aws:ec2:eu-west-1:${ACCOUNT_B}:security-group/sg-0aaaaaaaaaaaaaaaa`,
    account: ACCOUNT_B,
    region: "eu-west-1",
    source: { kind: "aws-live" },
  },
  evidence: [],
};

export const COLLECTION_ERROR: CollectionError = {
  account: ACCOUNT_B,
  region: "global",
  service: "iam",
  operation: "ListAttachedRolePolicies",
  code: "AccessDenied",
  message: "User is not authorized to perform iam:ListAttachedRolePolicies",
  iamAction: "iam:ListAttachedRolePolicies",
  resourceTypes: ["AWS::IAM::Role"],
};

/** Counts that agree with `results`, as the engine would compute them. */
export function summarize(results: readonly RuleResult[], rules: number): Summary {
  const summary: Summary = {
    byStatus: { pass: 0, fail: 0, not_applicable: 0, error: 0 },
    failuresBySeverity: { error: 0, warning: 0, note: 0 },
    resources: new Set(results.map((result) => `${result.resource.type} ${result.resource.id}`)).size,
    rules,
  };
  for (const result of results) {
    summary.byStatus[result.status]++;
    if (result.status === "fail") summary.failuresBySeverity[result.severity]++;
  }
  return summary;
}

export function buildReport(overrides: Partial<Report> = {}): Report {
  const rules = overrides.rules ?? [SSH_RULE, ROLE_RULE];
  const results = overrides.results ?? [];
  return {
    tool: {
      name: "access-baseline",
      version: "0.1.0",
      informationUri: "https://github.com/access-baseline/access-baseline",
    },
    rules,
    results,
    collectionErrors: [],
    inputProblems: [],
    summary: summarize(results, rules.length),
    inputs: [],
    ...overrides,
  };
}

/** The live scan of two accounts: a failure, an unevaluated rule, a pass and a collection error. */
export function liveReport(): Report {
  return buildReport({
    results: [LIVE_FAIL, LIVE_ERROR, LIVE_PASS],
    collectionErrors: [COLLECTION_ERROR],
    inputs: ["snapshots/two-accounts.json"],
  });
}

/** A template scan with one failure. */
export function templateReport(): Report {
  return buildReport({ results: [TEMPLATE_FAIL], inputs: ["templates/web stack.yaml"] });
}

/** Everything at once: a template and two live accounts, which makes two SARIF runs. */
export function mixedReport(): Report {
  return buildReport({
    results: [TEMPLATE_FAIL, LIVE_FAIL, LIVE_ERROR, LIVE_PASS],
    collectionErrors: [COLLECTION_ERROR],
    inputs: ["templates/web stack.yaml", "snapshots/two-accounts.json"],
  });
}
