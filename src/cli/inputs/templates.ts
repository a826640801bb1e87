import { basename, extname, resolve } from "node:path";
import type { Resource } from "../../model/resource.js";
import { normalizeTemplate } from "../../sources/cloudformation/normalize.js";
import { readTemplate, TemplateShapeError } from "../../sources/cloudformation/template.js";
import { classifyFile, discoverFiles, displayPath, type InputFile } from "../../sources/files.js";
import { placeholderAccount, UNKNOWN_REGION } from "../../sources/iac.js";
import { emptySourceData, type InputProblem, type SourceData } from "../../sources/source.js";
import { readPlan } from "../../sources/terraform/plan.js";
import type { CliIo } from "../io.js";

/**
 * `check PATH…`: CloudFormation templates and Terraform plans, found in the files and directories
 * given, read into canonical resources. A file that cannot be used becomes an input problem and
 * the others are still checked; the run then exits with 2. Loaded only when paths are given.
 */
export async function loadTemplateInputs(
  paths: readonly string[],
  io: CliIo,
  options: { verbose?: boolean } = {},
): Promise<SourceData> {
  const data: SourceData = { ...emptySourceData(), inputs: [...paths], mayHoldUnknowns: true };
  const say = (text: string) => {
    if (options.verbose) io.stderr.write(`access-baseline: ${text}\n`);
  };
  const discovery = await discoverFiles(paths, io.cwd);
  // Every path in a message is shown relative to the working directory, however it was given.
  const shownPath = (path: string) => displayPath(io.cwd, resolve(io.cwd, path));
  const discoveryProblems = discovery.problems.map((problem) => ({
    ...problem,
    file: shownPath(problem.file),
  }));
  data.inputProblems.push(...discoveryProblems);
  for (const note of discovery.notes) say(note);

  const used = new Set<string>();
  for (const file of discovery.files) {
    try {
      await readFile(file);
    } catch (error) {
      // A file this reader does not cope with must not stop the others from being checked: it is
      // reported like unusable input (the run exits with 2), with the cause for a bug report.
      used.add(file.argument);
      const reason = error instanceof Error ? error.message : String(error);
      data.inputProblems.push({
        file: file.display,
        message: `could not be read (internal error: ${reason})`,
      });
    }
  }

  async function readFile(file: InputFile): Promise<void> {
    const classified = await classifyFile(file);
    switch (classified.kind) {
      case "skip":
        say(`skipped ${file.display}: ${classified.reason}`);
        break;
      case "problem":
        data.inputProblems.push(classified.problem);
        used.add(file.argument);
        break;
      case "cloudformation": {
        used.add(file.argument);
        const read = readCloudFormation(file, classified.document);
        for (const tag of classified.unknownTags)
          say(
            `${file.display}: the YAML tag ${tag} is not a CloudFormation function; its value is read as written`,
          );
        pushAll(data.resources, read.resources);
        if (read.problem) data.inputProblems.push(read.problem);
        for (const note of read.notes) say(note);
        if (!read.problem)
          say(
            `read ${file.display} (CloudFormation): ${count(read.resources.length)}${read.notChecked > 0 ? `, ${read.notChecked} not checked` : ""}`,
          );
        break;
      }
      case "terraform-plan": {
        used.add(file.argument);
        const read = await readPlan(classified.document, file, io.cwd);
        pushAll(data.resources, read.resources);
        data.inputProblems.push(...read.problems);
        for (const note of read.notes) say(note);
        if (read.problems.length === 0)
          say(`read ${file.display} (Terraform plan): ${count(read.resources.length)}`);
        break;
      }
    }
  }

  // A gate that was pointed at the wrong directory must not pass for lack of anything to check.
  for (const argument of paths) {
    const shown = shownPath(argument);
    if (used.has(argument) || discoveryProblems.some((problem) => problem.file === shown)) continue;
    data.inputProblems.push({
      file: shown,
      message: "no CloudFormation template or Terraform plan found here",
    });
  }
  return data;
}

function readCloudFormation(
  file: InputFile,
  document: Parameters<typeof readTemplate>[0],
): { resources: Resource[]; notChecked: number; notes: string[]; problem?: InputProblem } {
  try {
    const template = readTemplate(document);
    const { resources, notes, notChecked } = normalizeTemplate(template, file.display, {
      account: placeholderAccount(file.display),
      region: UNKNOWN_REGION,
      partition: "aws",
      stackName: stackName(file.display),
    });
    return {
      resources,
      notChecked,
      notes: notes.map(
        (note) => `${file.display}${note.line === undefined ? "" : `:${note.line}`}: ${note.message}`,
      ),
    };
  } catch (error) {
    if (!(error instanceof TemplateShapeError)) throw error;
    const problem: InputProblem = {
      file: file.display,
      message: error.invalid ? `not a valid CloudFormation template: ${error.message}` : error.message,
    };
    if (error.position) {
      problem.line = error.position.line;
      problem.column = error.position.column;
    }
    return { resources: [], notChecked: 0, notes: [], problem };
  }
}

/** `AWS::StackName` stands for the file's name: `templates/web-app.yaml` → `web-app`. */
function stackName(file: string): string {
  const name = basename(file, extname(file))
    .replace(/[^A-Za-z0-9-]/g, "-")
    .replace(/^[^A-Za-z]+/, "");
  return name === "" ? "stack" : name.slice(0, 128);
}

function count(resources: number): string {
  return resources === 1 ? "1 resource to check" : `${resources} resources to check`;
}

/** `push(...items)` overflows the stack for very large arrays. */
function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
