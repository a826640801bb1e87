import type { JsonObject, JsonValue, ResourceType } from "../../../model/resource.js";
import { isUnknown, type UnknownValue } from "../../../model/unknown.js";
import { PositionRecorder, PositionStore, type PolicyHolder } from "../../iac.js";
import { member, positionAt } from "../../positioned/node.js";
import { type Placeholders, type Resolved, Resolver } from "../intrinsics.js";
import { lookalikeKey, TemplateShapeError, type Template, type TemplateResource } from "../template.js";
import { References } from "./references.js";
import type { SourcePosition } from "../../../util/source-position.js";
import { defineField } from "../../../util/own-field.js";

/** What reading one template shares between the normalizers of its resource types. */

export interface TemplateNote {
  line?: number;
  message: string;
}

/** A canonical resource being built: its properties, and where each was written. */
export interface Build extends PolicyHolder {
  resource: TemplateResource;
  type: ResourceType;
  id: string;
  properties: JsonObject;
  recorder: PositionRecorder;
  global: boolean;
  /**
   * Set by a normalizer that checks each value it puts into `properties` against its type's
   * canonical shape, and cleared by the first it cannot vouch for: when still set once the
   * template is read, the shape is not walked again (`vouchForCanonicalShape`). Left unset by
   * normalizers that do not check, whose resources are held to the schema.
   */
  canonical: boolean;
}

export class NormalizeContext {
  readonly r: Resolver;
  readonly notes: TemplateNote[] = [];
  readonly builds: Build[] = [];
  readonly refs: References;
  /** Where the positions of every resource of the template are recorded. */
  private readonly positions = new PositionStore();
  /** The resources the template creates (its conditions allowing), in template order. */
  created: readonly TemplateResource[] = [];

  constructor(
    readonly template: Template,
    readonly file: string,
    readonly placeholders: Placeholders,
  ) {
    this.r = new Resolver(template, placeholders);
    this.refs = new References(this);
  }

  note(line: number | undefined, message: string): void {
    this.notes.push(line === undefined ? { message } : { line, message });
  }

  add(
    resource: TemplateResource,
    type: ResourceType,
    id: string,
    properties: JsonObject,
    global = false,
  ): Build {
    const build: Build = {
      resource,
      type,
      id,
      properties,
      recorder: new PositionRecorder(this.positions),
      global,
      canonical: false,
      file: this.file,
    };
    this.builds.push(build);
    return build;
  }

  prop(resource: TemplateResource, name: string): Resolved | undefined {
    return resource.properties ? member(resource.properties, name) : undefined;
  }

  propPosition(resource: TemplateResource, name: string): SourcePosition {
    const index = resource.properties ? resource.properties.keys.lastIndexOf(name) : -1;
    return index === -1 ? resource.position : positionAt(resource.properties!, index);
  }

  /** Records where property `name` is written (the resource's own line when it is not) under `path`. */
  locateProp(build: Build, path: string, resource: TemplateResource, name: string): void {
    const index = resource.properties ? resource.properties.keys.lastIndexOf(name) : -1;
    if (index === -1) build.recorder.set(path, resource.position);
    else build.recorder.setAt(path, resource.properties!, index);
  }

  /** A property resolved whole, its positions recorded under `path`. */
  value(resource: TemplateResource, name: string, build?: Build, path = name): JsonValue | undefined {
    const value = this.r.deep(this.prop(resource, name), name, path, build?.recorder);
    if (value !== undefined && build !== undefined) this.locateProp(build, path, resource, name);
    return value;
  }

  /** A property copied under the same name, where the describe API has it with the same shape. */
  copy(resource: TemplateResource, build: Build, name: string, target = name): void {
    const value = this.value(resource, name, build, target);
    if (value !== undefined) build.properties[target] = value;
  }

  /** A name-like property: the text when plain, else the logical id (see `Resolver.physicalName`). */
  text(resource: TemplateResource, name: string): string | UnknownValue | undefined {
    return this.r.string(this.prop(resource, name), name);
  }

  /** `Tags`, which templates write in the describe shape already: `[{Key, Value}]`. */
  tags(resource: TemplateResource, build: Build): void {
    // Looked up first: most resources of a large template have none, and resolving nothing still
    // costs a walk through the resolver for each.
    if (resource.properties === undefined || resource.properties.keys.lastIndexOf("Tags") === -1) return;
    const tags = this.value(resource, "Tags", build);
    if (Array.isArray(tags)) build.properties.Tags = tags.map(tagAsText);
    else if (isUnknown(tags)) build.properties.Tags = tags;
  }

  /**
   * Properties of the template resource that the type's normalizer does not map: rather than
   * vanish, each becomes an unknown value at its own name, so that a rule reading it reports that
   * it cannot decide instead of finding the property not set.
   */
  keepUnmapped(resource: TemplateResource, build: Build, mapped: ReadonlySet<string>): void {
    const properties = resource.properties;
    if (!properties) return;
    const { keys } = properties;
    for (let index = 0; index < keys.length; index += 1) {
      const name = keys[index]!;
      if (mapped.has(name) || Object.hasOwn(build.properties, name)) continue;
      const lookalike = lookalikeKey(name, byFoldedName(mapped));
      if (lookalike !== undefined)
        throw new TemplateShapeError(
          `the property ${name} of resource ${resource.logicalId} differs from ${lookalike.meant} ${lookalike.how}; write it exactly`,
          positionAt(properties, index),
          false,
        );
      defineField(
        build.properties,
        name,
        this.r.unknown(
          "",
          `${resource.type} property ${name}`,
          "is not read by this tool, so its value as AWS describes it is not known",
        ),
      );
      build.recorder.setAt(name, properties, index);
    }
  }
}

const FOLDED_NAMES = new WeakMap<ReadonlySet<string>, ReadonlyMap<string, string>>();

/**
 * The properties a normalizer maps, by their names in lower case: a property written
 * `securityGroupIngress` would otherwise be kept as an unknown property no rule reads, and the
 * group it opens would be judged as having no rules at all. CloudFormation property names are
 * exact.
 */
function byFoldedName(mapped: ReadonlySet<string>): ReadonlyMap<string, string> {
  let folded = FOLDED_NAMES.get(mapped);
  if (folded === undefined) {
    folded = new Map([...mapped].map((name) => [name.toLowerCase(), name]));
    FOLDED_NAMES.set(mapped, folded);
  }
  return folded;
}

/**
 * A tag whose key or value is written as a number or a boolean (`Value: 22`, YAML's `Value: yes`)
 * as CloudFormation passes it on, as text: read as written, it left the resource without the
 * shape of its type, and every rule could only say it cannot decide.
 */
function tagAsText(tag: JsonValue): JsonValue {
  if (tag === null || typeof tag !== "object" || Array.isArray(tag) || isUnknown(tag)) return tag;
  const { Key, Value } = tag;
  if (!isScalarOtherThanText(Key) && !isScalarOtherThanText(Value)) return tag;
  const text: JsonObject = { ...tag };
  if (isScalarOtherThanText(Key)) text.Key = String(Key);
  if (isScalarOtherThanText(Value)) text.Value = String(Value);
  return text;
}

function isScalarOtherThanText(value: JsonValue | undefined): value is number | boolean {
  return typeof value === "number" || typeof value === "boolean";
}
