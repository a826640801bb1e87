#!/usr/bin/env node
import { appendFile, mkdtemp, readFile } from "node:fs/promises";
import { existsSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { EXIT_INCOMPLETE } from "../engine/summary.js";
import { escapeData } from "../report/github.js";
import { processIo, type CliIo } from "./io.js";
import { main } from "./main.js";

/**
 * The GitHub Action's entry (`action.yml` runs it): reads the action's inputs from `INPUT_*`
 * variables, runs `check`, and gives the job what it needs: the SARIF file for code scanning
 * (`sarif-file` output), the report in the step's log, an annotation per finding and a Markdown
 * job summary. The exit code is the check's (0, 1 findings at or above fail-on, 2 incomplete).
 *
 * The check runs once and writes several reports (`--format NAME=PATH`). A live account is first
 * collected into a snapshot, which the check reads.
 */

export interface ActionInputs {
  paths: string[];
  account: boolean;
  regions?: string;
  format: string;
  failOn?: string;
  config?: string;
  category?: string;
  sarifFile: string;
  workingDirectory: string;
}

export function readInputs(env: NodeJS.ProcessEnv, cwd: string): ActionInputs | string {
  const input = (name: string) => env[`INPUT_${name}`]?.trim() || undefined;
  const workspace = env.GITHUB_WORKSPACE ?? cwd;
  const paths = (input("PATHS") ?? "").split(/\s+/).filter(Boolean);
  const accountInput = input("ACCOUNT") ?? "false";
  if (accountInput !== "true" && accountInput !== "false") {
    return `input account: expected true or false, got "${accountInput}"`;
  }
  const account = accountInput === "true";
  if (account && paths.length > 0) return "inputs paths and account: give one, not both";
  const regions = input("REGIONS");
  const failOn = input("FAIL_ON");
  const config = input("CONFIG");
  const category = input("CATEGORY");
  return {
    paths: account || paths.length > 0 ? paths : ["."],
    account,
    ...(regions !== undefined ? { regions } : {}),
    format: input("FORMAT") ?? "text",
    ...(failOn !== undefined ? { failOn } : {}),
    ...(config !== undefined ? { config } : {}),
    ...(category !== undefined ? { category } : {}),
    sarifFile: resolve(
      workspace,
      input("SARIF_FILE") ?? join(env.RUNNER_TEMP ?? workspace, "access-baseline.sarif"),
    ),
    workingDirectory: resolve(workspace, input("WORKING_DIRECTORY") ?? "."),
  };
}

export async function runAction(io: CliIo): Promise<number> {
  const inputs = readInputs(io.env, io.cwd);
  if (typeof inputs === "string") {
    // The message quotes the input: escaped, so that a line break in it cannot start a command.
    io.stdout.write(`::error title=access-baseline::${escapeData(inputs)}\n`);
    return EXIT_INCOMPLETE;
  }
  const checkIo: CliIo = { ...io, cwd: inputs.workingDirectory };
  // The snapshot and the annotations go to a directory of this run's own: the runner's temporary
  // directory outlives a step, and a file an earlier step of the job left there (another
  // account's snapshot) would otherwise be taken for this run's when this run wrote none.
  const runFiles = await mkdtemp(join(io.env.RUNNER_TEMP ?? tmpdir(), "access-baseline-"));
  // The paths come last, after `--`: a path named like an option (a changed file called
  // `--config=lax.yaml`) is a file to check, never an option that changes the verdict.
  let source = ["--", ...inputs.paths];
  if (inputs.account) {
    const snapshot = join(runFiles, "snapshot.json");
    const collected = await main(
      [
        "collect",
        "--account",
        ...(inputs.regions ? ["--regions", inputs.regions] : []),
        "--output",
        snapshot,
      ],
      checkIo,
    );
    if (!existsSync(snapshot)) return incomplete(io, collected);
    source = ["--snapshot", snapshot];
  }
  const settings = [
    ...(inputs.config !== undefined ? ["--config", inputs.config] : []),
    ...(inputs.failOn !== undefined ? ["--fail-on", inputs.failOn] : []),
    ...(inputs.category !== undefined ? ["--category", inputs.category] : []),
  ];
  // One run writes everything: SARIF for code scanning, the annotations (and, through
  // GITHUB_STEP_SUMMARY, the job summary) of `--format github`, and the report for the log.
  const annotationsFile = join(runFiles, "annotations");
  const logFormat = inputs.format === "github" ? [] : ["--format", inputs.format];
  const exitCode = await main(
    [
      "check",
      ...settings,
      "--format",
      `sarif=${inputs.sarifFile}`,
      "--format",
      `github=${annotationsFile}`,
      ...logFormat,
      ...source,
    ],
    checkIo,
  );
  // The annotations are written after the SARIF file, and only by this run: without them, the
  // check stopped before writing a report (its one-line reason is in the log above), and a SARIF
  // file at the same path is an earlier step's.
  if (!existsSync(annotationsFile)) return incomplete(io, exitCode);
  io.stdout.write(await readFile(annotationsFile, "utf8"));
  await setOutputs(io, { "sarif-file": inputs.sarifFile, "exit-code": String(exitCode) });
  return exitCode;
}

/** A collection or check that wrote nothing: the job summary says so, and the step fails. */
async function incomplete(io: CliIo, exitCode: number): Promise<number> {
  await writeSummary(
    io,
    `## access-baseline\n\nThe check could not complete (exit code ${exitCode}); see the log.\n`,
  );
  return exitCode === 0 ? EXIT_INCOMPLETE : exitCode;
}

async function writeSummary(io: CliIo, markdown: string): Promise<void> {
  const file = io.env.GITHUB_STEP_SUMMARY;
  if (file) await appendFile(file, markdown);
}

async function setOutputs(io: CliIo, outputs: Record<string, string>): Promise<void> {
  const file = io.env.GITHUB_OUTPUT;
  if (!file) return;
  await appendFile(
    file,
    Object.entries(outputs)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(""),
  );
}

// Run as the action's entry; Node names its main module by the real path, the runner may not.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await runAction(processIo());
}
