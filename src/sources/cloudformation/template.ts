import { isMapNode, member, positionAt, type MapNode, type PositionedValue } from "../positioned/node.js";
import { conditionSectionProblem } from "./conditions.js";
import { expandResources, ForEachError, FOR_EACH_PREFIX } from "./for-each.js";
import type { SourcePosition } from "../../util/source-position.js";

/**
 * The parts of a CloudFormation template this tool reads, once the file is parsed: parameters,
 * mappings, conditions and resources, each still as positioned nodes.
 */

export interface TemplateResource {
  logicalId: string;
  type: string;
  /** The resource's own mapping (`Type`, `Properties`, `Condition`, …). */
  node: MapNode;
  /** Where the logical id is written: the resource's own line. */
  position: SourcePosition;
  properties: MapNode | undefined;
  /** The name of the resource's `Condition`, if it has one. */
  condition: string | undefined;
}

export interface Template {
  parameters: Map<string, MapNode>;
  mappings: MapNode | undefined;
  conditions: MapNode | undefined;
  resources: Map<string, TemplateResource>;
  /** In template order. */
  resourceList: TemplateResource[];
  /** `Transform` names (SAM and macros), which change the template at deployment. */
  transforms: string[];
}

/**
 * Whether a parsed document is a CloudFormation template, by its structure rather than by the
 * resource types it names (registry modules, third-party and private types are templates too):
 * a `Resources` mapping that is empty or has an entry shaped like a resource (a mapping with a
 * string `Type`) or a `Fn::ForEach` loop, or the `AWSTemplateFormatVersion` only templates have.
 */
export function looksLikeTemplate(document: PositionedValue): document is MapNode {
  if (!isMapNode(document)) return false;
  if (typeof member(document, "AWSTemplateFormatVersion") === "string") return true;
  // Found whatever its case: `resources:` is a template CloudFormation refuses, which
  // `readTemplate` reports, not someone else's file to skip.
  const resourcesKey = document.keys.findIndex(
    (key) => key.toLowerCase() === "resources" || lookalikeKey(key, RESOURCES_BY_FOLDED_NAME) !== undefined,
  );
  const resources = resourcesKey === -1 ? undefined : document.values[resourcesKey];
  if (!isMapNode(resources)) return false;
  if (resources.keys.length === 0) return true;
  return resources.keys.some((key, index) => {
    if (key.startsWith(FOR_EACH_PREFIX) || key === TRANSFORM) return true;
    const resource = resources.values[index];
    return isMapNode(resource) && typeof member(resource, "Type") === "string";
  });
}

/**
 * Problems with the template's own structure, reported as input problems. `invalid` is false for
 * a valid template whose resources cannot be known before deployment (a loop over a parameter
 * without a default): the message must not call it invalid.
 */
export class TemplateShapeError extends Error {
  constructor(
    message: string,
    readonly position?: SourcePosition,
    readonly invalid = true,
  ) {
    super(message);
  }
}

/** The sections of a template, and the keys of a resource, as CloudFormation spells them. */
const SECTIONS = [
  "AWSTemplateFormatVersion",
  "Description",
  "Metadata",
  "Parameters",
  "Rules",
  "Mappings",
  "Conditions",
  "Transform",
  "Resources",
  "Outputs",
];
const RESOURCE_KEYS = [
  "Type",
  "Properties",
  "Condition",
  "DependsOn",
  "Metadata",
  "DeletionPolicy",
  "UpdateReplacePolicy",
  "UpdatePolicy",
  "CreationPolicy",
];
const SECTION_BY_FOLDED_NAME = new Map(SECTIONS.map((name) => [name.toLowerCase(), name]));
const RESOURCE_KEY_BY_FOLDED_NAME = new Map(RESOURCE_KEYS.map((name) => [name.toLowerCase(), name]));

const RESOURCES_BY_FOLDED_NAME = new Map([["resources", "Resources"]]);

/**
 * A key of `map` that is one of `names` only when case (or an invisible character) is ignored:
 * `properties:` under a resource would be read as no properties, and the group it opens would
 * pass. CloudFormation refuses it.
 */
function miscasedKey(what: (key: string) => string, map: MapNode, names: ReadonlyMap<string, string>): void {
  const { keys } = map;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const lookalike = lookalikeKey(key, names);
    if (lookalike !== undefined)
      throw new TemplateShapeError(
        `${what(key)} differs from ${lookalike.meant} ${lookalike.how}; write it exactly`,
        positionAt(map, index),
        false,
      );
  }
}

/** Unicode's format characters, which show as nothing: zero-width spaces and joiners, soft hyphens. */
const INVISIBLE = /\p{Cf}/u;
const EVERY_INVISIBLE = /\p{Cf}/gu;

/**
 * The name among `names` (keyed by their lower-case form) that `key` differs from only in case or
 * in invisible characters, and how it differs; undefined when `key` is one of them, or like none.
 * `Security\u200bGroupIngress` looks like the property on screen, yet is another key:
 * read as an unknown property, the group it opens would pass. CloudFormation refuses both.
 */
export function lookalikeKey(
  key: string,
  names: ReadonlyMap<string, string>,
): { meant: string; how: string } | undefined {
  const meant = names.get(key.toLowerCase());
  if (meant !== undefined) return meant === key ? undefined : { meant, how: "only in case" };
  // Looked for only when the key is like no name: most keys are one of them, or plainly another.
  if (!INVISIBLE.test(key)) return undefined;
  const visible = names.get(key.replace(EVERY_INVISIBLE, "").toLowerCase());
  if (visible === undefined) return undefined;
  const codes = [...new Set(key.match(EVERY_INVISIBLE))].map(
    (character) => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
  );
  return { meant: visible, how: `only in case or in invisible characters (${codes.join(", ")})` };
}

/** The key of `AWS::Include` and of macros written inside a template rather than at its top. */
const TRANSFORM = "Fn::Transform";

/**
 * A function that decides a resource's Properties as a whole: `Fn::Transform` (`AWS::Include`, a
 * macro) merges what it returns among them at deployment, a loop (`Fn::ForEach::…`) adds
 * properties, and `Properties: !If […]` chooses them whole. Reading the mapping by its other keys
 * would find properties missing that the deployed resource has, so the template cannot be judged.
 * (A `Ref` written beside properties is only a property this tool does not know.)
 */
function functionKey(map: MapNode): number {
  if (map.keys.length === 1 && (map.keys[0] === "Ref" || map.keys[0]!.startsWith("Fn::"))) return 0;
  return map.keys.findIndex((key) => key === TRANSFORM || key.startsWith(FOR_EACH_PREFIX));
}

function unexpanded(what: string, map: MapNode, index: number): TemplateShapeError {
  const key = map.keys[index]!;
  const reason =
    key === TRANSFORM
      ? "which is expanded at deployment (AWS::Include or a macro) and not by this tool"
      : "which this tool does not evaluate there";
  return new TemplateShapeError(`${what} written with ${key}, ${reason}`, positionAt(map, index), false);
}

export function readTemplate(document: MapNode): Template {
  miscasedKey((key) => `the section ${key}`, document, SECTION_BY_FOLDED_NAME);
  const section = (name: string): MapNode | undefined => {
    const index = document.keys.lastIndexOf(name);
    if (index === -1) return undefined;
    const value = document.values[index];
    if (value === null) return undefined;
    if (!isMapNode(value))
      throw new TemplateShapeError(`${name} must be a mapping`, positionAt(document, index));
    return value;
  };

  const parameters = new Map<string, MapNode>();
  const parameterSection = section("Parameters");
  parameterSection?.keys.forEach((name, index) => {
    const value = parameterSection.values[index];
    if (isMapNode(value)) parameters.set(name, value);
  });

  const resources = new Map<string, TemplateResource>();
  const resourceList: TemplateResource[] = [];
  const resourceSection = section("Resources");
  // CloudFormation refuses a template without resources; so does this tool, rather than pass it.
  if (resourceSection === undefined || resourceSection.keys.length === 0) {
    const index = document.keys.lastIndexOf("Resources");
    throw new TemplateShapeError(
      "template defines no resources",
      index === -1 ? { line: document.line, column: document.column } : positionAt(document, index),
    );
  }
  const transformed = resourceSection.keys.indexOf(TRANSFORM);
  if (transformed !== -1) throw unexpanded("Resources are", resourceSection, transformed);
  let entries;
  try {
    entries = expandResources(resourceSection, parameters);
  } catch (error) {
    if (error instanceof ForEachError)
      throw new TemplateShapeError(error.message, error.position, error.invalid);
    throw error;
  }
  // Indexed rather than by iterator, which makes an object per entry until it is optimized.
  for (let index = 0; index < entries.length; index += 1) {
    const { logicalId, value: node, position } = entries[index]!;
    if (!isMapNode(node)) throw new TemplateShapeError(`resource ${logicalId} must be a mapping`, position);
    miscasedKey((key) => `the key ${key} of resource ${logicalId}`, node, RESOURCE_KEY_BY_FOLDED_NAME);
    const type = member(node, "Type");
    if (typeof type !== "string") throw new TemplateShapeError(`resource ${logicalId} has no Type`, position);
    if (resources.has(logicalId))
      throw new TemplateShapeError(`the logical id ${logicalId} is used twice`, position);
    const transformedResource = node.keys.indexOf(TRANSFORM);
    if (transformedResource !== -1) throw unexpanded(`resource ${logicalId} is`, node, transformedResource);
    const properties = member(node, "Properties");
    // Properties that are text or a list would otherwise be read as no properties at all, and a
    // group written that way would pass every rule; CloudFormation refuses such a template.
    if (properties !== undefined && properties !== null && !isMapNode(properties))
      throw new TemplateShapeError(
        `the Properties of resource ${logicalId} must be a mapping`,
        positionAt(node, node.keys.lastIndexOf("Properties")),
      );
    if (isMapNode(properties)) {
      const written = functionKey(properties);
      if (written !== -1)
        throw unexpanded(`the Properties of resource ${logicalId} are`, properties, written);
    }
    const condition = member(node, "Condition");
    const resource: TemplateResource = {
      logicalId,
      type,
      node,
      position,
      properties: isMapNode(properties) ? properties : undefined,
      condition: typeof condition === "string" ? condition : undefined,
    };
    resources.set(logicalId, resource);
    resourceList.push(resource);
  }

  const transform = member(document, "Transform");
  const transforms = (
    typeof transform === "string"
      ? [transform]
      : transform !== null && typeof transform === "object" && transform.kind === "seq"
        ? transform.items
        : transform !== undefined
          ? ["a macro"]
          : []
  ).map((name) => (typeof name === "string" ? name : "a macro"));

  const conditions = section("Conditions");
  const conditionProblem = conditions && conditionSectionProblem(conditions);
  if (conditionProblem) throw new TemplateShapeError(conditionProblem.message, conditionProblem.position);

  return {
    parameters,
    mappings: section("Mappings"),
    conditions,
    resources,
    resourceList,
    transforms,
  };
}
