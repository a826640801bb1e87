import type { Resource } from "../../model/resource.js";
import type { InputFile } from "../files.js";
import { member, nodePosition, positionAt, type MapNode } from "../positioned/node.js";
import type { InputProblem } from "../source.js";
import { attributeSchema, normalizePlan } from "./normalize/index.js";
import { PlanReader } from "./reader.js";

/**
 * Terraform plans, as `terraform show -json PLANFILE` prints them, read into canonical resources:
 * `reader.ts` reads the document (modules, resource changes, values known only after apply,
 * positions), and `normalize/` holds one normalizer per resource type. Identities Terraform
 * computes (ids, ARNs) are replaced by placeholders built from the address.
 */

export interface PlanReadResult {
  resources: Resource[];
  problems: InputProblem[];
  notes: string[];
}

const SUPPORTED_FORMAT = /^[01]\.\d+$/;

export async function readPlan(document: MapNode, file: InputFile, cwd: string): Promise<PlanReadResult> {
  const version = member(document, "format_version");
  if (typeof version !== "string" || !SUPPORTED_FORMAT.test(version)) {
    const index = document.keys.lastIndexOf("format_version");
    const at = index === -1 ? nodePosition(document) : positionAt(document, index);
    return {
      resources: [],
      notes: [],
      problems: [
        {
          file: file.display,
          line: at.line,
          column: at.column,
          message: `Terraform plan format version ${JSON.stringify(version)} is not supported (this tool reads format versions 0.x and 1.x)`,
        },
      ],
    };
  }
  const reader = new PlanReader(document, file, cwd, attributeSchema);
  await reader.load();
  const resources = normalizePlan(reader);
  return { resources, problems: reader.problems, notes: reader.notes };
}
