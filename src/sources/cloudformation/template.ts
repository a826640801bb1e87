import {
  isMapNode,
  member,
  positionAt,
  type MapNode,
  type Position,
  type PositionedValue,
} from "../positioned/node.js";

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
  position: Position;
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
 * Whether a parsed document is a CloudFormation template, by its structure rather than by knowing
 * resource types (modules, third-party and private types have any name): an
 * `AWSTemplateFormatVersion`, or a `Resources` mapping with an entry that is a mapping with a
 * string `Type`, or an `Fn::ForEach::…` loop.
 */
export function looksLikeTemplate(document: PositionedValue): document is MapNode {
  if (!isMapNode(document)) return false;
  if (member(document, "AWSTemplateFormatVersion") !== undefined) return true;
  const resources = member(document, "Resources");
  if (!isMapNode(resources)) return false;
  return resources.keys.some((key, index) => {
    const resource = resources.values[index];
    return (
      key.startsWith("Fn::ForEach::") || (isMapNode(resource) && typeof member(resource, "Type") === "string")
    );
  });
}

/** Problems with the template's own structure, reported as input problems. */
export class TemplateShapeError extends Error {
  constructor(
    message: string,
    readonly position?: Position,
  ) {
    super(message);
  }
}

export function readTemplate(document: MapNode): Template {
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
  resourceSection?.keys.forEach((logicalId, index) => {
    const node = resourceSection.values[index];
    const position = positionAt(resourceSection, index);
    if (!isMapNode(node)) throw new TemplateShapeError(`resource ${logicalId} must be a mapping`, position);
    const type = member(node, "Type");
    if (typeof type !== "string") throw new TemplateShapeError(`resource ${logicalId} has no Type`, position);
    const properties = member(node, "Properties");
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
  });

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

  return {
    parameters,
    mappings: section("Mappings"),
    conditions: section("Conditions"),
    resources,
    resourceList,
    transforms,
  };
}
