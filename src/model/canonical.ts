import { explainSchemaErrors } from "../util/schema-errors.js";
import * as validators from "./canonical-validators.generated.js";
import type { ErrorObject } from "ajv";
import type { Resource } from "./resource.js";
import { resourceTypeSpec } from "./resource-types.js";
import { sourceKindSpec } from "./source-kinds.js";
import { isUnknown } from "./unknown.js";
import { vouchedCanonical } from "./vouched-shapes.js";

/**
 * The boundary every source's resources cross before any rule runs: each resource's properties
 * are checked against the canonical schema of its type (`schemas/resources.schema.json`,
 * compiled ahead of time into `canonical-validators.generated.ts`). A resource that does not fit
 * is not judged on what it seems to say: every rule that reads it reports `error`, naming where
 * it came from, and the run exits with 2. A source that could not read something says so with an
 * unknown value; an error that only an unknown value causes is not a misfit. Properties a source
 * checked value by value as it built them, and vouched for, are not walked again
 * (`vouched-shapes.ts`).
 */

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const VALIDATORS = validators as unknown as Record<string, Validator>;

/** Why a resource does not have its type's canonical shape, or undefined when it does. */
export function canonicalShapeProblem(resource: Resource): string | undefined {
  if (vouchedCanonical(resource)) return undefined;
  return schemaShapeProblem(resource);
}

/** `canonicalShapeProblem` without the vouches: the schema's own verdict, always walked. */
export function schemaShapeProblem(resource: Resource): string | undefined {
  const spec = resourceTypeSpec(resource.type);
  const validate = VALIDATORS[spec.schema];
  if (validate === undefined) throw new Error(`no canonical validator for ${resource.type} (${spec.schema})`);
  if (validate(resource.properties)) return undefined;
  const errors = (validate.errors ?? []).filter((error) => !causedByUnknown(resource.properties, error));
  if (errors.length === 0) return undefined;
  const explained = explainSchemaErrors(errors);
  const path = propertyPath(
    explained.key === undefined ? explained.pointer : [...explained.pointer, explained.key],
  );
  return `${describeOrigin(resource)} does not have the shape of ${resource.type}: ${path === "" ? "" : `${path}: `}${explained.message}`;
}

/** Where a resource came from, for messages: file and line, API and region, or Config item. */
export function describeOrigin(resource: Resource): string {
  const { source } = resource;
  const named = `${resource.type} ${resource.id}`;
  if (source.file !== undefined) {
    const at = source.line === undefined ? source.file : `${source.file}:${source.line}`;
    return `${at}${source.address !== undefined ? ` (${source.address})` : ""}`;
  }
  const where = `${resource.account}/${resource.region}`;
  switch (source.kind) {
    case "aws-live":
      return `${named} read with ${resourceTypeSpec(resource.type).liveReads.join(", ")} in ${where}`;
    default:
      return `${named} from the ${sourceKindSpec(source.kind).title} (${where})`;
  }
}

/**
 * Whether an unknown value stands at, or above, the value the error is about: a property a source
 * could not know is neither of the wrong type nor missing what it should hold.
 *
 * A template whose groups all take their VPC from a parameter fails validation once per group, so
 * the error's path is walked segment by segment as written, decoding only segments that hold an
 * escape (list indexes read the same as text or as numbers).
 */
function causedByUnknown(properties: unknown, error: ErrorObject): boolean {
  const path = error.instancePath;
  let value: unknown = properties;
  let start = 1;
  while (start <= path.length) {
    if (isUnknown(value)) return true;
    if (value === null || typeof value !== "object") return false;
    let end = path.indexOf("/", start);
    if (end === -1) end = path.length;
    const segment = path.slice(start, end);
    value = (value as Record<string, unknown>)[segment.includes("~") ? unescapePointer(segment) : segment];
    start = end + 1;
  }
  return isUnknown(value);
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** `["IpPermissions", 0, "IpProtocol"]` → `IpPermissions[0].IpProtocol`, as rules write paths. */
function propertyPath(pointer: readonly (string | number)[]): string {
  let path = "";
  for (const segment of pointer) {
    if (typeof segment === "number") path += `[${segment}]`;
    else path += path === "" ? segment : `.${segment}`;
  }
  return path;
}
