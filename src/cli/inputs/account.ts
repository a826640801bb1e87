import { PACKAGE } from "../../assets.js";
import {
  collectLive,
  liveSourceData,
  type CollectionProgress,
  type FamilyDone,
  type LiveCollection,
} from "../../sources/aws/index.js";
import type { Source } from "../../sources/source.js";
import type { CliIo } from "../io.js";
import type { LiveSettings } from "./account-options.js";

/**
 * The live input: collects from AWS with the validated settings, showing progress on standard
 * error (unless `--quiet`): one line redrawn in place on a terminal, otherwise a line as each
 * service of each account and region is done, so that a CI log shows a run is moving. This module (and through it the AWS SDK) is imported only when
 * `--account` is given.
 */
export function accountSource(settings: LiveSettings, io: CliIo): Source {
  return { read: async () => liveSourceData(await collectAccounts(settings, io)) };
}

async function collectAccounts(settings: LiveSettings, io: CliIo): Promise<LiveCollection> {
  // Under Node 20 the SDK prints a multi-line notice about its future Node requirement on every
  // run. The Node versions this tool supports are its own `engines`; the notice would bury the
  // one-line messages on standard error, so it is off unless the user set the variable.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const progress = !settings.quiet && io.stderr.isTTY ? new ProgressLine(io.stderr) : undefined;
  const logFamilies = !settings.quiet && !io.stderr.isTTY;
  try {
    return await collectLive({
      sessionName: settings.sessionName,
      ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
      ...(settings.roleArn !== undefined ? { roleArn: settings.roleArn } : {}),
      ...(settings.externalId !== undefined ? { externalId: settings.externalId } : {}),
      ...(settings.regions !== undefined ? { regions: settings.regions } : {}),
      ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
      ...(settings.organization !== undefined ? { organization: settings.organization } : {}),
      ...(settings.connectTimeoutMs !== undefined ? { connectTimeoutMs: settings.connectTimeoutMs } : {}),
      ...(settings.readTimeoutMs !== undefined ? { requestTimeoutMs: settings.readTimeoutMs } : {}),
      userAgent: `${PACKAGE.name}/${PACKAGE.version}`,
      ...(progress ? { onProgress: (state: CollectionProgress) => progress.update(state) } : {}),
      ...(logFamilies
        ? { onFamilyDone: (done: FamilyDone) => io.stderr.write(`${describeFamily(done)}\n`) }
        : {}),
    });
  } finally {
    progress?.clear();
  }
}

/** Redraws are limited to this interval: a fast scan would otherwise print thousands of lines. */
const REDRAW_INTERVAL_MS = 100;

/** One line on a terminal, redrawn in place, removed when collection ends. */
export class ProgressLine {
  private last = 0;
  private shown = false;

  constructor(
    private readonly stream: { write(text: string): unknown },
    private readonly now: () => number = Date.now,
  ) {}

  update(state: CollectionProgress): void {
    const time = this.now();
    if (this.shown && time - this.last < REDRAW_INTERVAL_MS) return;
    this.last = time;
    this.shown = true;
    this.stream.write(`\r\u001b[K${describeProgress(state)}`);
  }

  clear(): void {
    if (this.shown) this.stream.write("\r\u001b[K");
    this.shown = false;
  }
}

export function describeProgress(state: CollectionProgress): string {
  const count = (value: number) => value.toLocaleString("en-US");
  const accounts =
    state.accountsTotal > 1 ? `${count(state.accountsDone)}/${count(state.accountsTotal)} accounts, ` : "";
  return (
    `access-baseline: collecting ${accounts}${count(state.regionsDone)}/${count(state.regionsTotal)} regions, ` +
    `${count(state.resources)} resources, ${count(state.apiCalls)} API calls`
  );
}

export function describeFamily(done: FamilyDone): string {
  const plural = (value: number, noun: string) =>
    `${value.toLocaleString("en-US")} ${noun}${value === 1 ? "" : "s"}`;
  const errors = done.errors > 0 ? `, ${plural(done.errors, "collection error")}` : "";
  return `access-baseline: ${done.account} ${done.region}: ${done.service} done (${plural(done.calls, "call")}${errors})`;
}
