import { compile } from "@jmespath-community/jmespath";
import { loadSchema } from "../assets.js";
import { documentShapeOf, type ShapeSchema } from "../model/related-shapes.js";
import type { ResourceType } from "../model/resource.js";
import { resourceTypeSpec } from "../model/resource-types.js";
import { isUnknown } from "../model/unknown.js";

/**
 * What a path can select, worked out from the canonical schema (`schemas/resources.schema.json`)
 * and the shape of `related` (`model/related-shapes.ts`), so that a rule naming a field that no
 * resource can have — `{resource.InstanceID}`, `related.Roles[].RoleNme` — is refused when it is
 * loaded, rather than rendering "(none)" or never matching.
 *
 * An object whose schema lists its properties is closed: only those fields can exist. It is open
 * where the schema says so (`additionalProperties`) or does not describe it (`{"type": "object"}`,
 * like an IAM statement), and there any field is accepted. A field that no branch of a union has
 * is refused only when every branch is closed. Past what the shapes describe (a function's result,
 * a literal), anything goes.
 */

const ANY = Symbol("any");
export type Shape = ShapeSchema | typeof ANY;
export const ANY_SHAPE: Shape = ANY;

export class PathShapeError extends Error {}

type Node = { type: string; [key: string]: unknown };

let definitions: Record<string, ShapeSchema> | undefined;
function definitionsOf(): Record<string, ShapeSchema> {
  definitions ??= (loadSchema("resources.schema.json") as { $defs: Record<string, ShapeSchema> }).$defs;
  return definitions;
}

/** The shape of a resource document of one of `types`. */
export function documentShape(types: readonly ResourceType[]): Shape {
  const shapes = types.map((type) => documentShapeOf(type, resourceTypeSpec(type).schema));
  return shapes.length === 1 ? shapes[0]! : { anyOf: shapes };
}

function resolve(schema: ShapeSchema): ShapeSchema {
  let current = schema;
  for (let depth = 0; typeof current.$ref === "string" && depth < 20; depth++) {
    const name = current.$ref.replace(/^#\/\$defs\//, "");
    const found = definitionsOf()[name];
    if (!found) return {};
    const { $ref: _ref, ...rest } = current;
    current = { ...found, ...rest };
  }
  return current;
}

function branches(schema: ShapeSchema): ShapeSchema[] {
  return [
    ...((schema.allOf as ShapeSchema[] | undefined) ?? []),
    ...((schema.anyOf as ShapeSchema[] | undefined) ?? []),
    ...((schema.oneOf as ShapeSchema[] | undefined) ?? []),
  ];
}

function typesOf(schema: ShapeSchema): string[] | undefined {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type as string[];
  return undefined;
}

type Lookup = { found: Shape } | { open: true } | { closed: string[] };

/** Where `name` leads from `shape`: a shape, anything (open), or nowhere (and the fields that exist). */
function lookup(shape: Shape, name: string): Lookup {
  if (shape === ANY) return { open: true };
  const schema = resolve(shape);
  const properties = schema.properties as Record<string, ShapeSchema> | undefined;
  if (properties && Object.hasOwn(properties, name)) return { found: properties[name]! };
  const fields = Object.keys(properties ?? {});
  let open = false;
  for (const branch of branches(schema)) {
    const result = lookup(branch, name);
    if ("found" in result) return result;
    if ("open" in result) open = true;
    else fields.push(...result.closed);
  }
  if (open) return { open: true };
  const additional = schema.additionalProperties;
  if (additional !== undefined && additional !== false) {
    return typeof additional === "object" ? { found: additional as ShapeSchema } : { open: true };
  }
  if (properties || branches(schema).length) return { closed: fields };
  const types = typesOf(schema);
  if (types === undefined || types.includes("object")) return { open: true };
  return { closed: [] };
}

function field(shape: Shape, name: string): Shape {
  const result = lookup(shape, name);
  if ("found" in result) return result.found;
  if ("open" in result) return ANY;
  const near = result.closed.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  const hint = near
    ? ` (did you mean ${near}?)`
    : result.closed.length
      ? ` (it has ${[...new Set(result.closed)].sort().join(", ")})`
      : "";
  throw new PathShapeError(`no field "${name}" can exist there${hint}`);
}

/** The shape of one element of a list of `shape`. */
function element(shape: Shape): Shape {
  if (shape === ANY) return ANY;
  const schema = resolve(shape);
  if (schema.items && typeof schema.items === "object") return schema.items as ShapeSchema;
  const options = branches(schema).map(element);
  if (options.length === 0 || options.includes(ANY)) return ANY;
  return { anyOf: options };
}

const list = (items: Shape): Shape => (items === ANY ? ANY : { type: "array", items });

/** The shape `node` selects from `input`; throws `PathShapeError` for a field that cannot exist. */
function shapeOf(node: Node, input: Shape): Shape {
  const child = (key: string) => node[key] as Node;
  switch (node.type) {
    case "Field":
      return field(input, node.name as string);
    case "Current":
    case "Identity":
      return input;
    case "Subexpression":
    case "Pipe":
      return shapeOf(child("right"), shapeOf(child("left"), input));
    case "IndexExpression":
      return shapeOf(child("right"), shapeOf(child("left"), input));
    case "Index":
      return element(input);
    case "Slice":
      return input;
    case "Flatten": {
      const items = element(shapeOf(child("child"), input));
      const inner = items === ANY ? ANY : resolve(items).items ? element(items) : items;
      return list(inner);
    }
    case "Projection": {
      const left = shapeOf(child("left"), input);
      return list(shapeOf(child("right"), element(left)));
    }
    case "FilterProjection": {
      const each = element(shapeOf(child("left"), input));
      shapeOf(child("condition"), each);
      return list(shapeOf(child("right"), each));
    }
    case "ValueProjection":
      shapeOf(child("left"), input);
      return ANY;
    case "Literal":
    case "Root":
    case "ExpressionReference":
      return ANY;
    case "Function":
      checkArguments(node.children as Node[], input);
      return ANY;
    case "KeyValuePair":
      return shapeOf(child("value"), input);
    case "LetExpression":
      for (const binding of node.bindings as Node[]) shapeOf(binding.reference as Node, input);
      return shapeOf(child("expression"), input);
    default:
      // Comparisons, multi-selects, arithmetic: their operands are read from `input`.
      for (const key of ["left", "right", "child", "condition"]) if (node[key]) shapeOf(child(key), input);
      for (const argument of (node.children as Node[] | undefined) ?? []) shapeOf(argument, input);
      return ANY;
  }
}

/**
 * A function's arguments are read from `input`, except an expression reference (`&FromPort` in
 * `sort_by`, `map`, `max_by`), which the function applies to each element of the list it is given:
 * unchecked, `map(&FromPrt, IpPermissions)` would be a list of nulls that no test ever matches.
 */
function checkArguments(argumentsOf: readonly Node[], input: Shape): void {
  const lists = argumentsOf
    .filter((argument) => argument.type !== "ExpressionReference")
    .map((argument) => shapeOf(argument, input));
  const each = lists.length === 0 ? ANY : unionShape(lists.map(element));
  for (const argument of argumentsOf) {
    if (argument.type === "ExpressionReference") shapeOf(argument.child as Node, each);
  }
}

/** The shape a JMESPath expression selects from `input`. */
export function shapeOfPath(expression: string, input: Shape): Shape {
  let ast: Node;
  try {
    ast = compile(expression) as unknown as Node;
  } catch {
    // A syntax error is reported where the path is compiled.
    return ANY;
  }
  return shapeOf(ast, input);
}

/** The shape of one element of what a quantifier's `in` selects. */
export function elementShape(shape: Shape): Shape {
  return element(shape);
}

export function unionShape(shapes: readonly Shape[]): Shape {
  if (shapes.length === 0 || shapes.includes(ANY)) return ANY;
  return shapes.length === 1 ? shapes[0]! : { anyOf: shapes };
}

/**
 * The first field of `value` that `shape` has no place for, as a path (`IpPermission`,
 * `IpPermissions[0].CidrIp`), or undefined. For documents written by hand, like a rule's test
 * cases, which must not hold a field that no resource can have.
 */
export function fieldThatCannotExist(value: unknown, shape: Shape, path = ""): string | undefined {
  // An unknown is a source's marker, not a field; a mapping where a list belongs is the wrong
  // type, which the rule's operators judge, not a field that cannot exist.
  if (shape === ANY || value === null || typeof value !== "object" || isUnknown(value)) return undefined;
  if (Array.isArray(value)) {
    const each = element(shape);
    for (const [index, item] of value.entries()) {
      const found = fieldThatCannotExist(item, each, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (resolve(shape).items !== undefined) return undefined;
  for (const [name, item] of Object.entries(value)) {
    const at = path === "" ? name : `${path}.${name}`;
    let inner: Shape;
    try {
      inner = field(shape, name);
    } catch (error) {
      if (error instanceof PathShapeError) return `${at}: ${error.message}`;
      throw error;
    }
    const found = fieldThatCannotExist(item, inner, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
