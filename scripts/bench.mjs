// Performance benchmark: runs the built CLI on large synthetic inputs and reports wall time and
// peak memory against the project's targets. It reports; it does not gate (exit 0 when targets are
// missed, 1 only when a run could not be measured at all).
//
//   npm run bench                       all scenarios, 1 warm-up + 5 measured runs each
//   node scripts/bench.mjs --runs 3 --warmup 0 --scenario large
//
// Run after `npm run build`. Inputs are generated into .bench/ (git-ignored) from a fixed seed, so
// every run and every machine measures the same data.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { lambdaScenario } from "./bench-lambda.mjs";
import { reportScenarios } from "./bench-report.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BENCH_DIR = join(ROOT, ".bench");
// The command users run: whatever package.json declares as the binary (built into dist/).
const CLI_PATH = cliPath(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")));
const CLI = join(ROOT, CLI_PATH);
const PROBE = pathToFileURL(join(ROOT, "scripts", "bench-probe.mjs")).href;

// ---------------------------------------------------------------------------------------------
// Scenarios. Add one by appending an object: `prepare()` creates its inputs and returns lines that
// describe them; `args` are the CLI's arguments (paths relative to the package root); `outputs`
// are files each run must produce, so a run that silently did nothing is not reported as fast.

const scenarios = [
  {
    name: "large",
    title: "check --snapshot: one large account, 17 regions",
    prepare: () =>
      generateSnapshot(join(BENCH_DIR, "snapshot.json"), {
        seed: 20261120,
        regions: 17,
        securityGroups: 10_000,
        ingressPerGroup: 5,
        instances: 20_000,
        roles: 5_000,
        users: 300,
        groups: 30,
        customerPolicies: 120,
        hybridNodes: 200,
        regionsWithPreferences: 10,
      }),
    args: [
      "check",
      "--snapshot",
      ".bench/snapshot.json",
      "--format",
      "json",
      "--output",
      ".bench/results.json",
      "--fail-on",
      "never",
    ],
    outputs: [".bench/results.json"],
    targets: { wallSeconds: 1.5, peakRssMb: 400 },
  },
  {
    name: "template",
    title: "check PATH: one CloudFormation JSON template, 10,000 security groups",
    prepare: () =>
      generateTemplate(join(BENCH_DIR, "template.json"), {
        seed: 20261121,
        securityGroups: 10_000,
        ingressPerGroup: 5,
      }),
    args: [
      "check",
      ".bench/template.json",
      "--format",
      "json",
      "--output",
      ".bench/template-results.json",
      "--fail-on",
      "never",
    ],
    outputs: [".bench/template-results.json"],
    targets: { wallSeconds: 1, peakRssMb: 400 },
  },
  // The Config rule Lambda: bundle size, cold start, warm evaluation (scripts/bench-lambda.mjs).
  lambdaScenario(BENCH_DIR),
  // The campaign report over 70 and 20,000 instances (scripts/bench-report.mjs).
  ...reportScenarios(BENCH_DIR),
];

// ---------------------------------------------------------------------------------------------
// Measurement

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (!existsSync(CLI)) {
    console.error(`bench: ${CLI} does not exist; run \`npm run build\` first`);
    return 1;
  }
  const selected = scenarios.filter((scenario) => !options.scenario || scenario.name === options.scenario);
  if (selected.length === 0) {
    console.error(
      `bench: no scenario named "${options.scenario}" (known: ${scenarios.map((s) => s.name).join(", ")})`,
    );
    return 1;
  }

  await mkdir(BENCH_DIR, { recursive: true });
  const report = { node: process.version, platform: `${process.platform}-${process.arch}`, scenarios: [] };
  let failed = false;

  for (const scenario of selected) {
    console.log(`\n== ${scenario.name}: ${scenario.title}`);
    const started = performance.now();
    const description = await scenario.prepare();
    for (const line of description) console.log(`   ${line}`);
    console.log(`   inputs prepared in ${formatSeconds((performance.now() - started) / 1000)}`);
    console.log(`   ${scenario.command ?? `node ${CLI_PATH} ${scenario.args.join(" ")}`}`);

    const runs = [];
    for (let index = 0; index < options.warmup + options.runs; index += 1) {
      const warmUp = index < options.warmup;
      const run = await (scenario.measure ?? measure)(scenario);
      if (run.problem) {
        console.log(`   run ${index + 1} ${run.problem}`);
        for (const line of run.stderr.trim().split("\n").slice(0, 10)) console.log(`     ${line}`);
        failed = true;
        break;
      }
      console.log(
        `   ${warmUp ? "warm-up" : `run ${index + 1 - options.warmup}`}: ` +
          `${formatSeconds(run.wallSeconds)}, ${formatMb(run.peakRssMb)}`,
      );
      if (!warmUp) runs.push(run);
    }
    if (runs.length === 0) continue;

    const wall = median(runs.map((run) => run.wallSeconds));
    const rss = Math.max(...runs.map((run) => run.peakRssMb));
    printTable([
      ["metric", "measured", "target", "met"],
      [
        `${scenario.wallLabel ?? "wall time"} (median of ${runs.length})`,
        formatSeconds(wall),
        `<= ${formatSeconds(scenario.targets.wallSeconds)}`,
        verdict(wall <= scenario.targets.wallSeconds),
      ],
      [
        `peak RSS (max of ${runs.length})`,
        formatMb(rss),
        `<= ${formatMb(scenario.targets.peakRssMb)}`,
        verdict(rss <= scenario.targets.peakRssMb),
      ],
      ...(scenario.rows?.(runs) ?? []),
    ]);
    report.scenarios.push({
      name: scenario.name,
      inputs: description,
      runs: runs.map(({ wallSeconds, peakRssMb }) => ({ wallSeconds, peakRssMb })),
      medianWallSeconds: wall,
      peakRssMb: rss,
      targets: scenario.targets,
      ...scenario.report?.(runs),
    });
  }

  await writeFile(join(BENCH_DIR, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nreport written to .bench/report.json`);
  return failed ? 1 : 0;
}

/** Runs the CLI once; wall time includes Node start-up, as a user would see it. */
async function measure(scenario) {
  const probeOutput = join(BENCH_DIR, `probe-${process.pid}.json`);
  const outputs = (scenario.outputs ?? []).map((output) => join(ROOT, output));
  await Promise.all([probeOutput, ...outputs].map((file) => rm(file, { force: true })));
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", PROBE, CLI, ...scenario.args], {
    cwd: ROOT,
    env: { ...process.env, BENCH_PROBE_OUTPUT: probeOutput, NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    if (stderr.length < 64_000) stderr += chunk;
  });
  const exitCode = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? `signal ${signal}`));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  let peakRssMb = Number.NaN;
  try {
    peakRssMb = JSON.parse(await readFile(probeOutput, "utf8")).maxRssKb / 1024;
  } catch {
    // The probe writes on exit; a child killed by a signal leaves nothing.
  }
  await rm(probeOutput, { force: true });
  let problem;
  if (exitCode !== 0) problem = `failed with exit code ${exitCode}:`;
  else {
    const missing = outputs.filter((output) => !existsSync(output));
    if (missing.length > 0) problem = `exited 0 but did not write ${missing.map(relative).join(", ")}`;
  }
  return { problem, wallSeconds, peakRssMb, stderr };
}

function cliPath(packageJson) {
  const bin = typeof packageJson.bin === "string" ? packageJson.bin : packageJson.bin?.[packageJson.name];
  if (typeof bin !== "string")
    throw new Error(`bench: package.json declares no binary named ${packageJson.name}`);
  return bin;
}

function parseArguments(argv) {
  const options = { runs: 5, warmup: 1, scenario: undefined };
  for (let index = 0; index < argv.length; index += 1) {
    const name = argv[index];
    const value = argv[index + 1];
    if (name === "--runs" || name === "--warmup") {
      const count = Number(value);
      if (!Number.isInteger(count) || count < (name === "--runs" ? 1 : 0))
        throw new Error(`bench: bad ${name} ${value}`);
      options[name.slice(2)] = count;
      index += 1;
    } else if (name === "--scenario") {
      options.scenario = value;
      index += 1;
    } else {
      throw new Error(`bench: unknown option ${name} (options: --runs N, --warmup N, --scenario NAME)`);
    }
  }
  return options;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function verdict(met) {
  return met ? "yes" : "NO";
}

function formatSeconds(seconds) {
  return `${seconds.toFixed(2)} s`;
}

function formatMb(megabytes) {
  return Number.isNaN(megabytes) ? "unknown" : `${Math.round(megabytes)} MB`;
}

function printTable(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    console.log(`   ${row.map((cell, column) => cell.padEnd(widths[column])).join("   ")}`);
}

// ---------------------------------------------------------------------------------------------
// Synthetic snapshot. The mix follows what a large estate looks like: mostly compliant groups with
// a tail of SSH, RDP and wide-open rules; most instances managed by SSM, some not, old agents; roles
// for EC2, people and services; preferences in some regions only.

const ACCOUNT = "111122223333";
const REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-north-1",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "sa-east-1",
];
const SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const AGENT_VERSIONS = [
  "3.3.1142.0",
  "3.3.1142.0",
  "3.3.987.0",
  "3.2.1705.0",
  "3.2.582.0",
  "3.1.1004.0",
  "2.3.672.0",
  "2.3.444.0",
];

/** A small seeded generator (mulberry32): the same seed gives the same snapshot everywhere. */
function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (probability) => next() < probability,
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    hex: (length) => {
      let text = "";
      while (text.length < length) text += Math.floor(next() * 16).toString(16);
      return text;
    },
    weighted: (entries) => {
      const total = entries.reduce((sum, [weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [weight, value] of entries) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return entries[entries.length - 1][1];
    },
  };
}

async function generateSnapshot(path, plan) {
  const rng = random(plan.seed);
  const regions = REGIONS.slice(0, plan.regions);
  const lines = [];
  const counts = {};
  const add = (type, id, region, properties, arn) => {
    counts[type] = (counts[type] ?? 0) + 1;
    const resource = { type, id, arn, account: ACCOUNT, region, source: { kind: "aws-live" }, properties };
    lines.push(JSON.stringify(resource));
  };
  const uniqueId = (prefix, index) => `${prefix}-0${rng.hex(10)}${index.toString(16).padStart(6, "0")}`;
  const doc = (...statements) => ({ Version: "2012-10-17", Statement: statements });
  const tags = (entries) => Object.entries(entries).map(([Key, Value]) => ({ Key, Value }));

  // Managed policies: the AWS ones that get attached, and customer policies for people.
  const managedPolicy = (arn, name, document) => {
    add(
      "AWS::IAM::Policy",
      arn,
      "global",
      {
        PolicyName: name,
        PolicyId: `ANPA${rng.hex(17).toUpperCase()}`,
        Arn: arn,
        Path: "/",
        DefaultVersionId: "v1",
        AttachmentCount: 1,
        IsAttachable: true,
        CreateDate: "2024-01-01T00:00:00Z",
        PolicyVersionList: [
          { Document: document, VersionId: "v1", IsDefaultVersion: true, CreateDate: "2024-01-01T00:00:00Z" },
        ],
      },
      arn,
    );
  };
  managedPolicy(
    SSM_CORE,
    "AmazonSSMManagedInstanceCore",
    doc(
      {
        Effect: "Allow",
        Action: [
          "ssm:UpdateInstanceInformation",
          "ssm:ListInstanceAssociations",
          "ssm:GetDocument",
          "ssm:PutInventory",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "ec2messages:AcknowledgeMessage",
          "ec2messages:GetMessages",
          "ec2messages:SendReply",
          "ec2messages:GetEndpoint",
        ],
        Resource: "*",
      },
    ),
  );
  managedPolicy(ADMIN, "AdministratorAccess", doc({ Effect: "Allow", Action: "*", Resource: "*" }));
  managedPolicy(
    READ_ONLY,
    "ReadOnlyAccess",
    doc({
      Effect: "Allow",
      Action: ["ec2:Describe*", "ssm:Describe*", "ssm:Get*", "iam:Get*", "iam:List*"],
      Resource: "*",
    }),
  );
  managedPolicy(
    LAMBDA_BASIC,
    "AWSLambdaBasicExecutionRole",
    doc({
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: "*",
    }),
  );
  const customerPolicies = [];
  for (let index = 0; index < plan.customerPolicies; index += 1) {
    const name = `session-access-${index}`;
    const arn = `arn:aws:iam::${ACCOUNT}:policy/${name}`;
    const compliant = rng.chance(0.6);
    const start = compliant
      ? {
          Effect: "Allow",
          Action: "ssm:StartSession",
          Resource: [
            `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
            `arn:aws:ssm:*:${ACCOUNT}:document/SSM-SessionManagerRunShell`,
          ],
          Condition: {
            BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" },
            IpAddress: { "aws:SourceIp": ["203.0.113.0/24"] },
          },
        }
      : { Effect: "Allow", Action: rng.pick(["ssm:StartSession", "ssm:*", "ssm:Start*"]), Resource: "*" };
    const terminate = {
      Effect: "Allow",
      Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
      Resource: compliant ? "arn:aws:ssm:*:*:session/${aws:username}-*" : "*",
    };
    managedPolicy(
      arn,
      name,
      doc(start, terminate, {
        Effect: "Allow",
        Action: ["ssm:DescribeSessions", "ec2:DescribeInstances"],
        Resource: "*",
      }),
    );
    customerPolicies.push({ PolicyName: name, PolicyArn: arn });
  }

  // Roles, with an instance profile for each EC2 role.
  const instanceProfiles = [];
  for (let index = 0; index < plan.roles; index += 1) {
    const kind = rng.weighted([
      [40, "ec2"],
      [25, "people"],
      [25, "lambda"],
      [10, "ecs"],
    ]);
    const name = `${kind}-role-${index}`;
    const arn = `arn:aws:iam::${ACCOUNT}:role/${name}`;
    const roleId = `AROA${rng.hex(17).toUpperCase()}`;
    let trust;
    let attached = [];
    if (kind === "ec2") {
      trust = doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
      if (rng.chance(0.8)) attached.push({ PolicyName: "AmazonSSMManagedInstanceCore", PolicyArn: SSM_CORE });
    } else if (kind === "people") {
      const statement = {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: "sts:AssumeRole",
      };
      if (rng.chance(0.5)) statement.Condition = { StringLike: { "sts:RoleSessionName": "${aws:username}" } };
      trust = doc(statement);
      attached.push(
        rng.chance(0.1)
          ? { PolicyName: "AdministratorAccess", PolicyArn: ADMIN }
          : rng.pick(customerPolicies),
      );
    } else {
      const service = kind === "lambda" ? "lambda.amazonaws.com" : "ecs-tasks.amazonaws.com";
      trust = doc({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
      if (kind === "lambda")
        attached.push({ PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: LAMBDA_BASIC });
    }
    if (rng.chance(0.2)) attached.push({ PolicyName: "ReadOnlyAccess", PolicyArn: READ_ONLY });
    const inline = rng.chance(0.4)
      ? [
          {
            PolicyName: "data-access",
            PolicyDocument: doc({
              Effect: "Allow",
              Action: ["s3:GetObject", "s3:PutObject"],
              Resource: `arn:aws:s3:::bucket-${index}/*`,
            }),
          },
        ]
      : [];
    const profiles = [];
    if (kind === "ec2") {
      const profile = {
        InstanceProfileName: `${name}-profile`,
        InstanceProfileId: `AIPA${rng.hex(17).toUpperCase()}`,
        Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${name}-profile`,
        Path: "/",
        CreateDate: "2024-01-01T00:00:00Z",
        Roles: [{ RoleName: name, RoleId: roleId, Arn: arn, Path: "/", CreateDate: "2024-01-01T00:00:00Z" }],
      };
      profiles.push(profile);
      instanceProfiles.push(profile);
    }
    add(
      "AWS::IAM::Role",
      name,
      "global",
      {
        RoleName: name,
        RoleId: roleId,
        Arn: arn,
        Path: "/",
        CreateDate: "2024-01-01T00:00:00Z",
        AssumeRolePolicyDocument: trust,
        RolePolicyList: inline,
        AttachedManagedPolicies: attached,
        InstanceProfileList: profiles,
        Tags: tags({ Team: `team-${index % 40}` }),
      },
      arn,
    );
  }
  for (const profile of instanceProfiles) {
    add("AWS::IAM::InstanceProfile", profile.InstanceProfileName, "global", profile, profile.Arn);
  }

  for (let index = 0; index < plan.groups; index += 1) {
    const name = `group-${index}`;
    add(
      "AWS::IAM::Group",
      name,
      "global",
      {
        GroupName: name,
        GroupId: `AGPA${rng.hex(17).toUpperCase()}`,
        Arn: `arn:aws:iam::${ACCOUNT}:group/${name}`,
        Path: "/",
        CreateDate: "2024-01-01T00:00:00Z",
        GroupPolicyList: [],
        AttachedManagedPolicies: [rng.pick(customerPolicies)],
      },
      `arn:aws:iam::${ACCOUNT}:group/${name}`,
    );
  }
  for (let index = 0; index < plan.users; index += 1) {
    const name = `user-${index}`;
    add(
      "AWS::IAM::User",
      name,
      "global",
      {
        UserName: name,
        UserId: `AIDA${rng.hex(17).toUpperCase()}`,
        Arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
        Path: "/",
        CreateDate: "2024-01-01T00:00:00Z",
        UserPolicyList: [],
        GroupList: [`group-${index % plan.groups}`],
        AttachedManagedPolicies: rng.chance(0.2) ? [rng.pick(customerPolicies)] : [],
      },
      `arn:aws:iam::${ACCOUNT}:user/${name}`,
    );
  }

  // Security groups, spread over the regions.
  const groupsByRegion = new Map(regions.map((region) => [region, []]));
  const permission = (IpProtocol, from, to, sources = {}) => ({
    IpProtocol,
    ...(from === undefined ? {} : { FromPort: from, ToPort: to }),
    IpRanges: (sources.v4 ?? []).map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: (sources.v6 ?? []).map((CidrIpv6) => ({ CidrIpv6 })),
    PrefixListIds: (sources.prefixLists ?? []).map((PrefixListId) => ({ PrefixListId })),
    UserIdGroupPairs: (sources.groups ?? []).map((GroupId) => ({ GroupId, UserId: ACCOUNT })),
  });
  const ingress = (region) => {
    const peer = () => rng.pick(groupsByRegion.get(region)) ?? "sg-00000000000000001";
    return rng.weighted([
      [30, () => permission("tcp", 443, 443, { v4: ["0.0.0.0/0"], v6: ["::/0"] })],
      [12, () => permission("tcp", 80, 80, { v4: ["0.0.0.0/0"] })],
      [20, () => permission("tcp", 8080, 8080, { groups: [peer()] })],
      [12, () => permission("tcp", 5432, 5432, { v4: [`10.${rng.integer(0, 255)}.0.0/16`] })],
      [6, () => permission("icmp", 8, -1, { v4: ["10.0.0.0/8"] })],
      [5, () => permission("tcp", 1024, 65535, { v4: ["172.16.0.0/12"] })],
      [4, () => permission("tcp", 22, 22, { v4: [`10.${rng.integer(0, 255)}.0.0/16`] })],
      [3, () => permission("tcp", 22, 22, { groups: [peer()] })],
      [2, () => permission("tcp", 22, 22, { v4: ["0.0.0.0/0"] })],
      [1, () => permission("tcp", 22, 22, { prefixLists: [`pl-0${rng.hex(16)}`] })],
      [1, () => permission("tcp", 3389, 3389, { v4: ["0.0.0.0/0"] })],
      [1, () => permission("tcp", 20, 30, { v4: ["0.0.0.0/0"] })],
      [0.5, () => permission("-1", undefined, undefined, { v6: ["::/0"] })],
      [0.5, () => permission("tcp", 0, 65535, { v4: ["0.0.0.0/0"] })],
    ])();
  };
  for (let index = 0; index < plan.securityGroups; index += 1) {
    const region = regions[index % regions.length];
    const groupId = uniqueId("sg", index);
    const permissions = Array.from({ length: plan.ingressPerGroup }, () => ingress(region));
    groupsByRegion.get(region).push(groupId);
    add(
      "AWS::EC2::SecurityGroup",
      groupId,
      region,
      {
        GroupId: groupId,
        GroupName: `group-${index}`,
        Description: `synthetic group ${index}`,
        OwnerId: ACCOUNT,
        VpcId: `vpc-0${region.length.toString(16).padStart(16, "0")}`,
        IpPermissions: permissions,
        IpPermissionsEgress: [permission("-1", undefined, undefined, { v4: ["0.0.0.0/0"] })],
        Tags: tags({ Name: `group-${index}` }),
      },
      `arn:aws:ec2:${region}:${ACCOUNT}:security-group/${groupId}`,
    );
  }

  // Instances and their SSM records.
  for (let index = 0; index < plan.instances; index += 1) {
    const region = regions[index % regions.length];
    const instanceId = uniqueId("i", index);
    const running = rng.chance(0.9);
    const profile = rng.chance(0.85) && instanceProfiles.length > 0 ? rng.pick(instanceProfiles) : undefined;
    const regionGroups = groupsByRegion.get(region);
    const securityGroups = Array.from({ length: rng.integer(1, 3) }, () => {
      const groupId = rng.pick(regionGroups);
      return { GroupId: groupId, GroupName: `group-${parseInt(groupId.slice(-6), 16)}` };
    });
    const properties = {
      InstanceId: instanceId,
      InstanceType: rng.pick(["t3.micro", "m6i.large", "c6i.xlarge", "r6g.large"]),
      ImageId: `ami-0${rng.hex(16)}`,
      ...(rng.chance(0.2) ? { KeyName: rng.pick(["ops-shared", "legacy-2019", "deploy"]) } : {}),
      State: running ? { Code: 16, Name: "running" } : { Code: 80, Name: "stopped" },
      ...(running && rng.chance(0.1)
        ? { PublicIpAddress: `54.${rng.integer(0, 255)}.${rng.integer(0, 255)}.${rng.integer(1, 254)}` }
        : {}),
      PrivateIpAddress: `10.${index % 256}.${(index >> 8) % 256}.${rng.integer(1, 254)}`,
      ...(profile ? { IamInstanceProfile: { Arn: profile.Arn, Id: profile.InstanceProfileId } } : {}),
      SecurityGroups: securityGroups,
      LaunchTime: "2026-01-01T00:00:00.000Z",
      Tags: tags({ Name: `instance-${index}` }),
    };
    add(
      "AWS::EC2::Instance",
      instanceId,
      region,
      properties,
      `arn:aws:ec2:${region}:${ACCOUNT}:instance/${instanceId}`,
    );
    if (running && profile && rng.chance(0.8)) {
      add(
        "AWS::SSM::ManagedInstanceInventory",
        instanceId,
        region,
        managedInstance(rng, instanceId, "EC2Instance"),
        `arn:aws:ssm:${region}:${ACCOUNT}:managed-instance-inventory/${instanceId}`,
      );
    }
  }
  for (let index = 0; index < plan.hybridNodes; index += 1) {
    const region = regions[index % regions.length];
    const nodeId = uniqueId("mi", index);
    add(
      "AWS::SSM::ManagedInstanceInventory",
      nodeId,
      region,
      managedInstance(rng, nodeId, "ManagedInstance"),
      `arn:aws:ssm:${region}:${ACCOUNT}:managed-instance/${nodeId}`,
    );
  }

  // Preferences in some regions only; the rest have the defaults.
  for (const region of regions.slice(0, plan.regionsWithPreferences)) {
    const encrypted = rng.chance(0.5);
    add(
      "AWS::SSM::Document",
      "SSM-SessionManagerRunShell",
      region,
      {
        Name: "SSM-SessionManagerRunShell",
        DocumentType: "Session",
        DocumentFormat: "JSON",
        DocumentVersion: "1",
        Content: {
          schemaVersion: "1.0",
          description: "Document to hold regional settings for Session Manager",
          sessionType: "Standard_Stream",
          inputs: {
            s3BucketName: rng.chance(0.7) ? `session-logs-${region}` : "",
            s3KeyPrefix: "",
            s3EncryptionEnabled: encrypted,
            cloudWatchLogGroupName: rng.chance(0.5) ? "/aws/ssm/sessions" : "",
            cloudWatchEncryptionEnabled: encrypted,
            cloudWatchStreamingEnabled: true,
            kmsKeyId: encrypted
              ? `arn:aws:kms:${region}:${ACCOUNT}:key/${rng.hex(8)}-0000-4000-8000-${rng.hex(12)}`
              : "",
            runAsEnabled: rng.chance(0.3),
            runAsDefaultUser: "",
            idleSessionTimeout: rng.pick(["20", "30", "60"]),
            maxSessionDuration: rng.pick(["", "60", "480"]),
            shellProfile: { windows: "", linux: "" },
          },
        },
      },
      `arn:aws:ssm:${region}:${ACCOUNT}:document/SSM-SessionManagerRunShell`,
    );
  }

  const envelope = {
    $schema: "https://access-baseline.dev/schemas/snapshot.schema.json",
    format: "access-baseline/snapshot",
    version: 1,
    createdAt: "2026-11-20T09:30:00.000Z",
    tool: { name: "access-baseline-bench", version: "1" },
    scopes: regions.map((region) => ({ account: ACCOUNT, region })),
  };
  const head = JSON.stringify(envelope, null, 2).slice(0, -2);
  await writeFile(
    path,
    `${head},\n  "resources": [\n    ${lines.join(",\n    ")}\n  ],\n  "collectionErrors": []\n}\n`,
  );

  const size = (await stat(path)).size;
  const total = lines.length;
  return [
    `snapshot ${relative(path)}: ${formatMb(size / 1024 / 1024)}, ${total.toLocaleString("en-US")} resources, ${regions.length} regions`,
    ...Object.entries(counts).map(
      ([type, count]) => `  ${type.padEnd(36)} ${count.toLocaleString("en-US").padStart(7)}`,
    ),
  ];
}

function managedInstance(rng, instanceId, resourceType) {
  const windows = rng.chance(0.15);
  return {
    InstanceId: instanceId,
    PingStatus: rng.weighted([
      [92, "Online"],
      [6, "ConnectionLost"],
      [2, "Inactive"],
    ]),
    LastPingDateTime: "2026-11-20T09:00:00.000Z",
    AgentVersion: rng.pick(AGENT_VERSIONS),
    IsLatestVersion: false,
    PlatformType: windows ? "Windows" : "Linux",
    PlatformName: windows ? "Microsoft Windows Server 2022 Datacenter" : "Amazon Linux",
    PlatformVersion: windows ? "10.0.20348" : "2023",
    ResourceType: resourceType,
    ...(resourceType === "ManagedInstance" ? { IamRole: "SSMServiceRole-Hybrid" } : {}),
    ComputerName: `${instanceId}.internal`,
  };
}

// ---------------------------------------------------------------------------------------------
// Synthetic CloudFormation template: security groups as a large stack set would write them, most
// of them compliant, some with SSH or RDP open, a few taking their CIDR from parameters or
// mappings so that intrinsic functions are resolved too. One resource per line, as generated
// templates often are, which keeps it near 5 MB.

async function generateTemplate(path, plan) {
  const rng = random(plan.seed);
  const ports = [443, 80, 8080, 8443, 5432, 6379, 9100, 3000];
  const entry = (index) => {
    const risky = rng.weighted([
      [94, "none"],
      [3, "ssh"],
      [1, "rdp"],
      [1, "all"],
      [1, "parameter"],
    ]);
    if (index === 0 && risky === "ssh")
      return { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: "0.0.0.0/0" };
    if (index === 0 && risky === "rdp")
      return { IpProtocol: "tcp", FromPort: 3389, ToPort: 3389, CidrIpv6: "::/0" };
    if (index === 0 && risky === "all") return { IpProtocol: "-1", CidrIp: "0.0.0.0/0" };
    if (index === 0 && risky === "parameter")
      return { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: { Ref: "AdminCidr" } };
    const port = rng.pick(ports);
    return {
      IpProtocol: "tcp",
      FromPort: port,
      ToPort: port,
      CidrIp: rng.chance(0.3)
        ? { "Fn::FindInMap": ["Networks", "internal", "Cidr"] }
        : `10.${rng.integer(0, 255)}.0.0/16`,
    };
  };
  const lines = [];
  for (let index = 0; index < plan.securityGroups; index += 1) {
    const name = `Service${index.toString().padStart(5, "0")}Sg`;
    const group = {
      Type: "AWS::EC2::SecurityGroup",
      Properties: {
        GroupName: { "Fn::Sub": `\${AWS::StackName}-service-${index}` },
        GroupDescription: `Service ${index}`,
        VpcId: { Ref: "VpcId" },
        SecurityGroupIngress: Array.from({ length: plan.ingressPerGroup }, (_, entryIndex) =>
          entry(entryIndex),
        ),
      },
    };
    lines.push(`    ${JSON.stringify(name)}: ${JSON.stringify(group)}`);
  }
  const text = [
    "{",
    '  "AWSTemplateFormatVersion": "2010-09-09",',
    '  "Description": "Synthetic benchmark template",',
    '  "Parameters": {',
    '    "VpcId": { "Type": "AWS::EC2::VPC::Id" },',
    '    "AdminCidr": { "Type": "String", "Default": "198.51.100.0/24" }',
    "  },",
    '  "Mappings": { "Networks": { "internal": { "Cidr": "10.0.0.0/8" } } },',
    '  "Resources": {',
    lines.join(",\n"),
    "  }",
    "}",
    "",
  ].join("\n");
  await writeFile(path, text);
  const size = (await stat(path)).size;
  return [
    `${relative(path)}: ${(size / 1024 / 1024).toFixed(1)} MB`,
    `${plan.securityGroups.toLocaleString("en-US")} security groups, ${plan.ingressPerGroup} ingress entries each`,
  ];
}

function relative(path) {
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
