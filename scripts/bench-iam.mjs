// IAM resource-pattern inclusion in `npm run bench` (scenario "iam"): `check --snapshot` on an
// account whose users and roles each carry an inline policy at IAM's size limit (10,240
// characters), almost all of it one ssm:TerminateSession / ssm:ResumeSession Resource pattern made
// of `*` runs that nearly spell out the own-session pattern session/${aws:username}-*. Deciding
// whether such a pattern lies within the own-session pattern is the costliest question a policy
// can ask of the checker.
//
//   node scripts/bench.mjs --scenario iam
//   node scripts/bench-iam.mjs [SNAPSHOT]     writes the snapshot only (default .bench/iam-snapshot.json)
import { execFile } from "node:child_process";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ACCOUNT = "111122223333";
/** The largest inline policy IAM accepts for a role, in characters. */
const POLICY_SIZE_LIMIT = 10_240;
const USERNAME = "${aws:username}-";
const SESSIONS = `arn:aws:ssm:*:${ACCOUNT}:session/`;

/**
 * Resource patterns that keep the inclusion check busiest, one shape per principal, so that no
 * principal's answer is a cached copy of another's. Each is a run of pieces after `prefix`.
 */
const WORST_CASE_SHAPES = [
  // Ever longer prefixes of the user-name part, each after a `*`: never the whole of it.
  { prefix: SESSIONS, piece: (index) => `*${USERNAME.slice(0, 1 + (index % USERNAME.length))}` },
  // The user name, then one character where the pattern wants `-`.
  { prefix: SESSIONS, piece: () => "*${aws:username}?" },
  // The name's characters apart, joined by `?` and `*`.
  { prefix: SESSIONS, piece: () => "*?$?{*a?w*s?:*u" },
  // The caller's own sessions after all: within the pattern, so the search runs to the end.
  { prefix: `${SESSIONS}${USERNAME}`, piece: () => `*${USERNAME}?` },
  // The name without its closing brace, repeatedly.
  { prefix: SESSIONS, piece: () => "*${aws:username-" },
  // The separator before the name instead of after it.
  { prefix: SESSIONS, piece: () => "*-${aws:username}" },
];

/** An inline policy document of exactly `POLICY_SIZE_LIMIT` characters as JSON. */
function worstCasePolicy(shape, sid) {
  const document = (resource) => ({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: sid,
        Effect: "Allow",
        Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
        Resource: resource,
      },
    ],
  });
  const room = POLICY_SIZE_LIMIT - JSON.stringify(document("")).length;
  let resource = shape.prefix;
  for (let index = 0; resource.length < room; index++) resource += shape.piece(index);
  return document(resource.slice(0, room));
}

function user(name, index, shape) {
  return {
    type: "AWS::IAM::User",
    id: name,
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    account: ACCOUNT,
    region: "global",
    source: { kind: "aws-live" },
    properties: {
      UserName: name,
      UserId: `AIDAZ3EXAMPLEUSER${String(index).padStart(4, "0")}`,
      Arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
      Path: "/",
      CreateDate: "2026-01-05T09:00:00Z",
      UserPolicyList: [{ PolicyName: "own-sessions", PolicyDocument: worstCasePolicy(shape, "OwnSessions") }],
      GroupList: [],
      AttachedManagedPolicies: [],
      Tags: [],
    },
  };
}

function role(name, index, shape) {
  return {
    type: "AWS::IAM::Role",
    id: name,
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    account: ACCOUNT,
    region: "global",
    source: { kind: "aws-live" },
    properties: {
      RoleName: name,
      RoleId: `AROAZ3EXAMPLEROLE${String(index).padStart(4, "0")}`,
      Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
      Path: "/",
      CreateDate: "2026-01-05T09:00:00Z",
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: "sts:AssumeRole",
            Condition: { StringLike: { "sts:RoleSessionName": "${aws:username}" } },
          },
        ],
      },
      RolePolicyList: [{ PolicyName: "own-sessions", PolicyDocument: worstCasePolicy(shape, "OwnSessions") }],
      AttachedManagedPolicies: [],
      InstanceProfileList: [],
      Tags: [],
    },
  };
}

/** Writes the snapshot and returns lines that describe it. */
export async function generateIamSnapshot(path) {
  const users = ["alice", "bob", "carol"].map((name, index) =>
    user(name, index + 1, WORST_CASE_SHAPES[index]),
  );
  const roles = ["SessionOperator", "OnCall", "Deployer"].map((name, index) =>
    role(name, index + 1, WORST_CASE_SHAPES[index + 3]),
  );
  const snapshot = {
    $schema: "https://access-baseline.dev/schemas/snapshot.schema.json",
    format: "access-baseline/snapshot",
    version: 1,
    createdAt: "2026-12-06T09:30:00.000Z",
    tool: { name: "access-baseline-bench", version: "1" },
    scopes: [{ account: ACCOUNT, region: "us-east-1" }],
    resources: [...users, ...roles],
    collectionErrors: [],
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(snapshot, null, 2)}\n`);
  const { size } = await stat(path);
  return [
    `snapshot ${relative(ROOT, path)}: ${(size / 1024).toFixed(0)} KB, ${users.length} users and ${roles.length} roles`,
    `  each with one ${POLICY_SIZE_LIMIT.toLocaleString("en-US")}-character inline policy whose ssm:TerminateSession Resource nearly matches session/\${aws:username}-*`,
  ];
}

/** The scenario for scripts/bench.mjs. */
export function iamScenario(benchDir) {
  const snapshot = join(benchDir, "iam-snapshot.json");
  const results = join(benchDir, "iam-results.json");
  return {
    name: "iam",
    title: "check --snapshot: users and roles with 10,240-character worst-case session Resource patterns",
    prepare: () => generateIamSnapshot(snapshot),
    args: [
      "check",
      "--snapshot",
      relative(ROOT, snapshot),
      "--format",
      "json",
      "--output",
      relative(ROOT, results),
      "--fail-on",
      "never",
    ],
    outputs: [relative(ROOT, results)],
    targets: { wallSeconds: 1, peakRssMb: 300 },
    // Besides the whole run, the check itself: each policy's pattern against the own-session
    // pattern, in a fresh process (the built code, nothing cached), against IAM's 50 ms budget.
    measure: async (scenario, measureCli) => {
      const run = await measureCli(scenario.args, scenario.outputs);
      if (run.problem) return run;
      const perPolicy = await timePolicies(snapshot);
      return { ...run, perPolicyMs: perPolicy };
    },
    rows: (runs) => {
      const slowest = Math.max(...runs.flatMap((run) => run.perPolicyMs));
      const typical = median(runs.flatMap((run) => run.perPolicyMs));
      return [
        [
          `inclusion check per policy, slowest of ${runs[0].perPolicyMs.length * runs.length}`,
          `${slowest.toFixed(1)} ms`,
          "<= 50 ms",
          slowest <= 50 ? "yes" : "NO",
        ],
        ["inclusion check per policy, median", `${typical.toFixed(1)} ms`, "", ""],
      ];
    },
  };
}

/** The rule's own-session pattern (session-termination-scoped's default). */
const OWN_SESSIONS = "arn:aws:ssm:*:*:session/${aws:username}-*";

/** Times `statementResourcesWithin` on each policy's session statement in a child process. */
async function timePolicies(snapshot) {
  const script = `
    import { readFileSync } from "node:fs";
    import { performance } from "node:perf_hooks";
    const { statementResourcesWithin } = await import(${JSON.stringify(pathToFileURL(join(ROOT, "dist", "iam", "resources.js")).href)});
    const { resources } = JSON.parse(readFileSync(process.argv[1], "utf8"));
    const times = [];
    for (const resource of resources) {
      const policies = resource.properties.UserPolicyList ?? resource.properties.RolePolicyList ?? [];
      for (const policy of policies) {
        for (const statement of policy.PolicyDocument.Statement) {
          const started = performance.now();
          statementResourcesWithin(statement, ${JSON.stringify(OWN_SESSIONS)});
          times.push(performance.now() - started);
        }
      }
    }
    console.log(JSON.stringify(times));
  `;
  const { stdout } = await execFileAsync(process.execPath, ["--input-type=module", "-e", script, snapshot], {
    cwd: ROOT,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = process.argv[2] ?? join(ROOT, ".bench", "iam-snapshot.json");
  for (const line of await generateIamSnapshot(path)) console.log(line);
}
