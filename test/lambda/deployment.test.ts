import { readdirSync, readFileSync } from "node:fs";
import { ListUsersCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, type CollectionTag, type ScalarTag } from "yaml";
import { BUILTIN_RULES_DIR } from "../../src/assets.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import { documentAllowsAction, statementsOf } from "../../src/iam/index.js";
import { LambdaClients, UndeclaredOperationError } from "../../src/lambda/clients.js";
import { LAMBDA_OPERATIONS, RUNTIME_PERMISSIONS } from "../../src/lambda/operations.js";
import { Harness } from "./support/harness.js";
import { REPO } from "./support/world.js";

/**
 * The function's deployment: its role allows exactly the calls the code declares (and the code
 * cannot make any other), the CloudFormation template gives the function that role, and the
 * template deploys one Config rule per rule of the pack with the right scope and triggers.
 */

const policy = JSON.parse(readFileSync(new URL("policies/config-rule-lambda-policy.json", REPO), "utf8")) as {
  Statement: Record<string, unknown>[];
};

// CloudFormation's short forms, as plain objects.
const scalar = (tag: string, name: string, split = false): ScalarTag => ({
  tag,
  resolve: (value: string) => ({ [name]: split ? value.split(".") : value }),
});
const sequence = (tag: string, name: string): CollectionTag => ({
  tag,
  collection: "seq",
  resolve: (value) => ({ [name]: value.toJSON() }),
});
const template = parse(readFileSync(new URL("docs/deploy/config-rule.yaml", REPO), "utf8"), {
  customTags: [
    scalar("!Ref", "Ref"),
    scalar("!GetAtt", "Fn::GetAtt", true),
    scalar("!Sub", "Fn::Sub"),
    sequence("!If", "Fn::If"),
    sequence("!Equals", "Fn::Equals"),
    sequence("!Not", "Fn::Not"),
  ],
}) as {
  Parameters: Record<string, unknown>;
  Conditions: Record<string, unknown>;
  Resources: Record<
    string,
    { Type: string; Condition?: string; DependsOn?: string; Properties: Record<string, unknown> }
  >;
};

/** A concrete ARN inside a resource pattern, to ask the policy about. */
function example(pattern: string): string {
  return pattern
    .replace("arn:aws:iam::*:policy/*", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
    .replace(/:\*:\*:/g, ":us-east-1:111122223333:")
    .replace("::*:", "::111122223333:")
    .replace(/\/\*$/, "/example")
    .replace(/:\*$/, ":log-stream:2026/11/20/[$LATEST]0123");
}

describe("the function's policy (policies/config-rule-lambda-policy.json)", () => {
  const declared = [...LAMBDA_OPERATIONS, ...RUNTIME_PERMISSIONS];

  it("allows every declared call on its resource", () => {
    for (const spec of declared) {
      const decision = documentAllowsAction(
        policy,
        spec.iamAction,
        spec.resource === "*" ? {} : { resource: example(spec.resource) },
      );
      expect(decision.allowed, `${spec.iamAction} on ${spec.resource}`).toBe(true);
    }
  });

  it("allows nothing else: exactly the declared actions, each on exactly its declared resource", () => {
    const granted = new Set<string>();
    for (const statement of statementsOf(policy)) {
      expect(statement.Effect).toBe("Allow");
      expect(statement.NotAction ?? statement.NotResource ?? statement.Condition).toBeUndefined();
      for (const action of statement.Action ?? []) {
        expect(action).not.toContain("*");
        for (const resource of statement.Resource ?? []) granted.add(`${action} ${resource}`);
      }
    }
    expect([...granted].sort()).toEqual(declared.map((spec) => `${spec.iamAction} ${spec.resource}`).sort());
  });

  it("grants AWS-managed policies too (their ARNs have the account 'aws')", () => {
    expect(
      documentAllowsAction(policy, "iam:GetPolicyVersion", {
        resource: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      }).allowed,
    ).toBe(true);
  });
});

describe("the operation table (src/lambda/operations.ts)", () => {
  const declared = new Set(LAMBDA_OPERATIONS.map((spec) => spec.operation));
  const commandsIn = (text: string) => [...text.matchAll(/new (\w+)Command\(/g)].map((match) => match[1]!);

  it("lists every SDK command the function's own sources send", () => {
    const commands = new Set<string>();
    for (const dir of ["src/lambda", "src/sources/aws/targeted"]) {
      for (const file of readdirSync(new URL(dir, REPO)).filter((name) => name.endsWith(".ts"))) {
        for (const command of commandsIn(readFileSync(new URL(`${dir}/${file}`, REPO), "utf8")))
          commands.add(command);
      }
    }
    expect(commands.size).toBeGreaterThanOrEqual(12);
    expect([...commands].filter((name) => !declared.has(name))).toEqual([]);
  });

  it("lists the commands of the live collector's readers the function reuses", () => {
    // readers.ts re-exports them: each one's body is scanned in the file it comes from.
    const readers = readFileSync(new URL("src/lambda/readers.ts", REPO), "utf8");
    const reused = [...readers.matchAll(/export \{ ([\w, ]+) \} from "\.\.\/sources\/aws\/(\w+)\.js"/g)];
    expect(reused.length).toBe(5);
    for (const [, names, file] of reused) {
      const source = readFileSync(new URL(`src/sources/aws/${file}.ts`, REPO), "utf8");
      for (const name of names!.split(", ")) {
        const start = source.indexOf(`export async function ${name}(`);
        expect(start, name).toBeGreaterThanOrEqual(0);
        const end = source.indexOf("\nexport ", start + 1);
        const commands = commandsIn(source.slice(start, end === -1 ? undefined : end));
        expect(commands.length, name).toBeGreaterThan(0);
        expect(
          commands.filter((command) => !declared.has(command)),
          name,
        ).toEqual([]);
      }
    }
  });

  it("is the table docs/config-rule.md documents", () => {
    const page = readFileSync(new URL("docs/config-rule.md", REPO), "utf8");
    const section = page.slice(page.indexOf("## Permissions"));
    const rows = section.split("\n").filter((line) => /^\| `[a-z0-9]+:\w+`/.test(line));
    expect(rows.map((row) => /`([a-z0-9]+:\w+)`/.exec(row)?.[1])).toEqual(
      [...LAMBDA_OPERATIONS, ...RUNTIME_PERMISSIONS].map((spec) => spec.iamAction),
    );
  });
});

describe("the clients", () => {
  const harness = new Harness();
  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it("refuse an undeclared operation before anything is sent", async () => {
    harness.reset({});
    const clients = new LambdaClients({ region: "us-east-1" });
    const iam = await clients.iam();
    await expect(iam.send(new ListUsersCommand({}))).rejects.toBeInstanceOf(UndeclaredOperationError);
    await expect(iam.send(new ListUsersCommand({}))).rejects.toThrow(
      "iam:ListUsers is not declared in src/lambda/operations.ts; declare it there and allow it in policies/config-rule-lambda-policy.json",
    );
    expect(harness.fake.requests).toEqual([]);
    expect(clients.counter.total).toBe(0);
    clients.destroy();
  });
});

describe("the CloudFormation template (docs/deploy/config-rule.yaml)", () => {
  const resources = template.Resources;

  it("gives the function exactly the policy in policies/", () => {
    const role = resources.FunctionRole!;
    expect(role.Type).toBe("AWS::IAM::Role");
    expect(role.Properties.Policies).toEqual([
      { PolicyName: "access-baseline-config-rule", PolicyDocument: policy },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("names the log group the policy lets the function write to", () => {
    const group = resources.FunctionLogGroup!.Properties.LogGroupName as string;
    const logs = RUNTIME_PERMISSIONS.map((permission) => permission.resource);
    expect(logs.every((resource) => resource.includes(`log-group:${group}:`))).toBe(true);
    expect(group).toBe(`/aws/lambda/${resources.Function!.Properties.FunctionName as string}`);
  });

  it("deploys the bundle's handler, and lets AWS Config of this account invoke it", () => {
    expect(resources.Function!.Properties).toMatchObject({ Handler: "index.handler", Runtime: "nodejs22.x" });
    expect(resources.ConfigInvokePermission!.Properties).toMatchObject({
      Action: "lambda:InvokeFunction",
      Principal: "config.amazonaws.com",
      SourceAccount: { Ref: "AWS::AccountId" },
    });
  });

  it("has one Config rule per rule of the pack, scoped and triggered for it", async () => {
    const { rules, problems } = await loadRuleDirectories([BUILTIN_RULES_DIR]);
    expect(problems).toEqual([]);
    const configRules = Object.values(resources).filter(
      (resource) => resource.Type === "AWS::Config::ConfigRule",
    );
    expect(configRules.map((resource) => resource.Properties.ConfigRuleName).sort()).toEqual(
      rules.map((rule) => `access-baseline-${rule.metadata.id}`).sort(),
    );
    const iam = ["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"];
    for (const rule of rules) {
      const { id, resourceTypes, title } = rule.metadata;
      const resource = configRules.find(
        (candidate) => candidate.Properties.ConfigRuleName === `access-baseline-${id}`,
      )!;
      const properties = resource.Properties as {
        Description: string;
        InputParameters: unknown;
        Scope?: { ComplianceResourceTypes: string[] };
        Source: {
          Owner: string;
          SourceIdentifier: unknown;
          SourceDetails: { EventSource: string; MessageType: string; MaximumExecutionFrequency?: unknown }[];
        };
      };
      expect(properties.Description).toBe(title);
      expect(properties.InputParameters).toEqual({ rules: id });
      expect(properties.Source.Owner).toBe("CUSTOM_LAMBDA");
      expect(properties.Source.SourceIdentifier).toEqual({ "Fn::GetAtt": ["Function", "Arn"] });
      expect(resource.DependsOn).toBe("ConfigInvokePermission");
      const messages = properties.Source.SourceDetails.map((detail) => detail.MessageType);
      expect(properties.Source.SourceDetails.every((detail) => detail.EventSource === "aws.config")).toBe(
        true,
      );
      if (resourceTypes.includes("AWS::SSM::Document")) {
        // Preferences have no item to react to: periodic only, reported on the account.
        expect(messages).toEqual(["ScheduledNotification"]);
        expect(properties.Scope).toBeUndefined();
      } else {
        expect(properties.Scope?.ComplianceResourceTypes).toEqual(resourceTypes);
        expect(messages.slice(0, 2)).toEqual([
          "ConfigurationItemChangeNotification",
          "OversizedConfigurationItemChangeNotification",
        ]);
        const global = resourceTypes.some((type) => iam.includes(type));
        expect(resource.Condition).toBe(global ? "InIamRegion" : undefined);
        expect(messages.slice(2)).toEqual(global ? ["ScheduledNotification"] : []);
      }
      for (const detail of properties.Source.SourceDetails) {
        expect(detail.MaximumExecutionFrequency === undefined).toBe(
          detail.MessageType !== "ScheduledNotification",
        );
      }
    }
  });

  it("refers only to parameters, resources and conditions it defines", () => {
    const names = new Set([
      ...Object.keys(template.Parameters),
      ...Object.keys(resources),
      "AWS::AccountId",
      "AWS::Region",
      "AWS::Partition",
      "AWS::NoValue",
    ]);
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value !== null && typeof value === "object") {
        const object = value as Record<string, unknown>;
        if (typeof object.Ref === "string") expect(names, `Ref ${object.Ref}`).toContain(object.Ref);
        const getAtt = object["Fn::GetAtt"];
        if (Array.isArray(getAtt)) expect(Object.keys(resources)).toContain(getAtt[0]);
        const condition = object["Fn::If"];
        if (Array.isArray(condition)) expect(Object.keys(template.Conditions)).toContain(condition[0]);
        Object.values(object).forEach(visit);
      }
    };
    visit(template);
    for (const resource of Object.values(resources)) {
      if (resource.Condition) expect(Object.keys(template.Conditions)).toContain(resource.Condition);
      if (resource.DependsOn) expect(Object.keys(resources)).toContain(resource.DependsOn);
    }
  });
});
