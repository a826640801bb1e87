import { resolve } from "node:path";
import { classifyFile, discoverFiles, displayPath, type InputFile } from "./files.js";
import { emptySourceData, type Source, type SourceData } from "./source.js";

/**
 * CloudFormation templates and Terraform plans behind the `Source` interface (`check PATH…`):
 * found in the files and directories given, each recognised by its content, read into canonical
 * resources. A file that cannot be used becomes an input problem and the others are still
 * checked; the run then exits with 2. `note` hears what was skipped or read, for `--verbose`.
 */
export function templateSource(
  paths: readonly string[],
  options: { cwd: string; note?: (text: string) => void },
): Source {
  return { read: () => readTemplatesAndPlans(paths, options.cwd, options.note ?? (() => undefined)) };
}

async function readTemplatesAndPlans(
  paths: readonly string[],
  cwd: string,
  say: (text: string) => void,
): Promise<SourceData> {
  const data: SourceData = { ...emptySourceData(), inputs: [...paths], mayHoldUnknowns: true };
  const discovery = await discoverFiles(paths, cwd);
  data.inputProblems.push(...discovery.problems);
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
        // Each reader is loaded with the first file of its kind: a run over templates never loads the
        // plan reader, nor a run over plans the template one.
        const { readCloudFormationFile } = await import("./cloudformation/file.js");
        const read = await readCloudFormationFile(file, classified.document);
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
        const { readPlan } = await import("./terraform/plan.js");
        const read = await readPlan(classified.document, file, cwd);
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
    const shown = displayPath(cwd, resolve(cwd, argument));
    if (used.has(argument) || discovery.problems.some((problem) => problem.file === shown)) continue;
    data.inputProblems.push({
      file: shown,
      message: "no CloudFormation template or Terraform plan found here",
    });
  }
  return data;
}

function count(resources: number): string {
  return resources === 1 ? "1 resource to check" : `${resources} resources to check`;
}

/** `push(...items)` overflows the stack for very large arrays. */
function pushAll<T>(target: T[], items: readonly T[]): void {
  for (let index = 0; index < items.length; index += 1) target.push(items[index]!);
}
