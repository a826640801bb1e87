// The campaign report in `npm run bench` (scenarios "report-70" and "report-20000"): a history of
// four weekly results files over 70 and over 20,000 instances, then `report` writing HTML, CSV and
// Markdown. Measured: the command's wall time (target <= 3 s), the HTML's size (<= 5 MB) and, when
// Chromium is available (CHROMIUM_PATH or /usr/bin/chromium), the time the browser takes to load
// and lay out the page (<= 3 s).
//
//   node scripts/bench.mjs --scenario report-20000
//   node scripts/bench-report.mjs [INSTANCES]      one measurement, printed as JSON
//
// The results files are written the way `check --format json` writes them (format version 1,
// every result of every rule, facts of the resources with findings), from a fixed seed.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist", "cli", "bin.js");
const PROBE = pathToFileURL(join(ROOT, "scripts", "bench-probe.mjs")).href;
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const BUDGET = { writeSeconds: 3, htmlBytes: 5 * 1024 * 1024, renderSeconds: 3 };
const RUNS = ["2026-11-06T08:00:00Z", "2026-11-13T08:00:00Z", "2026-11-20T08:00:00Z", "2026-11-27T08:00:00Z"];

/** The scenarios for scripts/bench.mjs. */
export function reportScenarios(benchDir) {
  return [70, 20_000].map((instances) => scenario(benchDir, instances));
}

function scenario(benchDir, instances) {
  const dir = join(benchDir, `campaign-${instances}`);
  const html = join(benchDir, `campaign-${instances}.html`);
  const csv = join(benchDir, `campaign-${instances}.csv`);
  let htmlBytes = 0;
  let renderSeconds;
  const args = [
    "report",
    "--history",
    relative(ROOT, dir),
    "--format",
    `html=${relative(ROOT, html)}`,
    "--format",
    `csv=${relative(ROOT, csv)}`,
    "--format",
    "markdown",
  ];
  return {
    name: `report-${instances}`,
    title: `report --history: four weekly runs over ${instances.toLocaleString("en-US")} instances, HTML + CSV + Markdown`,
    prepare: async () => {
      const files = await generateHistory(dir, instances);
      return [`${files.length} results files in ${relative(ROOT, dir)}`];
    },
    args,
    outputs: [relative(ROOT, html), relative(ROOT, csv)],
    wallLabel: "report written",
    targets: { wallSeconds: BUDGET.writeSeconds, peakRssMb: 1024 },
    rows: () => {
      const rows = [
        [
          "HTML size",
          `${(htmlBytes / 1024 / 1024).toFixed(2)} MB`,
          "<= 5.00 MB",
          htmlBytes <= BUDGET.htmlBytes ? "yes" : "NO",
        ],
      ];
      rows.push(
        renderSeconds === undefined
          ? ["browser render", "no Chromium", `<= ${BUDGET.renderSeconds} s`, "-"]
          : [
              "browser render",
              `${renderSeconds.toFixed(2)} s`,
              `<= ${BUDGET.renderSeconds} s`,
              renderSeconds <= BUDGET.renderSeconds ? "yes" : "NO",
            ],
      );
      return rows;
    },
    report: () => ({ htmlBytes, renderSeconds: renderSeconds ?? null }),
    // One run of the command, then the page it wrote: its size and the browser's time to show it.
    measure: async () => {
      const run = await runReport(args);
      if (run.problem) return run;
      htmlBytes = (await stat(html)).size;
      renderSeconds = await renderTime(html);
      return run;
    },
  };
}

/** Runs the built CLI once under the memory probe; wall time includes Node's start-up. */
async function runReport(args) {
  const probeOutput = join(ROOT, ".bench", `probe-report-${process.pid}.json`);
  await rm(probeOutput, { force: true });
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", PROBE, CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, BENCH_PROBE_OUTPUT: probeOutput },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const wallSeconds = (performance.now() - started) / 1000;
  let peakRssMb = Number.NaN;
  try {
    peakRssMb = JSON.parse(await readFile(probeOutput, "utf8")).maxRssKb / 1024;
  } catch {
    // The probe writes on exit; a child killed by a signal leaves nothing.
  }
  await rm(probeOutput, { force: true });
  return {
    ...(code !== 0 ? { problem: `failed with exit code ${code}:` } : {}),
    wallSeconds,
    peakRssMb,
    stderr,
  };
}

/** Seconds from navigation to a laid-out page in headless Chromium, or undefined without one. */
export async function renderTime(file) {
  if (!existsSync(CHROMIUM)) return undefined;
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    const started = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 120_000 });
    // Layout of the whole document, as a reader scrolling to the end would need it.
    await page.evaluate(() => document.documentElement.scrollHeight);
    return (performance.now() - started) / 1000;
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The synthetic history

function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACCOUNT = "111122223333";
const TYPES = [
  "t3.micro",
  "t3.small",
  "t3.medium",
  "m5.large",
  "m6i.large",
  "c6i.large",
  "r6i.large",
  "x2iedn.xlarge",
];
const RULES = [
  { id: "ssh-from-internet", severity: "error", type: "AWS::EC2::SecurityGroup", tags: ["network", "ssh"] },
  {
    id: "ssh-from-any-source",
    severity: "warning",
    type: "AWS::EC2::SecurityGroup",
    tags: ["network", "ssh"],
  },
  { id: "exposed-bastion", severity: "error", type: "AWS::EC2::Instance", tags: ["bastion"] },
  { id: "instance-key-pair", severity: "warning", type: "AWS::EC2::Instance", tags: ["key-pair"] },
  { id: "instance-managed-by-ssm", severity: "error", type: "AWS::EC2::Instance", tags: ["ssm-agent"] },
  { id: "instance-role-ssm-permissions", severity: "error", type: "AWS::EC2::Instance", tags: ["iam"] },
  {
    id: "ssm-agent-version",
    severity: "warning",
    type: "AWS::SSM::ManagedInstanceInventory",
    tags: ["ssm-agent"],
  },
  {
    id: "role-session-name-condition",
    severity: "error",
    type: "AWS::IAM::Role",
    tags: ["iam", "attribution"],
  },
];
const FAIL_RATE = {
  "ssh-from-internet": 0.05,
  "ssh-from-any-source": 0.15,
  "exposed-bastion": 0.01,
  "instance-key-pair": 0.3,
  "instance-managed-by-ssm": 0.2,
  "instance-role-ssm-permissions": 0.15,
  "ssm-agent-version": 0.2,
  "role-session-name-condition": 0.3,
};

function estate(instances) {
  const rng = random(20261127 + instances);
  const regions = instances >= 1000 ? 17 : 2;
  const teams = instances >= 1000 ? 40 : 5;
  const regionName = (index) =>
    [
      "us-east-1",
      "us-east-2",
      "us-west-1",
      "us-west-2",
      "eu-west-1",
      "eu-west-2",
      "eu-west-3",
      "eu-central-1",
      "eu-north-1",
      "ap-south-1",
      "ap-southeast-1",
      "ap-southeast-2",
      "ap-northeast-1",
      "ap-northeast-2",
      "ca-central-1",
      "sa-east-1",
      "me-south-1",
    ][index];
  const hex = (n, width) => n.toString(16).padStart(width, "0");
  const owner = () => (rng() < 0.05 ? undefined : `team-${hex(Math.floor(rng() * teams), 2)}`);
  const groups = Array.from({ length: Math.max(2, Math.floor(instances / 2)) }, (_, index) => ({
    type: "AWS::EC2::SecurityGroup",
    id: `sg-${hex(index, 17)}`,
    region: regionName(index % regions),
    team: owner(),
  }));
  const hosts = Array.from({ length: instances }, (_, index) => {
    const region = regionName(index % regions);
    const own = groups.filter((group) => group.region === region);
    return {
      type: "AWS::EC2::Instance",
      id: `i-${hex(index, 17)}`,
      region,
      team: owner(),
      instanceType: TYPES[Math.floor(rng() * TYPES.length)],
      publicIp: rng() < 0.05 ? `198.51.${Math.floor(index / 250) % 256}.${index % 250}` : undefined,
      securityGroups: [own[Math.floor(rng() * own.length)].id],
    };
  });
  const roles = Array.from({ length: Math.max(3, Math.floor(instances / 20)) }, (_, index) => ({
    type: "AWS::IAM::Role",
    id: `role-${index}`,
    region: "global",
    team: owner(),
  }));
  // When each (resource, rule) failure gets fixed: never (Infinity), or in a run after the first.
  const failures = new Map();
  for (const rule of RULES) {
    const resources =
      rule.type === "AWS::EC2::SecurityGroup" ? groups : rule.type === "AWS::IAM::Role" ? roles : hosts;
    for (const resource of resources) {
      if (rng() >= FAIL_RATE[rule.id]) continue;
      // One team finishes: everything of team-00 is fixed by the last run.
      const fixedIn =
        resource.team === "team-00"
          ? 1 + Math.floor(rng() * 3)
          : rng() < 0.5
            ? 1 + Math.floor(rng() * 4)
            : Infinity;
      failures.set(`${rule.id} ${resource.id}`, fixedIn);
    }
  }
  return { groups, hosts, roles, failures };
}

function resultsFile(world, runIndex) {
  const results = [];
  const withFindings = new Set();
  const resource = (r, type = r.type) => ({
    type,
    id: r.id,
    account: ACCOUNT,
    region: r.region,
    sourceKind: "aws-live",
  });
  for (const rule of RULES) {
    const resources =
      rule.type === "AWS::EC2::SecurityGroup"
        ? world.groups
        : rule.type === "AWS::IAM::Role"
          ? world.roles
          : world.hosts;
    for (const r of resources) {
      const fixedIn = world.failures.get(`${rule.id} ${r.id}`);
      const failing = fixedIn !== undefined && runIndex < fixedIn;
      const type = rule.type === "AWS::SSM::ManagedInstanceInventory" ? rule.type : r.type;
      const result = {
        ruleId: rule.id,
        status: failing ? "fail" : "pass",
        severity: rule.severity,
        message: failing ? `${r.id} fails ${rule.id}` : `${r.id} passes ${rule.id}`,
        resource: resource(r, type),
        location: { uri: `aws/${ACCOUNT}/${r.region}/${type.replaceAll("::", "-")}/${r.id}` },
        evidence:
          failing && type === "AWS::EC2::SecurityGroup"
            ? [
                {
                  path: "IpPermissions[0]",
                  value: {
                    IpProtocol: "tcp",
                    FromPort: 22,
                    ToPort: 22,
                    IpRanges: [{ CidrIp: rule.id === "ssh-from-internet" ? "0.0.0.0/0" : "10.0.0.0/8" }],
                    Ipv6Ranges: [],
                    PrefixListIds: [],
                    UserIdGroupPairs: [],
                  },
                },
              ]
            : [],
      };
      if (failing) {
        result.fingerprint = `${r.id}-${rule.id}:1`;
        withFindings.add(r.id);
      }
      results.push(result);
    }
  }
  const facts = [...world.groups, ...world.roles, ...world.hosts]
    .filter(
      (r) => withFindings.has(r.id) || (r.securityGroups ?? []).some((group) => withFindings.has(group)),
    )
    .map((r) => ({
      type: r.type,
      id: r.id,
      account: ACCOUNT,
      region: r.region,
      ...(r.team !== undefined
        ? { tags: { Team: r.team, Name: `${r.id.slice(-6)}-host` } }
        : { tags: { Name: `${r.id.slice(-6)}-host` } }),
      ...(r.type === "AWS::EC2::Instance"
        ? {
            instanceType: r.instanceType,
            state: "running",
            ...(r.publicIp ? { publicIp: r.publicIp } : {}),
            securityGroups: r.securityGroups,
          }
        : {}),
    }));
  const envelope = {
    format: "access-baseline/results",
    version: 1,
    tool: {
      name: "access-baseline",
      version: "0.1.0",
      informationUri: "https://github.com/access-baseline/access-baseline",
    },
    inputs: ["bench"],
    summary: {
      byStatus: { pass: 0, fail: 0, not_applicable: 0, error: 0, waived: 0 },
      failuresBySeverity: { error: 0, warning: 0, note: 0 },
      resources: world.hosts.length + world.groups.length + world.roles.length,
      rules: RULES.length,
    },
    rules: RULES.map((rule) => ({
      id: rule.id,
      title: rule.id,
      severity: rule.severity,
      securitySeverity: 5,
      precision: "high",
      description: "",
      rationale: "",
      remediation: "",
      tags: rule.tags,
      resourceTypes: [rule.type],
      file: `${rule.id}.yaml`,
    })),
    collectionErrors: [],
    inputProblems: [],
    waivers: [],
    createdAt: RUNS[runIndex],
    resources: facts,
  };
  for (const result of results) envelope.summary.byStatus[result.status] += 1;
  const head = JSON.stringify({ ...envelope, results: [] }, null, 2);
  return head.replace(
    '"results": []',
    `"results": [\n${results.map((result) => `    ${JSON.stringify(result)}`).join(",\n")}\n  ]`,
  );
}

async function generateHistory(dir, instances) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const world = estate(instances);
  const files = [];
  for (const [index, createdAt] of RUNS.entries()) {
    const file = join(dir, `${createdAt.slice(0, 10)}.json`);
    await writeFile(file, `${resultsFile(world, index)}\n`);
    files.push(file);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Standalone: one measurement

async function standalone(instances) {
  const run = scenario(join(ROOT, ".bench"), instances);
  await run.prepare();
  const measured = await run.measure();
  if (measured.problem) throw new Error(`report ${measured.problem} ${measured.stderr}`);
  const { htmlBytes, renderSeconds } = run.report();
  console.log(
    JSON.stringify({
      instances,
      writeSeconds: measured.wallSeconds,
      peakRssMb: measured.peakRssMb,
      htmlBytes,
      renderSeconds,
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  standalone(Number(process.argv[2] ?? 20_000)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
