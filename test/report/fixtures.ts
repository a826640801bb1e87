import type { Report, RuleMetadata, RuleResult, Summary, Waiver } from "../../src/engine/result.js";
import { EXPIRED_WAIVER_RULE } from "../../src/engine/waivers.js";
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
    byStatus: { pass: 0, fail: 0, not_applicable: 0, error: 0, waived: 0 },
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

/** A configuration-file waiver that accepts the template's failure (SARIF `external`). */
export const CONFIG_WAIVER: Waiver = {
  origin: "configuration",
  rule: "sg-no-ssh-*",
  resource: "WebSecurityGroup",
  reason: "Legacy bastion, replaced by Session Manager in Q1",
  owner: "platform-team",
  expires: "2027-03-31",
  file: ".access-baseline.yml",
  line: 7,
  column: 5,
};

export const TEMPLATE_WAIVED: RuleResult = {
  ...TEMPLATE_FAIL,
  status: "waived",
  waiver: { ...CONFIG_WAIVER, state: "active" },
};

/** A waiver written in the template's `Metadata`, next to its resource (SARIF `inSource`). */
export const SOURCE_WAIVER: Waiver = {
  origin: "source",
  rule: "sg-no-ssh-from-world",
  reason: "Break-glass access for the on-call team",
  owner: "sre",
  expires: "2026-12-10",
  file: "templates/web stack.yaml",
  line: 31,
  column: 11,
};

export const METADATA_WAIVED: RuleResult = {
  ...TEMPLATE_FAIL,
  status: "waived",
  message: "BreakGlassSecurityGroup allows tcp/22 from 0.0.0.0/0.",
  resource: {
    ...TEMPLATE_FAIL.resource,
    id: "BreakGlassSecurityGroup",
    source: {
      kind: "cloudformation",
      file: "templates/web stack.yaml",
      line: 25,
      column: 3,
      address: "BreakGlassSecurityGroup",
    },
  },
  evidence: [],
  waiver: { ...SOURCE_WAIVER, state: "active" },
};

/** A waiver whose date has passed: its failure is reported again, and so is the waiver. */
export const EXPIRED_WAIVER: Waiver = {
  origin: "configuration",
  rule: "sg-no-ssh-from-world",
  resource: "LegacySecurityGroup",
  reason: "Vendor appliance",
  owner: "network-team",
  expires: "2026-10-31",
  file: ".access-baseline.yml",
  line: 12,
  column: 5,
};

export const EXPIRED_FAIL: RuleResult = {
  ...TEMPLATE_FAIL,
  message: "LegacySecurityGroup allows tcp/22 from 0.0.0.0/0.",
  resource: {
    ...TEMPLATE_FAIL.resource,
    id: "LegacySecurityGroup",
    source: {
      kind: "cloudformation",
      file: "templates/legacy.yaml",
      line: 4,
      column: 3,
      address: "LegacySecurityGroup",
    },
  },
  evidence: [],
  waiver: { ...EXPIRED_WAIVER, state: "expired" },
};

/** The expired waiver's own finding, located at the waiver in the configuration file. */
export const EXPIRED_WAIVER_FINDING: RuleResult = {
  ruleId: EXPIRED_WAIVER_RULE.id,
  status: "fail",
  severity: "error",
  message:
    "The waiver of sg-no-ssh-from-world for LegacySecurityGroup expired on 2026-10-31 (owner: network-team; reason: Vendor appliance); the failure is reported again.",
  resource: {
    ...EXPIRED_FAIL.resource,
    source: {
      kind: "cloudformation",
      file: ".access-baseline.yml",
      line: 12,
      column: 5,
      address: "LegacySecurityGroup",
    },
  },
  evidence: [],
  waiver: { ...EXPIRED_WAIVER, state: "expired" },
};

/** A waiver that matches nothing: reported so that it gets removed. */
export const UNMATCHED_WAIVER: Waiver = {
  origin: "configuration",
  rule: "sg-no-ssh-from-world",
  resource: "OldBastion*",
  reason: "Bastion being decommissioned",
  owner: "platform-team",
  expires: "2027-01-31",
  file: ".access-baseline.yml",
  line: 18,
  column: 5,
};

/** A template scan with every kind of waiver: active (both origins), expired and unmatched. */
export function waiverReport(): Report {
  return buildReport({
    rules: [SSH_RULE, ROLE_RULE, EXPIRED_WAIVER_RULE],
    results: [TEMPLATE_WAIVED, METADATA_WAIVED, EXPIRED_FAIL, EXPIRED_WAIVER_FINDING],
    inputs: ["templates/web stack.yaml", "templates/legacy.yaml"],
    waivers: [
      { waiver: CONFIG_WAIVER, state: "active", matched: 1, daysLeft: 129 },
      { waiver: EXPIRED_WAIVER, state: "expired", matched: 1, daysLeft: -22 },
      { waiver: UNMATCHED_WAIVER, state: "unmatched", matched: 0, daysLeft: 70 },
      {
        waiver: SOURCE_WAIVER,
        resourceId: "BreakGlassSecurityGroup",
        state: "active",
        matched: 1,
        daysLeft: 18,
      },
    ],
  });
}
