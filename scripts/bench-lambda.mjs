// The Config rule Lambda in `npm run bench` (scenario "lambda"): the bundle's size, and the time a
// fresh process takes to load the bundle and evaluate a first security-group change event (the
// cold start), then warm evaluations of the same event. PutEvaluations goes to a loopback endpoint
// started before the clock starts (AWS_ENDPOINT_URL, which the bundled SDK honours).
//
//   node scripts/bench.mjs --scenario lambda
//   node scripts/bench-lambda.mjs BUNDLE [WARM_RUNS]     one measurement, as JSON on standard output
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WARM_RUNS = 200;
const BUDGET = { bundleBytes: 3 * 1024 * 1024, coldStartSeconds: 0.3, warmMs: 10 };

/** The scenario for scripts/bench.mjs. */
export function lambdaScenario(benchDir) {
  const outdir = join(benchDir, "lambda");
  const bundle = join(outdir, "index.mjs");
  let bundleBytes = 0;
  return {
    name: "lambda",
    title: "Config rule Lambda: bundle size, cold start and warm evaluation of a security-group event",
    prepare: async () => {
      const { buildLambda } = await import("./build-lambda.mjs");
      const { manifest } = await buildLambda({ outdir, quiet: true });
      bundleBytes = manifest.totalBytes;
      return [
        `bundle ${relative(ROOT, bundle)} and the modules it imports: ${(bundleBytes / 1024 / 1024).toFixed(2)} MB, sha256 ${manifest.bundle.sha256}`,
      ];
    },
    command: `node scripts/bench-lambda.mjs ${relative(ROOT, bundle)} ${WARM_RUNS}`,
    wallLabel: "module load + first evaluation",
    measure: () => measure(bundle),
    targets: { wallSeconds: BUDGET.coldStartSeconds, peakRssMb: 256 },
    rows: (runs) => {
      const warm = median(runs.map((run) => run.warmMedianMs));
      return [
        [
          "bundle size (all modules)",
          `${(bundleBytes / 1024 / 1024).toFixed(2)} MB`,
          "<= 3.00 MB",
          bundleBytes <= BUDGET.bundleBytes ? "yes" : "NO",
        ],
        [
          `warm evaluation (median of ${runs.length} medians)`,
          `${warm.toFixed(2)} ms`,
          `<= ${BUDGET.warmMs} ms`,
          warm <= BUDGET.warmMs ? "yes" : "NO",
        ],
      ];
    },
    report: (runs) => ({
      bundleBytes,
      moduleLoadMs: runs.map((run) => run.moduleLoadMs),
      firstEvaluationMs: runs.map((run) => run.firstEvaluationMs),
      warmMedianMs: runs.map((run) => run.warmMedianMs),
      warmP95Ms: runs.map((run) => run.warmP95Ms),
    }),
  };
}

/** One fresh process: cold start, then warm evaluations. */
async function measure(bundle) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), bundle, String(WARM_RUNS)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  try {
    const result = JSON.parse(stdout.trim().split("\n").at(-1));
    if (code !== 0 || result.verdict !== "NON_COMPLIANT")
      throw new Error(`exit code ${code}, verdict ${result.verdict}`);
    return { ...result, wallSeconds: result.coldStartMs / 1000, peakRssMb: result.maxRssKb / 1024, stderr };
  } catch (error) {
    return { problem: `failed: ${error.message}`, stderr: `${stderr}\n${stdout}` };
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The measured process. */
async function probe(bundle, warmRuns) {
  // AWS Config, as far as PutEvaluations goes: every evaluation recorded.
  let evaluations = 0;
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      evaluations += JSON.parse(body || "{}").Evaluations?.length ?? 0;
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      response.end('{"FailedEvaluations":[]}');
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${server.address().port}`,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? "AKIDEXAMPLEBENCH0001",
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? "bench-secret",
    AWS_REGION: "us-east-1",
  });
  // The handler's log lines are not what is measured.
  process.stdout.write = (
    (write) =>
    (chunk, ...rest) =>
      typeof chunk === "string" && chunk.startsWith('{"level"')
        ? true
        : write.call(process.stdout, chunk, ...rest)
  )(process.stdout.write);

  const item = {
    configurationItemCaptureTime: "2026-11-20T10:00:00.000Z",
    configurationItemStatus: "OK",
    awsAccountId: "111122223333",
    resourceType: "AWS::EC2::SecurityGroup",
    resourceId: "sg-0a1b2c3d4e5f60001",
    resourceName: "bastion-ssh",
    ARN: "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f60001",
    awsRegion: "us-east-1",
    configuration: {
      groupId: "sg-0a1b2c3d4e5f60001",
      groupName: "bastion-ssh",
      description: "SSH to the bastion host",
      ownerId: "111122223333",
      vpcId: "vpc-0c4f7a2e9b1d30a11",
      ipPermissions: [
        {
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          ipRanges: ["0.0.0.0/0"],
          ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }],
          ipv6Ranges: [],
        },
        {
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          ipRanges: ["0.0.0.0/0"],
          ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }],
          ipv6Ranges: [{ cidrIpv6: "::/0" }],
        },
      ],
      ipPermissionsEgress: [
        { ipProtocol: "-1", ipRanges: ["0.0.0.0/0"], ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }] },
      ],
      tags: [],
    },
  };
  const event = {
    invokingEvent: JSON.stringify({
      configurationItem: item,
      notificationCreationTime: "2026-11-20T10:00:05.000Z",
      messageType: "ConfigurationItemChangeNotification",
      recordVersion: "1.3",
    }),
    ruleParameters: "{}",
    resultToken: "TESTMODE",
    eventLeftScope: false,
    configRuleName: "access-baseline-bench",
    accountId: "111122223333",
  };

  const started = performance.now();
  const { handler } = await import(pathToFileURL(bundle).href);
  const loaded = performance.now();
  const first = await handler(event, { awsRequestId: "cold" });
  const cold = performance.now();

  const warm = [];
  for (let index = 0; index < warmRuns; index += 1) {
    const before = performance.now();
    await handler(event, { awsRequestId: `warm-${index}` });
    warm.push(performance.now() - before);
  }
  server.close();
  warm.sort((a, b) => a - b);
  const percentile = (p) => warm[Math.min(warm.length - 1, Math.floor((p / 100) * warm.length))];
  console.log(
    JSON.stringify({
      moduleLoadMs: loaded - started,
      firstEvaluationMs: cold - loaded,
      coldStartMs: cold - started,
      warmMedianMs: percentile(50),
      warmP95Ms: percentile(95),
      warmRuns,
      verdict: first.evaluations[0]?.compliance,
      evaluations,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [bundle, runs] = process.argv.slice(2);
  if (!bundle) {
    console.error("usage: node scripts/bench-lambda.mjs BUNDLE [WARM_RUNS]");
    process.exitCode = 2;
  } else {
    await probe(bundle, Number(runs ?? WARM_RUNS));
  }
}
