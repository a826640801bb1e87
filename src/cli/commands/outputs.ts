import type { Stats } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ConfigError, UserError } from "../../errors.js";
import { FORMATS, isFormat, type Format } from "../../report/options.js";
import { followLinks, writeOutputFile, type OutputData } from "../../util/atomic-write.js";
import { describeFileError } from "../../util/file-errors.js";
import type { CliIo } from "../io.js";
import { emit } from "./shared.js";

/**
 * `--format NAME` and `--format NAME=PATH`, repeatable: each report goes to its own destination. A
 * bare name goes to `--output` (or standard output); at most one may. Every destination is checked
 * before anything is written, so that a bad option or an unwritable path leaves no file
 * half-updated; each report is then rendered while it is written, to a temporary file that replaces
 * the destination only once it is whole.
 */

export interface OutputRequest {
  format: Format;
  /** A file path, or undefined for standard output (or `--output`). */
  file?: string;
}

export function parseFormatOptions(specs: readonly string[], output: string | undefined): OutputRequest[] {
  const requests = (specs.length > 0 ? specs : ["text"]).map((spec): OutputRequest => {
    const at = spec.indexOf("=");
    const name = at === -1 ? spec : spec.slice(0, at);
    const file = at === -1 ? undefined : spec.slice(at + 1);
    if (!isFormat(name)) {
      throw new ConfigError(`unknown output format "${name}": expected one of ${FORMATS.join(", ")}`);
    }
    if (file === "") throw new ConfigError(`--format ${spec}: the file name after "=" is empty`);
    return file === undefined || file === "-" ? { format: name } : { format: name, file };
  });
  const toDefault = requests.filter((request) => request.file === undefined);
  if (toDefault.length > 1) {
    const where = output !== undefined && output !== "-" ? output : "standard output";
    throw new ConfigError(
      `--format ${toDefault.map((request) => request.format).join(", ")}: only one format can go to ${where}; ` +
        "write the others to files with --format NAME=PATH",
    );
  }
  return requests.map((request) =>
    request.file === undefined && output !== undefined && output !== "-"
      ? { format: request.format, file: output }
      : request,
  );
}

/**
 * Checks that each file destination can be written: its directory exists, it is no directory,
 * and it is none of `inputs` (the files the run read, as paths from `cwd`): a report written over
 * the snapshot, a template or the configuration would destroy what it judged.
 */
export async function checkDestinations(
  requests: readonly { format: string; file?: string }[],
  cwd: string,
  inputs: Iterable<string> = [],
): Promise<void> {
  const seen = new Map<string, string>();
  const read = new Set<string>();
  if (requests.some((request) => request.file !== undefined)) {
    for (const input of new Set(inputs)) {
      const info = await stat(resolve(cwd, input)).catch(() => undefined);
      if (info !== undefined) read.add(`inode ${info.dev}:${info.ino}`);
    }
  }
  for (const { format, file } of requests) {
    if (file === undefined) continue;
    const path = resolve(cwd, file);
    const fail = (reason: string) => new UserError(`cannot write output file ${file}: ${reason}`);
    const target = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw fail(describeFileError(error));
    });
    // Two names for one file (a symbolic link, a hard link, a linked directory) would have the
    // second report silently replace the first, so each destination is known by what it writes.
    const identity = await destinationIdentity(path, target);
    if (read.has(identity)) throw fail("it is an input of this run");
    const previous = seen.get(identity);
    if (previous !== undefined) {
      throw new ConfigError(`--format ${format}: ${file} is already the destination of --format ${previous}`);
    }
    seen.set(identity, format);
    if (target?.isDirectory()) throw fail("it is a directory");
    if (target !== undefined) continue;
    const parent = await stat(dirname(path)).catch((error: unknown) => {
      throw fail(describeFileError(error));
    });
    if (!parent.isDirectory()) throw fail(`${dirname(file)} is not a directory`);
  }
}

/** What a destination writes to: an existing file by its inode, a new one by its real path. */
async function destinationIdentity(path: string, target: Stats | undefined): Promise<string> {
  if (target !== undefined) return `inode ${target.dev}:${target.ino}`;
  const created = await followLinks(path).catch(() => path);
  const parent = await realpath(dirname(created)).catch(() => dirname(created));
  return `path ${join(parent, basename(created))}`;
}

/**
 * Writes every report, rendering each as it goes (`render` is called once its destination is
 * next); a failure names the destination, and what was already written.
 */
export async function writeOutputs<Request extends { format: string; file?: string }>(
  io: CliIo,
  requests: readonly Request[],
  render: (request: Request) => OutputData | Promise<OutputData>,
): Promise<void> {
  const written: string[] = [];
  for (const request of requests) {
    if (request.file === undefined) {
      await emit(io, await render(request), undefined);
      continue;
    }
    try {
      await writeOutputFile(resolve(io.cwd, request.file), await render(request));
      written.push(request.file);
    } catch (error) {
      const already = written.length > 0 ? ` (already written: ${written.join(", ")})` : "";
      throw new UserError(`cannot write output file ${request.file}: ${describeFileError(error)}${already}`, {
        cause: error,
      });
    }
  }
}
