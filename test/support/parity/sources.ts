import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../../../src/errors.js";
import { evaluateRule } from "../../../src/engine/evaluate.js";
import { resolveParams } from "../../../src/engine/params.js";
import type { ResultStatus } from "../../../src/engine/result.js";
import type { Rule } from "../../../src/engine/rule.js";
import type { Resource } from "../../../src/model/resource.js";
import type { SourceKind } from "../../../src/model/source-kinds.js";
import { relate } from "../../../src/pipeline/run.js";
import { readConfigurationItem } from "../../../src/sources/config-item/item.js";
import { resourceFromItem } from "../../../src/sources/config-item/normalize.js";
import { snapshotSource } from "../../../src/sources/snapshot.js";
import { emptySourceData, type SourceData } from "../../../src/sources/source.js";
import { templateSource } from "../../../src/sources/templates.js";
import { SUBJECT_LOGICAL_ID, toCloudFormation } from "./to-cloudformation.js";
import { toConfigWorld } from "./to-config-items.js";
import { toSnapshot } from "./to-snapshot.js";
import { toTerraformPlan } from "./to-terraform-plan.js";
import { Inexpressible, WORLD_ACCOUNT, WORLD_REGION, type World } from "./world.js";

/**
 * One world through one source's real reading code, then the pipeline's relations stage and the
 * engine: the verdict of one rule on the world's subject. Files are written to `dir` and read as
 * the CLI reads them (`snapshotSource`, `templateSource`); configuration items go through the
 * Config rule's item reader and normalizer.
 */

/**
 * The matrix's columns: each source kind, and Terraform twice — the plan that creates the
 * resources, and the plan of the same resources already deployed (an in-place update whose
 * configuration leaves `key_name` and `iam_instance_profile` to the prior state).
 */
export const MATRIX_SOURCES = [
  "snapshot",
  "cloudformation",
  "cloudformation-separate",
  "terraform-plan",
  "terraform-plan-deployed",
  "terraform-plan-separate",
  "config-item",
] as const;
export type MatrixSource = (typeof MATRIX_SOURCES)[number];

export function kindOf(source: MatrixSource): SourceKind {
  if (source === "cloudformation-separate") return "cloudformation";
  if (source === "terraform-plan-deployed" || source === "terraform-plan-separate") return "terraform-plan";
  return source;
}

/** The day access keys' ages are counted to: the rules' test files give ages on this day. */
export const PARITY_TODAY = "2026-12-01";

export interface Verdict {
  status: ResultStatus;
  message: string;
}

/** The source's input for a world (throws `Inexpressible` when the source cannot state it). */
export async function readWorld(
  source: MatrixSource,
  world: World,
  dir: string,
  name: string,
): Promise<SourceData> {
  await mkdir(dir, { recursive: true });
  switch (source) {
    case "snapshot": {
      const path = join(dir, `${name}.snapshot.json`);
      await writeFile(path, toSnapshot(world));
      try {
        return await snapshotSource(path, `${name}.snapshot.json`).read();
      } catch (error) {
        // A snapshot holds resources to their canonical schema: a case outside it is no snapshot.
        if (error instanceof InputError && error.message.includes("invalid snapshot"))
          throw new Inexpressible(`outside the canonical schema: ${error.message.replace(/^.*?: /, "")}`);
        throw error;
      }
    }
    case "cloudformation":
    case "cloudformation-separate": {
      const path = join(dir, `${name}.${source}.json`);
      await writeFile(path, toCloudFormation(world, { separate: source === "cloudformation-separate" }));
      return templateSource([path], { cwd: dir }).read();
    }
    case "terraform-plan":
    case "terraform-plan-deployed":
    case "terraform-plan-separate": {
      const path = join(dir, `${name}.${source}.json`);
      await writeFile(
        path,
        toTerraformPlan(world, {
          deployed: source === "terraform-plan-deployed",
          separate: source === "terraform-plan-separate",
        }),
      );
      return templateSource([path], { cwd: dir }).read();
    }
    case "config-item": {
      const { items, readByApi } = toConfigWorld(world);
      const data: SourceData = { ...emptySourceData(), inputs: ["configuration items"] };
      data.scopes.push({ account: WORLD_ACCOUNT, region: WORLD_REGION });
      for (const item of items) {
        // Through JSON, as the event delivers it.
        const converted = resourceFromItem(readConfigurationItem(JSON.parse(JSON.stringify(item))));
        if (!converted.ok) {
          data.inputProblems.push({ file: String(item.resourceType), message: converted.message });
          continue;
        }
        data.resources.push(converted.resource, ...converted.carried);
      }
      data.resources.push(...readByApi);
      return data;
    }
  }
}

/** Whether a resource the source read is the world's subject. */
function isSubject(source: MatrixSource, world: World, resource: Resource): boolean {
  if (resource.type !== world.subject.type) return false;
  switch (source) {
    case "cloudformation":
    case "cloudformation-separate":
      return resource.source.address === SUBJECT_LOGICAL_ID;
    case "terraform-plan":
    case "terraform-plan-deployed":
    case "terraform-plan-separate":
      return resource.source.address?.endsWith(".subject") === true;
    default:
      return resource.id === world.subject.id;
  }
}

export function verdictOf(
  source: MatrixSource,
  world: World,
  data: SourceData,
  rule: Rule,
  params: Record<string, unknown> | undefined,
): Verdict {
  if (data.inputProblems.length > 0) {
    const problems = data.inputProblems.map((problem) => `${problem.file}: ${problem.message}`);
    throw new Error(`${source} input was not usable: ${problems.join("; ")}`);
  }
  const inventory = relate(data, PARITY_TODAY);
  const subjects = inventory.resources.filter((resource) => isSubject(source, world, resource));
  if (subjects.length !== 1)
    throw new Error(`${source}: expected one subject ${world.subject.type}, found ${subjects.length}`);
  const resolved = resolveParams(rule.metadata.id, rule.params, [params ?? {}]);
  const result = evaluateRule(rule, subjects[0]!, inventory, resolved);
  return { status: result.status, message: result.message };
}
