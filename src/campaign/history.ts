import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InputError } from "../errors.js";
import type { Report } from "../engine/result.js";
import { describeFileError } from "../util/file-errors.js";
import type { CampaignRun, OpenItem } from "./model.js";
import { recogniseRunFile, runFromReport, runFromResults } from "./run-file.js";

/**
 * The history a campaign is drawn from: run files given one by one or as a directory (one file per
 * run), ordered by the timestamp inside each file, never by file names or dates on disk.
 *
 * Merge rule: runs are merged per account. At each run's time, the campaign's state is, for every
 * account seen so far, the newest run that judged that account; a run that covers several
 * accounts counts for each of them. Two runs of one account at the same instant are refused (which
 * one holds is unknowable), and so are runs written by different major versions of the tool,
 * whose rules and results may not mean the same thing, and a run that did not run a rule, or
 * scan a region, that the account's previous run had open items of.
 */

export interface RunFile {
  /** Absolute path. */
  path: string;
  /** As the user named it, for messages. */
  shown: string;
}

/** Evaluates a snapshot through the pipeline (supplied by the command line, which owns sources). */
export type SnapshotEvaluator = (file: RunFile) => Promise<Report>;

export async function historyDirectoryFiles(dir: string, shown: string, cwd: string): Promise<RunFile[]> {
  const path = resolve(cwd, dir);
  let names: string[];
  try {
    names = (await readdir(path, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && entry.name.endsWith(".json") && !entry.name.startsWith("."))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    throw new InputError(`--history ${shown}: ${describeFileError(error)}`, { cause: error });
  }
  if (names.length === 0) throw new InputError(`--history ${shown}: no run files (*.json) in the directory`);
  return names.map((name) => ({ path: join(path, name), shown: join(shown, name) }));
}

/** Reads every run file; the first one that cannot be used stops the report (nothing is written). */
export async function loadRuns(
  files: readonly RunFile[],
  evaluateSnapshot: SnapshotEvaluator,
): Promise<CampaignRun[]> {
  const runs: CampaignRun[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file.path, "utf8");
    } catch (error) {
      throw new InputError(`${file.shown}: ${describeFileError(error)}`, { cause: error });
    }
    const recognised = recogniseRunFile(text, file.shown);
    if (recognised.kind === "results") {
      runs.push(runFromResults(recognised.json, file.shown));
      continue;
    }
    const report = await evaluateSnapshot(file);
    runs.push(runFromReport(report, file.shown, recognised.createdAt));
  }
  return runs;
}

/** One point of the campaign: the state of every account known at a run's time. */
export interface CampaignPoint {
  createdAt: string;
  /** The runs that hold at this time, one per account. */
  byAccount: Map<string, CampaignRun>;
  /** Open items of this point: each account's items from the run that holds for it. */
  items: OpenItem[];
}

export interface Campaign {
  runs: CampaignRun[];
  points: CampaignPoint[];
}

export function mergeRuns(runs: readonly CampaignRun[]): Campaign {
  if (runs.length === 0)
    throw new InputError(
      "report needs at least one run: result files, snapshots, --history DIR or --account",
    );
  const sorted = [...runs].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.file.localeCompare(b.file),
  );
  const first = sorted[0]!;
  const major = majorVersion(first.toolVersion);
  for (const run of sorted) {
    if (majorVersion(run.toolVersion) !== major) {
      throw new InputError(
        `${run.file}: written by access-baseline ${run.toolVersion}, ${first.file} by ${first.toolVersion}; ` +
          "runs of different major versions are not merged (their rules may differ in meaning)",
      );
    }
  }
  const seen = new Map<string, CampaignRun>();
  for (const run of sorted) {
    for (const account of run.accounts) {
      const other = seen.get(`${account}\u0000${run.createdAt}`);
      if (other !== undefined) {
        throw new InputError(
          `${run.file}: account ${account} has two runs at ${run.createdAt} (also ${other.file}); keep one`,
        );
      }
      seen.set(`${account}\u0000${run.createdAt}`, run);
    }
  }
  const points: CampaignPoint[] = [];
  const current = new Map<string, CampaignRun>();
  for (const run of sorted) {
    for (const account of run.accounts) {
      const before = current.get(account);
      // A rule the new run did not run (--rule, --skip-rule, a configuration that turns it off)
      // would make every open item of it look fixed.
      const unrun = before?.items.find(
        (item) => item.resource.account === account && !run.rules.has(item.ruleId),
      );
      if (unrun !== undefined) {
        throw new InputError(
          `${run.file}: rule ${unrun.ruleId} did not run for account ${account}, which had open items of it in ` +
            `${before!.file} (${unrun.resource.type} ${unrun.resource.id}); an item of a rule that did not run ` +
            "is not fixed: run the rule again, or leave one of the runs out",
        );
      }
      // Likewise a region the new run did not scan (--regions): no result at all there is not a fix.
      const unscanned = before?.items.find(
        (item) =>
          item.resource.account === account &&
          run.regions !== undefined &&
          !run.regions.has(`${account}\u0000${item.resource.region}`),
      );
      if (unscanned !== undefined) {
        throw new InputError(
          `${run.file}: no result in ${account}/${unscanned.resource.region}, which had open items in ` +
            `${before!.file} (${unscanned.resource.type} ${unscanned.resource.id}); a region that was not scanned ` +
            "is not fixed: scan it again, or leave one of the runs out",
        );
      }
      current.set(account, run);
    }
    const last = points.at(-1);
    const byAccount = new Map(current);
    const items = [...byAccount].flatMap(([account, holder]) =>
      holder.items.filter((item) => item.resource.account === account),
    );
    const point = { createdAt: run.createdAt, byAccount, items };
    // Runs at one instant (different accounts) make one point.
    if (last?.createdAt === run.createdAt) points[points.length - 1] = point;
    else points.push(point);
  }
  return { runs: sorted, points };
}

/** The major version: `1` of `1.4.2`; for 0.x versions the minor counts too (`0.1`), as in semver. */
export function majorVersion(version: string): string {
  const [major = version, minor = "0"] = version.split(".");
  return major === "0" ? `0.${minor}` : major;
}
