import type { Dirent } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { extname, join, relative, resolve } from "node:path";
import type { InputProblem } from "./source.js";
import { looksLikeTemplate } from "./cloudformation/template.js";
import { parseJson } from "./positioned/json.js";
import { isMapNode, member, ParseProblem, type MapNode, type PositionedValue } from "./positioned/node.js";
import { describeFileError } from "../util/file-errors.js";
import { decodeText, isZip, NotTextError } from "../util/text-file.js";

/**
 * Finding templates and plans under the paths given to `check`, and deciding what each file is
 * from its content, not its name: a CloudFormation template has `AWSTemplateFormatVersion`, or
 * `Resources` whose entries have a `Type`; a Terraform plan (`terraform show -json`) has
 * `format_version` and `planned_values` or `resource_changes`. Other files found in a directory
 * are skipped, with a note for `--verbose`; see `classifyFile` for what is never skipped.
 */

/** JSON files above this size are not read: no template or plan comes near it (CloudFormation's own limit is 1 MB). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;
/**
 * YAML takes far more time and memory to parse than JSON (a 4 MB template needs over 350 MB), so
 * YAML above this is refused with a message; CloudFormation itself takes templates up to 1 MB.
 */
export const MAX_YAML_BYTES = 2 * 1024 * 1024;

/** Extensions looked at when walking a directory (a file named on the command line is always read). */
const CANDIDATE_EXTENSIONS = new Set([".json", ".yaml", ".yml", ".template"]);
/** Directories never walked into: tool caches and dependencies, not sources. */
const SKIPPED_DIRECTORIES = new Set(["node_modules"]);

export interface InputFile {
  /** Absolute path. */
  path: string;
  /** Relative to the working directory, as reports show it. */
  display: string;
  /** Named on the command line rather than found in a directory. */
  explicit: boolean;
  /** The command-line argument the file was found under. */
  argument: string;
}

export interface Discovery {
  files: InputFile[];
  problems: InputProblem[];
  notes: string[];
}

export function displayPath(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  return shown === "" ? "." : shown;
}

export async function discoverFiles(paths: readonly string[], cwd: string): Promise<Discovery> {
  const discovery: Discovery = { files: [], problems: [], notes: [] };
  const seen = new Set<string>();
  for (const argument of paths) {
    const path = resolve(cwd, argument);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      discovery.problems.push({
        file: displayPath(cwd, path),
        message: `cannot read it: ${describeFileError(error)}`,
      });
      continue;
    }
    if (info.isDirectory()) {
      await walk(path, argument, cwd, discovery, seen);
    } else if (!seen.has(path)) {
      seen.add(path);
      discovery.files.push({ path, display: displayPath(cwd, path), explicit: true, argument });
    }
  }
  return discovery;
}

async function walk(
  directory: string,
  argument: string,
  cwd: string,
  discovery: Discovery,
  seen: Set<string>,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    discovery.problems.push({
      file: displayPath(cwd, directory),
      message: `cannot read the directory: ${describeFileError(error)}`,
    });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    // Hidden directories (.git, .terraform, .aws-sam) hold copies and caches, not sources.
    if (entry.isDirectory()) {
      if (entry.name.startsWith(".") || SKIPPED_DIRECTORIES.has(entry.name)) continue;
      await walk(path, argument, cwd, discovery, seen);
      continue;
    }
    const candidate = CANDIDATE_EXTENSIONS.has(extname(entry.name).toLowerCase());
    if (entry.isSymbolicLink()) {
      // Followed for files only, so that a link cannot make the walk go round in circles.
      let target;
      try {
        target = await stat(path);
      } catch (error) {
        // A link named as a template whose target is gone (moved, or in a submodule this checkout
        // lacks) may be the template the run was meant to check: never skipped unseen.
        if (candidate) {
          discovery.problems.push({
            file: displayPath(cwd, path),
            message: `cannot read it: ${describeFileError(error)}`,
          });
        }
        continue;
      }
      if (target.isDirectory())
        discovery.notes.push(
          `skipped ${displayPath(cwd, path)}: a link to a directory (name it to check it)`,
        );
      if (!target.isFile()) continue;
    } else if (!entry.isFile()) continue;
    if (!candidate || seen.has(path)) continue;
    seen.add(path);
    discovery.files.push({ path, display: displayPath(cwd, path), explicit: false, argument });
  }
}

export type Classified =
  | { kind: "cloudformation"; document: MapNode; unknownTags: string[] }
  | { kind: "terraform-plan"; document: MapNode }
  | { kind: "skip"; reason: string }
  | { kind: "problem"; problem: InputProblem };

const NEITHER = "neither a CloudFormation template nor a Terraform plan";

/**
 * Reads a file and decides what it is. Never throws: every failure is a problem or a skip.
 *
 * A file found in a directory is skipped only when it was read and understood and is something
 * else (a package.json, a workflow, Kubernetes manifests). A file that cannot be read, decoded or
 * parsed is a problem wherever it was found: it may be a template or plan this run cannot see.
 */
export async function classifyFile(file: InputFile): Promise<Classified> {
  const problem = (message: string, line?: number, column?: number): Classified => {
    const found: InputProblem = { file: file.display, message };
    if (line !== undefined) found.line = line;
    if (column !== undefined) found.column = column;
    return { kind: "problem", problem: found };
  };

  let buffer: Buffer;
  try {
    const handle = await open(file.path, "r");
    try {
      const { size } = await handle.stat();
      if (size > MAX_JSON_BYTES) {
        const head = Buffer.alloc(64 * 1024);
        const { bytesRead } = await handle.read(head, 0, head.length, 0);
        const start = head.subarray(0, bytesRead).toString("utf8");
        if (!file.explicit && !looksLikeIac(start))
          return { kind: "skip", reason: `larger than ${mb(MAX_JSON_BYTES)} and not a template or plan` };
        return problem(`the file is ${mb(size)}, larger than the ${mb(MAX_JSON_BYTES)} this tool reads`);
      }
      buffer = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    return problem(`cannot read it: ${describeFileError(error)}`);
  }

  if (isZip(buffer))
    return problem(
      "this is a binary Terraform plan (or another zip file); give the JSON that `terraform show -json PLANFILE` prints instead",
    );
  let text: string;
  try {
    text = decodeText(buffer);
  } catch (error) {
    if (!(error instanceof NotTextError)) throw error;
    return problem(error.message);
  }

  const extension = extname(file.path).toLowerCase();
  const first = /\S/.exec(text.slice(0, 4096))?.[0];
  const asJson = (first === "{" || first === "[") && extension !== ".yaml" && extension !== ".yml";
  if (!asJson && buffer.length > MAX_YAML_BYTES) {
    // Too costly to parse just to find out; its top-level keys say whether it could be a template.
    if (!file.explicit && !looksLikeYamlTemplate(text))
      return { kind: "skip", reason: `a YAML file larger than ${mb(MAX_YAML_BYTES)} and not a template` };
    return problem(
      `the YAML file is ${mb(buffer.length)}, larger than the ${mb(MAX_YAML_BYTES)} this tool reads as YAML (CloudFormation itself accepts templates up to 1 MB); convert it to JSON`,
    );
  }

  let document: PositionedValue;
  let unknownTags: string[] = [];
  try {
    if (asJson) document = parseJson(text);
    else {
      // The YAML reader (and its parser) is loaded only when a file is read as YAML.
      const { parseCloudFormationYaml } = await import("./cloudformation/yaml.js");
      ({ value: document, unknownTags } = parseCloudFormationYaml(text));
    }
  } catch (error) {
    if (!(error instanceof ParseProblem)) throw error;
    // Several documents in one file parse well, and a template is never more than one; but one
    // with a template's top-level keys (a template followed by a stray `---`) is a template this
    // run cannot read, not someone else's file.
    if (
      !asJson &&
      !file.explicit &&
      error.message === (await import("./cloudformation/yaml.js")).NOT_ONE_DOCUMENT &&
      !looksLikeYamlTemplate(text)
    )
      return { kind: "skip", reason: "several YAML documents, and a template is one" };
    // CloudFormation and Terraform never take comments in JSON, so a file with them (a tsconfig.json,
    // editor settings) is someone else's file, not a template that failed to parse.
    if (asJson && !file.explicit && startsComment(text, error.line, error.column))
      return { kind: "skip", reason: "JSON with comments, which no template or plan is" };
    const message =
      error.message.startsWith("not valid") || !asJson ? error.message : `not valid JSON: ${error.message}`;
    return problem(message, error.line, error.column);
  }

  if (looksLikeTemplate(document)) return { kind: "cloudformation", document, unknownTags };
  if (isMapNode(document) && typeof member(document, "format_version") === "string") {
    if (
      member(document, "planned_values") !== undefined ||
      member(document, "resource_changes") !== undefined
    )
      return { kind: "terraform-plan", document };
    if (member(document, "values") !== undefined)
      return { kind: "skip", reason: "Terraform state, not a plan (give `terraform show -json PLANFILE`)" };
    // What `terraform show -json` prints, but cut short or edited: it may be the plan this run was meant to check.
    if (member(document, "terraform_version") !== undefined)
      return problem(
        "a Terraform plan without planned_values or resource_changes; give the JSON that `terraform show -json PLANFILE` prints",
        document.line,
        document.column,
      );
  }
  return { kind: "skip", reason: NEITHER };
}

function startsComment(text: string, line: number | undefined, column: number | undefined): boolean {
  if (line === undefined || column === undefined) return false;
  let start = 0;
  for (let current = 1; current < line; current += 1) {
    start = text.indexOf("\n", start) + 1;
    if (start === 0) return false;
  }
  const at = text.slice(start + column - 1, start + column + 1);
  return at === "//" || at === "/*";
}

/** A cheap look at the start of a file too large to read: CloudFormation and plan markers. */
function looksLikeIac(text: string): boolean {
  return /AWSTemplateFormatVersion|"Resources"\s*:\s*\{|"format_version"[\s\S]{0,4000}?"(planned_values|resource_changes|terraform_version)"/.test(
    text,
  );
}

/** A YAML template has `Resources:` (or `AWSTemplateFormatVersion:`) as a top-level key. */
function looksLikeYamlTemplate(text: string): boolean {
  return /^(Resources|AWSTemplateFormatVersion|"Resources"|'Resources')\s*:/m.test(text);
}

function mb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
