import { basename, extname } from "node:path";
import type { InputProblem } from "../../model/input-problem.js";
import { UNKNOWN_REGION, type Resource } from "../../model/resource.js";
import type { InputFile } from "../files.js";
import { PLACEHOLDER_PARTITION, placeholderAccount } from "../iac.js";
import { normalizeTemplate } from "./normalize.js";
import { normalizersFor } from "./normalize/table.js";
import { readTemplate, TemplateShapeError, type Template } from "./template.js";

type ReadTemplateFile = {
  resources: Resource[];
  notChecked: number;
  notes: string[];
  problem?: InputProblem;
};

/**
 * One CloudFormation template file, already parsed, read into canonical resources: a template
 * that is not valid becomes one input problem located where CloudFormation would complain. The
 * normalizers of its resource types are loaded first (see `normalize/table.ts`).
 */
export async function readCloudFormationFile(
  file: InputFile,
  document: Parameters<typeof readTemplate>[0],
): Promise<ReadTemplateFile> {
  let template: Template;
  try {
    template = readTemplate(document);
  } catch (error) {
    return invalidTemplate(file, error);
  }
  const normalizers = await normalizersFor(template.resourceList.map((resource) => resource.type));
  try {
    const { resources, notes, notChecked } = normalizeTemplate(
      template,
      file.display,
      {
        account: placeholderAccount(file.display),
        region: UNKNOWN_REGION,
        partition: PLACEHOLDER_PARTITION,
        stackName: stackName(file.display),
      },
      normalizers,
    );
    return {
      resources,
      notChecked,
      notes: notes.map(
        (note) => `${file.display}${note.line === undefined ? "" : `:${note.line}`}: ${note.message}`,
      ),
    };
  } catch (error) {
    return invalidTemplate(file, error);
  }
}

function invalidTemplate(file: InputFile, error: unknown): ReadTemplateFile {
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

/** `AWS::StackName` stands for the file's name: `templates/web-app.yaml` → `web-app`. */
function stackName(file: string): string {
  const name = basename(file, extname(file))
    .replace(/[^A-Za-z0-9-]/g, "-")
    .replace(/^[^A-Za-z]+/, "");
  return name === "" ? "stack" : name.slice(0, 128);
}
