// Performance benchmark: runs the built CLI on large synthetic inputs and reports wall time and
// peak memory against the project's targets. It reports; it does not gate (exit 0 when targets are
// missed, 1 only when a run could not be measured at all).
//
//   npm run bench                       all scenarios, 1 warm-up + 5 measured runs each
//   node scripts/bench.mjs --runs 3 --warmup 0 --scenario large
//
// Run after `npm run build`. Inputs are generated into .bench/ (git-ignored) from fixed seeds
// (scripts/bench-inputs.mjs), so every run and every machine measures the same data; an input
// already generated from the same plan is reused.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { guardBinary, GUARD_RULES } from "./bench-guard.mjs";
import { generateOneResourceTemplate, generateSnapshot, generateTemplate } from "./bench-inputs.mjs";
import { iamScenario } from "./bench-iam.mjs";
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
// `measure(scenario)` replaces the default single run; `rows(runs)` adds lines to the table.

/** The large estate: 50,000 resources in 17 regions. `scale` multiplies every count. */
function largePlan(scale) {
  return {
    seed: 20261120,
    regions: 17,
    securityGroups: 10_000 * scale,
    ingressPerGroup: 5,
    instances: 20_000 * scale,
    roles: 5_000 * scale,
    users: 300 * scale,
    groups: 30 * scale,
    customerPolicies: 120 * scale,
    hybridNodes: 200 * scale,
    regionsWithPreferences: 10,
  };
}

const LARGE_TARGETS = { wallSeconds: 1.5, peakRssMb: 400 };
/** Growth allowed per doubling of the input, for time and for memory. */
const SCALING_LIMIT = 2.2;
const SCALES = [1, 2, 4];

const snapshotFile = (scale) => join(BENCH_DIR, scale === 1 ? "snapshot.json" : `snapshot-${scale}x.json`);
const checkSnapshotArgs = (input, output) => [
  "check",
  "--snapshot",
  input,
  "--format",
  "json",
  "--output",
  output,
  "--fail-on",
  "never",
];

const scenarios = [
  {
    name: "large",
    title: "check --snapshot: one large account, 17 regions",
    prepare: () => generateSnapshot(snapshotFile(1), largePlan(1)),
    args: checkSnapshotArgs(".bench/snapshot.json", ".bench/results.json"),
    outputs: [".bench/results.json"],
    targets: LARGE_TARGETS,
  },
  {
    name: "scaling",
    title: `check --snapshot at ${SCALES.map((scale) => `${scale}x`).join(", ")} the large account: growth per doubling`,
    prepare: async () => {
      const lines = [];
      for (const scale of SCALES)
        lines.push(...(await generateSnapshot(snapshotFile(scale), largePlan(scale))));
      return lines.filter((line) => line.startsWith("snapshot "));
    },
    command: SCALES.map((scale) => `check --snapshot ${relative(snapshotFile(scale))}`).join("; "),
    // One run measures every size in turn, so the sizes share the machine's state.
    measure: async () => {
      const sizes = [];
      for (const scale of SCALES) {
        const output = join(BENCH_DIR, `results-${scale}x.json`);
        const run = await measureCli(checkSnapshotArgs(snapshotFile(scale), output), [output]);
        if (run.problem) return run;
        sizes.push(run);
      }
      return { ...sizes[sizes.length - 1], sizes };
    },
    wallLabel: `wall time at ${SCALES[SCALES.length - 1]}x`,
    targets: {
      wallSeconds: LARGE_TARGETS.wallSeconds * SCALING_LIMIT ** 2,
      peakRssMb: LARGE_TARGETS.peakRssMb * SCALING_LIMIT ** 2,
    },
    rows: (runs) => {
      const rows = [];
      const at = (index, field) => median(runs.map((run) => run.sizes[index][field]));
      for (let index = 1; index < SCALES.length; index += 1) {
        const step = `${SCALES[index - 1]}x -> ${SCALES[index]}x`;
        const time = at(index, "wallSeconds") / at(index - 1, "wallSeconds");
        const memory = at(index, "peakRssMb") / at(index - 1, "peakRssMb");
        rows.push([
          `time growth ${step}`,
          `${time.toFixed(2)}x`,
          `<= ${SCALING_LIMIT}x`,
          verdict(time <= SCALING_LIMIT),
        ]);
        rows.push([
          `memory growth ${step}`,
          `${memory.toFixed(2)}x`,
          `<= ${SCALING_LIMIT}x`,
          verdict(memory <= SCALING_LIMIT),
        ]);
      }
      for (const [index, scale] of SCALES.entries())
        rows.push([
          `  ${scale}x: wall (median), peak RSS (max)`,
          `${formatSeconds(at(index, "wallSeconds"))}, ${formatMb(Math.max(...runs.map((run) => run.sizes[index].peakRssMb)))}`,
          "",
          "",
        ]);
      return rows;
    },
    report: (runs) => ({
      sizes: SCALES.map((scale, index) => ({
        scale,
        wallSeconds: runs.map((run) => run.sizes[index].wallSeconds),
        peakRssMb: runs.map((run) => run.sizes[index].peakRssMb),
      })),
    }),
  },
  {
    name: "template",
    title: "check PATH: one CloudFormation JSON template, 10,000 security groups, beside cfn-guard",
    prepare: async () => {
      const lines = await generateTemplate(join(BENCH_DIR, "template.json"), {
        seed: 20261121,
        securityGroups: 10_000,
        ingressPerGroup: 5,
      });
      const guard = guardBinary(ROOT);
      lines.push(
        guard
          ? `cfn-guard: ${relative(guard.path)} (${guard.version}), rules ${relative(GUARD_RULES)}; runs alternate with ours`
          : "cfn-guard: not installed (npm i -D @cdklabs/cdk-validator-cfnguard ships it); comparison skipped",
      );
      return lines;
    },
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
    // Alternating pairs: ours, then cfn-guard on the same file, so both see the same machine.
    measure: async (scenario) => {
      const ours = await measureCli(scenario.args, scenario.outputs);
      const guard = guardBinary(ROOT);
      if (ours.problem || !guard) return ours;
      const output = join(BENCH_DIR, "template-guard.json");
      const theirs = await measureProcess(
        guard.path,
        [
          "validate",
          "--rules",
          GUARD_RULES,
          "--data",
          join(BENCH_DIR, "template.json"),
          "--show-summary",
          "none",
          "--output-format",
          "json",
        ],
        { stdoutFile: output, acceptExit: (code) => code === 0 || code === 19 },
      );
      if (theirs.problem) return { ...theirs, problem: `cfn-guard ${theirs.problem}` };
      return { ...ours, guardSeconds: theirs.wallSeconds, guardRssMb: theirs.peakRssMb };
    },
    // Its time target is relative: the ratio to cfn-guard below.
    targets: { peakRssMb: 250 },
    rows: (runs) => {
      if (runs.some((run) => run.guardSeconds === undefined)) return [];
      const ours = median(runs.map((run) => run.wallSeconds));
      const theirs = median(runs.map((run) => run.guardSeconds));
      const ratio = ours / theirs;
      return [
        [`cfn-guard wall time (median of ${runs.length})`, formatSeconds(theirs), "", ""],
        [
          `cfn-guard peak RSS (max of ${runs.length})`,
          formatMb(Math.max(...runs.map((run) => run.guardRssMb))),
          "",
          "",
        ],
        ["ratio ours / cfn-guard", ratio.toFixed(3), "<= 0.100", verdict(ratio <= 0.1)],
      ];
    },
    report: (runs) =>
      runs[0].guardSeconds === undefined
        ? {}
        : {
            guard: runs.map(({ guardSeconds, guardRssMb }) => ({
              wallSeconds: guardSeconds,
              peakRssMb: guardRssMb,
            })),
            ratio: median(runs.map((run) => run.wallSeconds)) / median(runs.map((run) => run.guardSeconds)),
          },
  },
  {
    name: "startup",
    title: "check PATH: a one-resource template, the whole process, above `node -e 0`",
    prepare: () => generateOneResourceTemplate(join(BENCH_DIR, "one-resource.yaml")),
    args: [
      "check",
      ".bench/one-resource.yaml",
      "--format",
      "text",
      "--output",
      ".bench/one-resource.txt",
      "--fail-on",
      "never",
    ],
    outputs: [".bench/one-resource.txt"],
    wallLabel: "time above `node -e 0`",
    // Start-up is tens of milliseconds: one run is the median of several alternating pairs.
    measure: async (scenario) => {
      const ours = [];
      const bare = [];
      let peakRssMb = 0;
      for (let pair = 0; pair < STARTUP_PAIRS; pair += 1) {
        const baseline = await measureProcess(process.execPath, ["-e", "0"]);
        if (baseline.problem) return baseline;
        bare.push(baseline.wallSeconds);
        const run = await measureCli(scenario.args, scenario.outputs);
        if (run.problem) return run;
        ours.push(run.wallSeconds);
        peakRssMb = Math.max(peakRssMb, run.peakRssMb);
      }
      return {
        wallSeconds: median(ours) - median(bare),
        peakRssMb,
        oursSeconds: median(ours),
        nodeSeconds: median(bare),
      };
    },
    targets: { wallSeconds: 0.15, peakRssMb: 150 },
    rows: (runs) => [
      [`check, whole process (median)`, formatMs(median(runs.map((run) => run.oursSeconds))), "", ""],
      ["`node -e 0` (median)", formatMs(median(runs.map((run) => run.nodeSeconds))), "", ""],
    ],
  },
  {
    name: "huge",
    title: "check --snapshot: a 200 MB snapshot (157,000 security groups)",
    prepare: () =>
      generateSnapshot(join(BENCH_DIR, "snapshot-huge.json"), {
        seed: 20261122,
        regions: 17,
        securityGroups: 157_000,
        ingressPerGroup: 5,
        instances: 0,
        roles: 0,
        users: 0,
        groups: 0,
        customerPolicies: 0,
        hybridNodes: 0,
        regionsWithPreferences: 0,
      }),
    args: checkSnapshotArgs(".bench/snapshot-huge.json", ".bench/results-huge.json"),
    outputs: [".bench/results-huge.json"],
    targets: { wallSeconds: 12, peakRssMb: 1200 },
  },
  // IAM resource-pattern inclusion at IAM's policy size limit (scripts/bench-iam.mjs).
  iamScenario(BENCH_DIR),
  // The Config rule Lambda: bundle size, cold start, warm evaluation (scripts/bench-lambda.mjs).
  lambdaScenario(BENCH_DIR),
  // The campaign report over 70 and 20,000 instances (scripts/bench-report.mjs).
  ...reportScenarios(BENCH_DIR),
];

/** Alternating pairs per start-up run: enough for a stable median of a ~100 ms process. */
const STARTUP_PAIRS = 9;

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
      const run = await (scenario.measure ?? measure)(scenario, measureCli);
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
    const { wallSeconds: wallTarget, peakRssMb: rssTarget } = scenario.targets;
    printTable([
      ["metric", "measured", "target", "met"],
      [
        `${scenario.wallLabel ?? "wall time"} (median of ${runs.length})`,
        formatSeconds(wall),
        ...(wallTarget === undefined
          ? ["", ""]
          : [`<= ${formatSeconds(wallTarget)}`, verdict(wall <= wallTarget)]),
      ],
      [
        `peak RSS (max of ${runs.length})`,
        formatMb(rss),
        ...(rssTarget === undefined ? ["", ""] : [`<= ${formatMb(rssTarget)}`, verdict(rss <= rssTarget)]),
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

/** The default run: the scenario's CLI arguments once. */
function measure(scenario) {
  return measureCli(scenario.args, scenario.outputs ?? []);
}

/** Runs the CLI once; wall time includes Node start-up, as a user would see it. */
async function measureCli(args, outputs) {
  const files = outputs.map((output) => resolve(ROOT, output));
  await Promise.all(files.map((file) => rm(file, { force: true })));
  const run = await measureProcess(process.execPath, [CLI, ...args]);
  if (run.problem) return run;
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0)
    return { ...run, problem: `exited 0 but did not write ${missing.map(relative).join(", ")}` };
  return run;
}

/**
 * Runs one process and measures its wall time and peak resident set size. A Node process reports
 * its own peak through the probe (`--import`); any other program runs under GNU time when the
 * machine has it, else its memory is reported as unknown.
 */
async function measureProcess(command, args, { stdoutFile, acceptExit = (code) => code === 0 } = {}) {
  const isNode = command === process.execPath;
  const probeOutput = join(BENCH_DIR, `probe-${process.pid}.json`);
  await rm(probeOutput, { force: true });
  const gnuTime = !isNode && existsSync("/usr/bin/time");
  const [program, programArgs] = isNode
    ? [command, ["--import", PROBE, ...args]]
    : gnuTime
      ? ["/usr/bin/time", ["-f", "%M", "-o", probeOutput, command, ...args]]
      : [command, args];
  const stdout = stdoutFile ? await open(stdoutFile, "w") : undefined;
  const started = performance.now();
  const child = spawn(program, programArgs, {
    cwd: ROOT,
    env: { ...process.env, BENCH_PROBE_OUTPUT: probeOutput, NO_COLOR: "1" },
    stdio: ["ignore", stdout?.fd ?? "ignore", "pipe"],
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
  await stdout?.close();
  let peakRssMb = Number.NaN;
  try {
    const text = await readFile(probeOutput, "utf8");
    // The probe writes JSON; GNU time writes the kilobytes (after any "Command exited" line).
    peakRssMb = (isNode ? JSON.parse(text).maxRssKb : Number(text.trim().split("\n").pop())) / 1024;
  } catch {
    // Nothing written: the child was killed by a signal, or no way to measure memory here.
  }
  await rm(probeOutput, { force: true });
  const problem = acceptExit(exitCode) ? undefined : `failed with exit code ${exitCode}:`;
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

function formatMs(seconds) {
  return `${Math.round(seconds * 1000)} ms`;
}

function formatMb(megabytes) {
  return Number.isNaN(megabytes) ? "unknown" : `${Math.round(megabytes)} MB`;
}

function printTable(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    console.log(`   ${row.map((cell, column) => cell.padEnd(widths[column])).join("   ")}`);
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
