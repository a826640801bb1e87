import { vouchForCanonicalShape } from "../../model/vouched-shapes.js";
import { ResourceTypes, type JsonValue, type Resource, type SourceWaiver } from "../../model/resource.js";
import { iacResource, recordRelatedPolicyPositions } from "../iac.js";
import { isMapNode, isSeqNode, member, positionAt, toPlain } from "../positioned/node.js";
import type { Placeholders } from "./intrinsics.js";
import { NormalizeContext, type TemplateNote } from "./normalize/context.js";
import { settleRepeatedInlineNames } from "./normalize/iam-principal.js";
import {
  lookalikeOfReadType,
  normalizerNotLoaded,
  READ_THROUGH_OTHERS,
  type Normalize,
  type NormalizerTable,
} from "./normalize/table.js";
import { TemplateShapeError, type Template, type TemplateResource } from "./template.js";

/**
 * CloudFormation resources in the canonical (describe-API) shapes the rules read, with the
 * template position of every property they produce. See docs/templates.md for the mapping.
 *
 * The walk over the template lives here: which resources are created, which normalizer reads each
 * (`normalize/table.ts`, one file per type), what is noted as not checked, and the resources that
 * come out. References between resources are resolved in `normalize/references.ts`.
 */

const LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions";

export type { TemplateNote } from "./normalize/context.js";

export interface NormalizedTemplate {
  resources: Resource[];
  notes: TemplateNote[];
  /** Resources of types no rule reads (and modules, nested stacks, SAM resources), noted one by one. */
  notChecked: number;
}

/**
 * Waivers written next to a resource, in `Metadata: { access-baseline: { waivers: [...] } }`,
 * passed on as written (with their lines) for the engine to check and apply. Anything other than
 * a list of entries is passed as one entry, which the engine reports as malformed at its line.
 * Undefined when there is no list, as for most resources: no empty list is made for each.
 */
function metadataWaivers(resource: TemplateResource): SourceWaiver[] | undefined {
  const metadata = member(resource.node, "Metadata");
  if (!isMapNode(metadata)) return undefined;
  const index = metadata.keys.lastIndexOf("access-baseline");
  if (index === -1) return undefined;
  const settings = metadata.values[index]!;
  const at = positionAt(metadata, index);
  if (!isMapNode(settings))
    return [{ entry: toPlain(settings) as JsonValue, line: at.line, column: at.column }];
  // A misspelt key (`waiver:`) would leave the waivers the author meant unread without a word.
  const stray = settings.keys.findIndex((key) => key !== "waivers");
  if (stray !== -1) {
    const { line, column } = positionAt(settings, stray);
    const key = JSON.stringify(settings.keys[stray]);
    const problem = `Metadata.access-baseline: unexpected key ${key}; expected "waivers"`;
    return [{ entry: toPlain(settings) as JsonValue, problem, line, column }];
  }
  const waiversIndex = settings.keys.lastIndexOf("waivers");
  if (waiversIndex === -1) return undefined;
  const waivers = settings.values[waiversIndex]!;
  if (!isSeqNode(waivers)) {
    const { line, column } = positionAt(settings, waiversIndex);
    return [{ entry: toPlain(waivers) as JsonValue, line, column }];
  }
  return waivers.items.map((entry, item) => {
    const { line, column } = positionAt(waivers, item);
    return { entry: toPlain(entry) as JsonValue, line, column };
  });
}

/** Reads `template` with `normalizers`, made for its types (`normalizersFor` in `normalize/table.ts`). */
export function normalizeTemplate(
  template: Template,
  file: string,
  placeholders: Placeholders,
  normalizers: NormalizerTable,
): NormalizedTemplate {
  return run(new NormalizeContext(template, file, placeholders), normalizers);
}

/** The resources a pass reads, each with the step that reads it. */
interface PassSteps {
  resources: TemplateResource[];
  normalizers: Normalize[];
}

function run(context: NormalizeContext, table: NormalizerTable): NormalizedTemplate {
  const { template, placeholders } = context;
  for (const transform of template.transforms) {
    // The language extensions are applied here (loops expanded, their functions resolved), so
    // they add nothing this tool does not see.
    if (transform === LANGUAGE_EXTENSIONS) continue;
    context.note(
      undefined,
      `uses the transform ${transform}; resources it adds at deployment are not checked`,
    );
  }
  const created = template.resourceList.filter((resource) => included(context, resource));
  context.created = created;

  // The steps of each pass, in template order; passes run in the order of their numbers. Kept
  // apart by pass rather than sorted: a template of ten thousand groups is ten thousand steps.
  const passes: PassSteps[] = [];
  const notChecked: TemplateResource[] = [];
  // Loops over a template's resources are indexed: a loop by iterator makes an object per step
  // until it is optimized, and ten thousand resources go by before that.
  for (let index = 0; index < created.length; index += 1) {
    const resource = created[index]!;
    const normalizers = table.get(resource.type);
    if (normalizers) {
      for (let each = 0; each < normalizers.length; each += 1) {
        const { pass, normalize } = normalizers[each]!;
        const steps = (passes[pass] ??= { resources: [], normalizers: [] });
        steps.resources.push(resource);
        steps.normalizers.push(normalize);
      }
      continue;
    }
    if (READ_THROUGH_OTHERS.has(resource.type)) continue;
    const meant = lookalikeOfReadType(resource.type);
    // Not called invalid: whether CloudFormation trims the spaces is not this tool's to say.
    if (meant !== undefined)
      throw new TemplateShapeError(
        `resource ${resource.logicalId} has the type ${JSON.stringify(resource.type)}, which differs from ${meant} only in case or spaces; write the type exactly`,
        positionAt(resource.node, resource.node.keys.lastIndexOf("Type")),
        false,
      );
    if (normalizerNotLoaded(table, resource.type))
      throw new Error(`the normalizer of ${resource.type} was not loaded before the template was read`);
    notChecked.push(resource);
  }
  for (const steps of passes) {
    if (steps === undefined) continue;
    const { resources, normalizers } = steps;
    for (let step = 0; step < resources.length; step += 1) normalizers[step]!(context, resources[step]!);
  }
  for (const resource of notChecked) context.note(resource.position.line, notCheckedReason(resource));
  for (const principals of [context.refs.roles, context.refs.users, context.refs.groups])
    for (const build of principals.values()) settleRepeatedInlineNames(context, build);

  recordRelatedPolicyPositions(
    [...context.refs.roles.values(), ...context.refs.users.values(), ...context.refs.groups.values()],
    context.refs.groups,
    context.refs.managedPolicies,
  );
  const resources = context.builds.map((build) => {
    // Every pass has run: nothing changes the properties after this.
    if (build.canonical) vouchForCanonicalShape(build.properties, build.type);
    const resource = iacResource(
      {
        type: build.type,
        id: build.id,
        kind: "cloudformation",
        file: context.file,
        account: placeholders.account,
        region: placeholders.region,
        address: build.resource.logicalId,
        position: build.resource.position,
        properties: build.properties,
        recorder: build.recorder,
      },
      build.global,
    );
    // The registration stand-in shares its instance's logical id, not its waivers: a waiver
    // copied to it would be reported as matching nothing.
    const waivers =
      build.type === ResourceTypes.ManagedInstance ? undefined : metadataWaivers(build.resource);
    if (waivers !== undefined && waivers.length > 0) resource.source.waivers = waivers;
    return resource;
  });
  return { resources, notes: context.notes, notChecked: notChecked.length };
}

function notCheckedReason(resource: TemplateResource): string {
  const { logicalId, type } = resource;
  if (type === "AWS::CloudFormation::Stack")
    return `nested stack ${logicalId} is not checked; check its template directly`;
  if (type.startsWith("AWS::Serverless::"))
    return `${logicalId} (${type}) is expanded by the SAM transform at deployment and is not checked`;
  if (type.endsWith("::MODULE"))
    return `${logicalId} (${type}) is a registry module, expanded at deployment; the resources it adds are not checked`;
  return `${logicalId} (${type}) is not checked: no rule reads this type`;
}

/** Resources whose condition is false are not created, so not judged; unknown conditions are judged. */
function included(context: NormalizeContext, resource: TemplateResource): boolean {
  const created = context.r.isCreated(resource);
  if (created === false) {
    context.note(
      resource.position.line,
      `${resource.logicalId} is not created (condition ${resource.condition} is false) and is not checked`,
    );
    return false;
  }
  if (created !== true)
    context.note(
      resource.position.line,
      `${resource.logicalId} is checked as if created: its condition ${resource.condition} cannot be evaluated (${context.r.explain(created)})`,
    );
  return true;
}
