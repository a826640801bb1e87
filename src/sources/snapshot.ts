import type { ErrorObject } from "ajv";
import { loadSchema } from "../assets.js";
import { InputError, UserError, formatLocation } from "../errors.js";
import type { CollectionError, Scope } from "../model/collection-error.js";
import { GLOBAL_REGION, ResourceTypes, type JsonObject, type Resource } from "../model/resource.js";
import { inlinePolicyKeyOf, resourceTypeSpec } from "../model/resource-types.js";
import { writeOutputFile } from "../util/atomic-write.js";
import { emptySourceData, type Source, type SourceData } from "./source.js";
import { describeFileError } from "../util/file-errors.js";
import { findDuplicateKey } from "../util/json-duplicates.js";
import { oneLine } from "../util/one-line.js";
import { mostSpecificSchemaError, refusedEmptyString } from "../util/schema-errors.js";
import { ScopedIndex } from "../util/scoped-index.js";
import { decodeText, NotTextError, readTextFile } from "../util/text-file.js";
import type { SourcePosition } from "../util/source-position.js";
import checkSnapshotSchema from "./snapshot-check.generated.js";
import validateSnapshotSchema from "./snapshot-validator.generated.js";

/**
 * Snapshots: the normalized inventory that `collect` writes and `check --snapshot` re-evaluates
 * offline. The file is JSON validated against `schemas/snapshot.schema.json`; every problem with
 * it becomes a single `InputError` line that names the file and, where possible, line and column.
 */

export const SNAPSHOT_FORMAT = "access-baseline/snapshot";
export const SNAPSHOT_VERSION = 1;
export const SNAPSHOT_SCHEMA_ID = "https://access-baseline.dev/schemas/snapshot.schema.json";

export interface SnapshotTool {
  name: string;
  version: string;
}

export interface Snapshot {
  /** When collection finished, as an RFC 3339 UTC timestamp. */
  createdAt: string;
  tool: SnapshotTool;
  /** Every account and region collected; a region without a preferences document has defaults. */
  scopes: Scope[];
  resources: Resource[];
  collectionErrors: CollectionError[];
}

/**
 * A snapshot file behind the `Source` interface. `shown` is how reports name it (the path as
 * given). Every resource was held to the canonical schema when the file was validated. `takeBytes`,
 * when given, hands over the file's content if it was read while other work went on.
 */
export function snapshotSource(
  path: string,
  shown: string,
  takeBytes?: () => Promise<Uint8Array | undefined>,
): Source {
  return {
    async read(): Promise<SourceData> {
      const snapshot = await readSnapshot(path, shown, takeBytes);
      return {
        ...emptySourceData(),
        resources: snapshot.resources,
        scopes: snapshot.scopes,
        collectionErrors: snapshot.collectionErrors,
        inputs: [shown],
        shapesChecked: true,
      };
    },
  };
}

/**
 * Reads and validates a snapshot; messages name it as `shown` (the path as the user gave it). The
 * text is let go once it is parsed, so a large snapshot is held once, as values, while it is
 * checked; the file is read again only to say where a problem is.
 */
export async function readSnapshot(
  path: string,
  shown = path,
  takeBytes?: () => Promise<Uint8Array | undefined>,
): Promise<Snapshot> {
  const document = parseSnapshotText(await readSnapshotText(path, shown, takeBytes), shown);
  const problem = findDocumentProblem(document, shown);
  if (!problem) return snapshotOf(document);
  const text = await readSnapshotText(path, shown).catch(() => undefined);
  throw problemError(problem, shown, text === undefined ? undefined : withoutByteOrderMark(text));
}

async function readSnapshotText(
  path: string,
  shown: string,
  takeBytes?: () => Promise<Uint8Array | undefined>,
): Promise<string> {
  try {
    const bytes = await takeBytes?.();
    return bytes !== undefined ? decodeText(bytes) : await readTextFile(path);
  } catch (error) {
    if (error instanceof NotTextError) throw new InputError(`${shown}: ${error.message}`);
    throw new InputError(`cannot read snapshot ${shown}: ${describeFileError(error)}`, { cause: error });
  }
}

/** Parses and validates a snapshot; `fileName` is only used in error messages. */
export function parseSnapshot(text: string, fileName: string): Snapshot {
  const document = parseSnapshotText(text, fileName);
  const problem = findDocumentProblem(document, fileName);
  if (problem) throw problemError(problem, fileName, withoutByteOrderMark(text));
  return snapshotOf(document);
}

/** Editors on Windows may save a byte-order mark, which JSON.parse rejects. */
function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The parsed text: valid JSON without duplicate keys, or an error naming the line. */
function parseSnapshotText(text: string, fileName: string): unknown {
  const source = withoutByteOrderMark(text);
  let document: unknown;
  try {
    document = JSON.parse(source);
  } catch (error) {
    if (/^\s*$/.test(source)) throw new InputError(`${fileName}: the snapshot file is empty`);
    throw syntaxError(source, fileName, error);
  }

  const duplicate = findDuplicateKey(source, document);
  if (duplicate)
    throw new InputError(
      `${formatLocation(fileName, duplicate.line, duplicate.column)}: duplicate key ${JSON.stringify(duplicate.key)} (first written at line ${duplicate.firstLine})`,
    );
  return document;
}

/** Checks the parsed document in place: its kind and version (thrown), then its schema and consistency. */
function findDocumentProblem(document: unknown, fileName: string): Problem | undefined {
  checkFormatAndVersion(document, fileName);
  return findProblem(document);
}

/** The error for a problem, at its line and column when the text is at hand to find them in. */
function problemError(problem: Problem, fileName: string, text: string | undefined): InputError {
  const position = text === undefined ? undefined : locateProblem(text, problem);
  const where = position ? formatLocation(fileName, position.line, position.column) : fileName;
  return new InputError(`${where}: invalid snapshot at ${describeProblem(problem)}`);
}

function snapshotOf(document: unknown): Snapshot {
  const valid = document as SnapshotDocument;
  return {
    createdAt: valid.createdAt,
    tool: valid.tool,
    scopes: valid.scopes,
    resources: valid.resources,
    collectionErrors: valid.collectionErrors,
  };
}

/**
 * The file text for a snapshot: the envelope pretty-printed, then one resource, scope or
 * collection error per line. That keeps large snapshots compact while a diff or a `grep` still
 * shows whole resources. Throws (a programming error, not a user one) when the snapshot would
 * not be readable back.
 */
export function serializeSnapshot(snapshot: Snapshot): string {
  const document: SnapshotDocument = {
    $schema: SNAPSHOT_SCHEMA_ID,
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    createdAt: snapshot.createdAt,
    tool: snapshot.tool,
    scopes: snapshot.scopes,
    resources: snapshot.resources,
    collectionErrors: snapshot.collectionErrors,
  };
  const problem = findProblem(document);
  if (problem) throw new Error(`cannot serialize snapshot: invalid at ${describeProblem(problem)}`);

  const lines = [
    "{",
    `  "$schema": ${JSON.stringify(document.$schema)},`,
    `  "format": ${JSON.stringify(document.format)},`,
    `  "version": ${document.version},`,
    `  "createdAt": ${JSON.stringify(document.createdAt)},`,
    `  "tool": ${JSON.stringify({ name: document.tool.name, version: document.tool.version })},`,
    `  "scopes": ${jsonLines("scopes", document.scopes)},`,
    `  "resources": ${jsonLines("resources", document.resources)},`,
    `  "collectionErrors": ${jsonLines("collectionErrors", document.collectionErrors)}`,
    "}",
    "",
  ];
  return lines.join("\n");
}

/** Writes a snapshot (see `writeOutputFile`); when serialization fails, nothing is written at all. */
export async function writeSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  const text = serializeSnapshot(snapshot);
  try {
    await writeOutputFile(path, text);
  } catch (error) {
    throw new UserError(`cannot write snapshot ${path}: ${describeFileError(error)}`, { cause: error });
  }
}

interface SnapshotDocument extends Snapshot {
  $schema?: string;
  format: string;
  version: number;
}

function jsonLines(name: string, items: readonly unknown[]): string {
  if (items.length === 0) return "[]";
  const lines = items.map((item, index) => {
    try {
      return `    ${JSON.stringify(item)}`;
    } catch (error) {
      // BigInt values and cycles deep inside `properties` are not visible to the schema.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot serialize snapshot: /${name}/${index}: ${reason}`, { cause: error });
    }
  });
  return `[\n${lines.join(",\n")}\n  ]`;
}

// ---------------------------------------------------------------------------------------------
// Envelope, schema and consistency checks

/**
 * Checked before the schema so that a file of another kind, or a snapshot from a newer tool,
 * gets a message saying so instead of a list of schema mismatches.
 */
function checkFormatAndVersion(document: unknown, fileName: string): void {
  if (!isPlainObject(document)) {
    throw new InputError(
      `${fileName}: not an access-baseline snapshot: expected a JSON object at the top level, found ${describeValue(document)}`,
    );
  }
  const { format, version } = document;
  if (format !== SNAPSHOT_FORMAT) {
    const found = format === undefined ? "it has no format" : `its format is ${JSON.stringify(format)}`;
    throw new InputError(
      `${fileName}: not an access-baseline snapshot (${found}; expected "format": "${SNAPSHOT_FORMAT}")`,
    );
  }
  if (version === undefined) {
    throw new InputError(
      `${fileName}: the snapshot has no version (this tool reads version ${SNAPSHOT_VERSION})`,
    );
  }
  if (version !== SNAPSHOT_VERSION) {
    const shown = typeof version === "number" ? String(version) : JSON.stringify(version);
    throw new InputError(
      `${fileName}: snapshot version ${shown} is not supported (this tool reads version ${SNAPSHOT_VERSION})`,
    );
  }
}

interface Problem {
  /** JSON pointer of the offending value, as shown to the user. */
  pointer: string;
  /** JSON pointer of the value to locate in the text (the parent object for a missing property). */
  locate: string;
  /** Locate the member's key rather than its value (for a property that is not allowed). */
  atKey: boolean;
  /** The resource the pointer is inside, as `type id`. */
  resource?: string;
  detail: string;
}

function describeProblem(problem: Problem): string {
  const pointer = problem.pointer === "" ? "the top level" : problem.pointer;
  // The resource is named by its type and id as the file writes them: escaped, so that a line
  // break or an escape sequence in an id cannot split or erase the one-line error.
  const resource = problem.resource ? ` (${oneLine(problem.resource)})` : "";
  return `${pointer}${resource}: ${problem.detail}`;
}

/**
 * `schemas/snapshot.schema.json` (with the canonical resource shapes it refers to), compiled ahead
 * of time by `npm run validators`: compiling it, and loading the compiler, took a large part of
 * reading a small snapshot. It stops at the first error and keeps the offending data and schema, so
 * the message can say what was found and expected.
 */
const validate = validateSnapshotSchema as {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
};

/**
 * The same schema as a yes-or-no check that builds no error paths as it goes: a valid snapshot is
 * checked by it alone, and one that fails it is validated again by `validate` for its error.
 */
const passesSchema = checkSnapshotSchema as (value: unknown) => boolean;

function findProblem(document: unknown): Problem | undefined {
  if (!passesSchema(document) && !validate(document)) {
    return schemaProblem(mostSpecificSchemaError(validate.errors ?? []), document);
  }
  const snapshot = document as SnapshotDocument;
  return (
    findDuplicates(snapshot) ??
    findMisnamedResource(snapshot) ??
    findMisplacedResource(snapshot) ??
    findMisspeltProperty(snapshot)
  );
}

function schemaProblem(error: ErrorObject, document: unknown): Problem {
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath;
  const found = `found ${describeValue(error.data)}`;
  let pointer = at;
  let locate = at;
  let atKey = false;
  let expected: string;

  switch (error.keyword) {
    case "required": {
      const missing = String(params.missingProperty);
      pointer = `${at}/${escapePointerToken(missing)}`;
      expected = `required property "${missing}" is missing`;
      break;
    }
    case "additionalProperties": {
      const extra = String(params.additionalProperty);
      pointer = `${at}/${escapePointerToken(extra)}`;
      locate = pointer;
      atKey = true;
      const allowed = Object.keys(schemaProperties(error.parentSchema));
      expected =
        `property "${extra}" is not allowed here` +
        (allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : "");
      break;
    }
    case "type":
      expected = `expected ${withArticle(String(params.type))}, ${found}`;
      break;
    case "const":
      expected = `expected ${JSON.stringify(params.allowedValue)}, ${found}`;
      break;
    case "enum": {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      expected = `expected one of ${allowed.map((value) => JSON.stringify(value)).join(", ")}; ${found}`;
      break;
    }
    case "pattern":
    case "format": {
      const description = schemaDescription(error.parentSchema);
      expected = `expected ${description ?? `a string matching ${String(params.pattern ?? params.format)}`}, ${found}`;
      break;
    }
    case "minimum":
    case "maximum":
      expected = `expected a number ${String(params.comparison)} ${String(params.limit)}, ${found}`;
      break;
    case "minLength":
      expected = params.limit === 1 ? `expected a non-empty string` : `${error.message ?? "too short"}`;
      break;
    case "not":
      expected = refusedEmptyString(error) ?? `${error.message ?? "does not match the schema"}, ${found}`;
      break;
    case "minItems":
      expected =
        params.limit === 1
          ? "expected a non-empty list"
          : `expected at least ${String(params.limit)} items, found ${(error.data as unknown[]).length}`;
      break;
    default:
      expected = `${error.message ?? "does not match the schema"}, ${found}`;
  }

  return { pointer, locate, atKey, resource: resourceLabel(document, pointer), detail: expected };
}

/** Names the resource an error is inside, since a pointer like /resources/4127 means nothing to a reader. */
function resourceLabel(document: unknown, pointer: string): string | undefined {
  const match = /^\/resources\/(\d+)(?:\/|$)/.exec(pointer);
  if (!match || !isPlainObject(document) || !Array.isArray(document.resources)) return undefined;
  const resource: unknown = document.resources[Number(match[1])];
  if (!isPlainObject(resource) || typeof resource.type !== "string") return undefined;
  return typeof resource.id === "string" && resource.id !== ""
    ? `${resource.type} ${resource.id}`
    : resource.type;
}

function findDuplicates(document: SnapshotDocument): Problem | undefined {
  const seenScopes = new Map<string, number>();
  const { scopes, resources } = document;
  for (let index = 0; index < scopes.length; index += 1) {
    const scope = scopes[index]!;
    const key = `${scope.account}\u0000${scope.region}`;
    const first = seenScopes.get(key);
    if (first !== undefined) {
      const pointer = `/scopes/${index}`;
      const detail = `account ${scope.account} region ${scope.region} is already listed at /scopes/${first}`;
      return { pointer, locate: pointer, atKey: false, detail };
    }
    seenScopes.set(key, index);
  }

  // Positions by type, then by account, region and id. Resources come grouped by type, and the
  // type is compared, not looked up: JSON.parse gives each resource strings of its own, and a
  // lookup computes the hash of each.
  const seenResources = new Map<string, ScopedIndex<number>>();
  let typeSeen: ScopedIndex<number> | undefined;
  let lastType: string | undefined;
  // An index loop: an iterator's [index, value] pair for each of hundreds of thousands of
  // resources is work the collector pays for while the whole snapshot is held.
  for (let index = 0; index < resources.length; index += 1) {
    const resource = resources[index]!;
    if (typeSeen === undefined || resource.type !== lastType) {
      lastType = resource.type;
      typeSeen = seenResources.get(resource.type);
      if (!typeSeen) seenResources.set(resource.type, (typeSeen = new ScopedIndex<number>()));
    }
    const first = typeSeen.setIfAbsent(resource.account, resource.region, resource.id, index);
    if (first !== undefined) {
      const pointer = `/resources/${index}`;
      const detail =
        `duplicate resource: /resources/${first} has the same type and id ` +
        `in account ${resource.account}, region ${resource.region}`;
      return { pointer, locate: pointer, atKey: false, resource: `${resource.type} ${resource.id}`, detail };
    }
  }
  return undefined;
}

/**
 * A resource is known by its id to the inventory and the relations, and by its id property
 * (`GroupId`, `RoleName`, an SSM document's `Name`, …) to the rules and messages. A resource whose
 * two disagree would be judged as one thing and linked as another: an SSM document whose Name is
 * not its id kept a region's Session Manager preferences from being judged at all. Such a
 * snapshot is refused rather than read one way; the collector always writes the two alike.
 */
function findMisnamedResource(document: SnapshotDocument): Problem | undefined {
  const { resources } = document;
  let lastType: string | undefined;
  let idField = "";
  for (let index = 0; index < resources.length; index += 1) {
    const resource = resources[index]!;
    if (resource.type !== lastType) {
      lastType = resource.type;
      idField = resourceTypeSpec(resource.type).idField;
    }
    const named = resource.properties[idField];
    if (named === resource.id) continue;
    const pointer = `/resources/${index}/properties/${escapePointerToken(idField)}`;
    return {
      pointer,
      locate: pointer,
      atKey: false,
      resource: `${resource.type} ${resource.id}`,
      detail: `its ${idField} ${JSON.stringify(named)} is not its id ${JSON.stringify(resource.id)}`,
    };
  }
  return undefined;
}

/**
 * Scopes say which regions were collected, and a listed region without a preferences document is
 * judged on Session Manager's defaults. A region the snapshot holds resources of but does not list
 * would have its preferences judged on nothing at all, so every regional resource must be in a
 * listed account and region, as the collector writes them. A trail is the exception: it is placed
 * in its home region, which a collection limited to other regions still finds it from.
 *
 * IAM resources are global, and relations find them by account and name (a managed policy by its
 * ARN), whatever their region: a second copy under another region was no duplicate to
 * `findDuplicates`, yet took the first one's place for every principal it is attached to. For the
 * same reason their ARNs must name their own account (AWS-managed policies name `aws`) and
 * themselves: managed policies and instance profiles are found by ARN alone, so a copy kept under
 * another account, or under another name, stood in for the real one too.
 */
function findMisplacedResource(document: SnapshotDocument): Problem | undefined {
  const { scopes, resources } = document;
  const listed = new ScopedIndex<true>();
  for (const scope of scopes) listed.set(scope.account, scope.region, "", true);
  let lastType: string | undefined;
  let regional = false;
  let placed = false;
  for (let index = 0; index < resources.length; index += 1) {
    const resource = resources[index]!;
    if (resource.type !== lastType) {
      lastType = resource.type;
      regional = resourceTypeSpec(resource.type).regional;
      placed = regional && resource.type !== ResourceTypes.Trail;
    }
    const inPlace = regional
      ? !placed || listed.inScope(resource.account, resource.region) !== undefined
      : resource.region === GLOBAL_REGION;
    if (!inPlace) {
      const pointer = `/resources/${index}${regional ? "" : "/region"}`;
      const detail = regional
        ? `account ${resource.account} region ${resource.region} is not listed in /scopes, the regions that were collected`
        : `${resource.type} is global: its region must be "${GLOBAL_REGION}", found ${JSON.stringify(resource.region)}`;
      return { pointer, locate: pointer, atKey: false, resource: `${resource.type} ${resource.id}`, detail };
    }
    if (regional) continue;
    const foreign = foreignArn(resource);
    if (foreign !== undefined) {
      const pointer = `/resources/${index}/${foreign.field}`;
      return {
        pointer,
        locate: pointer,
        atKey: false,
        resource: `${resource.type} ${resource.id}`,
        detail: `its ARN ${foreign.arn} is not that of ${resource.id} in account ${resource.account}`,
      };
    }
    const repeated = repeatedInlinePolicy(resource);
    if (repeated !== undefined) {
      const pointer = `/resources/${index}/properties/${repeated.list}/${repeated.at}`;
      return {
        pointer,
        locate: pointer,
        atKey: false,
        resource: `${resource.type} ${resource.id}`,
        detail: `the inline policy ${JSON.stringify(repeated.name)} is listed again (first at ${repeated.list}/${repeated.first}); IAM keeps one document per name, and which one this principal has cannot be told`,
      };
    }
  }
  return undefined;
}

/**
 * A second inline policy of one name on a principal. IAM keeps one document per name, and live
 * collection lists each once; read as two, their grants were judged together, though the one a
 * principal has may lack the other's Deny or hold what the other lacks.
 */
function repeatedInlinePolicy(
  resource: Resource,
): { list: string; name: string; first: number; at: number } | undefined {
  const list = inlinePolicyKeyOf(resource.type);
  if (list === undefined) return undefined;
  const policies = resource.properties[list];
  if (!Array.isArray(policies) || policies.length < 2) return undefined;
  const seen = new Map<string, number>();
  for (let at = 0; at < policies.length; at += 1) {
    const policy = policies[at];
    const name = isPlainObject(policy) ? policy.PolicyName : undefined;
    if (typeof name !== "string") continue;
    const first = seen.get(name);
    if (first !== undefined) return { list, name, first, at };
    seen.set(name, at);
  }
  return undefined;
}

/**
 * A resource's properties take the describe API's names, and the canonical schema lists them
 * without closing the list (new API fields must not make a snapshot unreadable). A key that is
 * not listed but reads as a listed one once case, width and invisible characters are set aside
 * (`keyName`, `PublicIPAddress`, `ＫｅｙＮａｍｅ`) holds a value the rules never see: an instance
 * whose key pair or public address was written so was judged to have none, and preferences whose
 * `S3BucketName` input was capitalised were judged not to log at all. Such a snapshot is refused.
 * The objects the schema lists properties of are checked too (`State`, `Content.inputs`), not
 * lists of them. Keys are looked up as they are; only one that is not listed is folded.
 */
function findMisspeltProperty(document: SnapshotDocument): Problem | undefined {
  const { resources } = document;
  let lastType: string | undefined;
  let listed: ListedProperties | undefined;
  for (let index = 0; index < resources.length; index += 1) {
    const resource = resources[index]!;
    if (resource.type !== lastType) {
      lastType = resource.type;
      listed = listedPropertiesOf(resource.type);
    }
    const found = misspeltKey(resource.properties, listed!);
    if (found === undefined) continue;
    const pointer = `/resources/${index}/properties/${found.path.map(escapePointerToken).join("/")}`;
    return {
      pointer,
      locate: pointer,
      atKey: true,
      resource: `${resource.type} ${resource.id}`,
      detail: `property ${JSON.stringify(found.path.at(-1))} is ${found.meant} written another way (the rules read ${found.meant} only)`,
    };
  }
  return undefined;
}

/** The first key of `object`, or of a listed object inside it, that is a listed name written another way. */
function misspeltKey(
  object: JsonObject,
  listed: ListedProperties,
): { path: string[]; meant: string } | undefined {
  const { names, folded, objects } = listed;
  for (const key in object) {
    if (names.has(key)) continue;
    const meant = folded.get(foldPropertyName(key));
    if (meant !== undefined) return { path: [key], meant };
  }
  // By index: most resources list no such object, and those that do are judged by the thousand.
  for (let index = 0; index < objects.length; index += 1) {
    const name = objects[index]![0];
    const value = object[name];
    if (!isPlainObject(value)) continue;
    const found = misspeltKey(value, objects[index]![1]);
    if (found !== undefined) return { path: [name, ...found.path], meant: found.meant };
  }
  return undefined;
}

interface ListedProperties {
  names: ReadonlySet<string>;
  /** Each listed name by its folded form. */
  folded: ReadonlyMap<string, string>;
  /** The listed properties that are objects listing properties of their own. */
  objects: readonly (readonly [string, ListedProperties])[];
}

const typeProperties = new Map<string, ListedProperties>();

/** The properties the canonical schema lists for a type. */
function listedPropertiesOf(type: Resource["type"]): ListedProperties {
  let known = typeProperties.get(type);
  if (known === undefined) {
    const schema = loadSchema("resources.schema.json") as { $defs: Record<string, unknown> };
    known = listedIn(schema.$defs[resourceTypeSpec(type).schema]);
    typeProperties.set(type, known);
  }
  return known;
}

function listedIn(schema: unknown): ListedProperties {
  const properties = schemaProperties(schema);
  const names = Object.keys(properties);
  const objects: (readonly [string, ListedProperties])[] = [];
  for (const name of names) {
    const inner = properties[name];
    if (Object.keys(schemaProperties(inner)).length > 0) objects.push([name, listedIn(inner)]);
  }
  return {
    names: new Set(names),
    folded: new Map(names.map((name) => [foldPropertyName(name), name])),
    objects,
  };
}

/** A name without case, full-width letters as ASCII, and without whitespace or invisible characters. */
function foldPropertyName(name: string): string {
  return name
    .normalize("NFKC")
    .replace(/[\s\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]/gu, "")
    .toLowerCase();
}

/** An ARN an IAM resource holds (`arn` or its `Arn` property) that is not its own, and where. */
function foreignArn(resource: Resource): { field: string; arn: string } | undefined {
  const { arn } = resource;
  if (typeof arn === "string" && !isOwnArn(arn, resource)) return { field: "arn", arn };
  const named = resource.properties.Arn;
  if (typeof named === "string" && !isOwnArn(named, resource)) return { field: "properties/Arn", arn: named };
  return undefined;
}

/**
 * Whether an IAM resource's ARN names its account and its name: `…:role/path/<id>`. A managed
 * policy's ARN is its id, and may name `aws` (AWS-managed); an access key is named by its user's.
 */
function isOwnArn(arn: string, resource: Resource): boolean {
  const { type, id, account } = resource;
  if (type === ResourceTypes.ManagedPolicy) return arn === id && arnNamesAccount(arn, account, true);
  if (!arnNamesAccount(arn, account, false)) return false;
  if (type === ResourceTypes.AccessKey) return true;
  const nameStart = arn.length - id.length;
  return nameStart > 0 && arn.charCodeAt(nameStart - 1) === 0x2f /* / */ && arn.endsWith(id);
}

/** Whether the account field of `arn:partition:service:region:account:…` is `account` (or `aws`, if allowed). */
function arnNamesAccount(arn: string, account: string, awsOwned: boolean): boolean {
  let start = 0;
  for (let field = 0; field < 4; field += 1) {
    start = arn.indexOf(":", start) + 1;
    if (start === 0) return false;
  }
  const length = arn.indexOf(":", start) - start;
  if (length === account.length && arn.startsWith(account, start)) return true;
  return awsOwned && length === 3 && arn.startsWith("aws", start);
}

function schemaProperties(schema: unknown): Record<string, unknown> {
  return isPlainObject(schema) && isPlainObject(schema.properties) ? schema.properties : {};
}

function schemaDescription(schema: unknown): string | undefined {
  return isPlainObject(schema) && typeof schema.description === "string" ? schema.description : undefined;
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "object":
      return "an object";
    case "string":
      return value.length > 60 ? `${JSON.stringify(value.slice(0, 57))}…` : JSON.stringify(value);
    case "number":
    case "boolean":
      return String(value);
    case "undefined":
      return "nothing";
    default:
      return typeof value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapePointerToken(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

function unescapePointerToken(token: string): string {
  return token.replaceAll("~1", "/").replaceAll("~0", "~");
}

// ---------------------------------------------------------------------------------------------
// Positions in the text. Only computed on the error path, so a valid 50 MB snapshot is parsed once
// by JSON.parse and never scanned again.

/** 1-based line and column of a UTF-16 offset. */
function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let next = text.indexOf("\n"); next !== -1 && next < offset; next = text.indexOf("\n", next + 1)) {
    line += 1;
    lineStart = next + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function locateProblem(text: string, problem: Problem): SourcePosition | undefined {
  const found = locatePointer(text, problem.locate);
  if (!found) return undefined;
  return positionAt(
    text,
    problem.atKey && found.keyOffset !== undefined ? found.keyOffset : found.valueOffset,
  );
}

/**
 * Finds where the value at a JSON pointer starts in text that is known to be valid JSON. Like
 * JSON.parse, the last of duplicate keys wins.
 */
function locatePointer(
  text: string,
  pointer: string,
): { valueOffset: number; keyOffset?: number } | undefined {
  const tokens = pointer === "" ? [] : pointer.slice(1).split("/").map(unescapePointerToken);
  let offset = skipWhitespace(text, 0);
  let keyOffset: number | undefined;
  for (const token of tokens) {
    const open = text[offset];
    if (open === "{") {
      let match: { value: number; key: number } | undefined;
      let cursor = skipWhitespace(text, offset + 1);
      while (text[cursor] === '"') {
        const keyEnd = skipString(text, cursor);
        const key = JSON.parse(text.slice(cursor, keyEnd)) as string;
        const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
        if (key === token) match = { value: valueStart, key: cursor };
        cursor = skipWhitespace(text, skipValue(text, valueStart));
        if (text[cursor] === ",") cursor = skipWhitespace(text, cursor + 1);
      }
      if (!match) return undefined;
      offset = match.value;
      keyOffset = match.key;
    } else if (open === "[") {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      let cursor = skipWhitespace(text, offset + 1);
      for (let index = Number(token); index > 0; index -= 1) {
        if (text[cursor] === "]" || cursor >= text.length) return undefined;
        cursor = skipWhitespace(text, skipValue(text, cursor));
        if (text[cursor] !== ",") return undefined;
        cursor = skipWhitespace(text, cursor + 1);
      }
      if (text[cursor] === "]" || cursor >= text.length) return undefined;
      offset = cursor;
      keyOffset = undefined;
    } else {
      return undefined;
    }
  }
  return { valueOffset: offset, keyOffset };
}

function isWhitespace(char: string | undefined): boolean {
  return char === " " || char === "\n" || char === "\r" || char === "\t";
}

function skipWhitespace(text: string, offset: number): number {
  let cursor = offset;
  while (isWhitespace(text[cursor])) cursor += 1;
  return cursor;
}

/** Offset just past the string that starts at `offset` (on its opening quote). */
function skipString(text: string, offset: number): number {
  let cursor = offset + 1;
  for (;;) {
    const quote = text.indexOf('"', cursor);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text[quote - 1 - backslashes] === "\\") backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    cursor = quote + 1;
  }
}

/** Offset just past the (valid) value that starts at `offset`. */
function skipValue(text: string, offset: number): number {
  const first = text[offset];
  if (first === '"') return skipString(text, offset);
  if (first === "{" || first === "[") {
    let depth = 0;
    let cursor = offset;
    while (cursor < text.length) {
      const char = text[cursor];
      if (char === '"') {
        cursor = skipString(text, cursor);
        continue;
      }
      if (char === "{" || char === "[") depth += 1;
      else if (char === "}" || char === "]") {
        depth -= 1;
        if (depth === 0) return cursor + 1;
      }
      cursor += 1;
    }
    return cursor;
  }
  let cursor = offset;
  while (cursor < text.length && !isWhitespace(text[cursor]) && !",}]".includes(text[cursor] ?? ""))
    cursor += 1;
  return cursor;
}

// ---------------------------------------------------------------------------------------------
// JSON syntax errors. V8's messages differ between Node versions and often carry no position,
// so the text is scanned again (only after JSON.parse has failed) to find the first error.

function syntaxError(text: string, fileName: string, cause: unknown): InputError {
  const found = findSyntaxError(text);
  if (!found) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new InputError(`${fileName}: not valid JSON: ${reason}`, { cause });
  }
  const { line, column } = positionAt(text, found.offset);
  return new InputError(`${formatLocation(fileName, line, column)}: not valid JSON: ${found.message}`, {
    cause,
  });
}

interface SyntaxProblem {
  offset: number;
  message: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ["true", "false", "null"] as const;
const WORD = /[A-Za-z0-9_.+-]+/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

/** The first syntax error in `text`, or undefined when it is valid JSON. Iterative: no depth limit. */
function findSyntaxError(text: string): SyntaxProblem | undefined {
  const containers: ("object" | "array")[] = [];
  let cursor = 0;

  const ended = (): SyntaxProblem => {
    const inside = containers.at(-1);
    const where = inside ? ` inside ${inside === "object" ? "an object" : "an array"}` : "";
    return {
      offset: text.trimEnd().length,
      message: `the file ends unexpectedly${where} (is it truncated?)`,
    };
  };
  const unexpected = (what: string): SyntaxProblem => ({
    offset: cursor,
    message: `${what}, found ${JSON.stringify(text[cursor])}`,
  });

  // Scans a string starting at `cursor`; returns a problem or moves `cursor` past it.
  const scanString = (): SyntaxProblem | undefined => {
    cursor += 1;
    for (;;) {
      if (cursor >= text.length)
        return {
          offset: text.length,
          message: "the file ends unexpectedly inside a string (is it truncated?)",
        };
      const char = text.charCodeAt(cursor);
      if (char === 0x22) {
        cursor += 1;
        return undefined;
      }
      if (char < 0x20)
        return { offset: cursor, message: "a string contains an unescaped control character or line break" };
      if (char === 0x5c) {
        const escaped = text[cursor + 1];
        if (escaped === undefined) return ended();
        if (escaped === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(cursor + 2, cursor + 6))) {
            return cursor + 6 > text.length
              ? ended()
              : { offset: cursor, message: "invalid \\u escape in a string" };
          }
          cursor += 6;
          continue;
        }
        if (!ESCAPES.has(escaped))
          return { offset: cursor, message: `invalid escape \\${escaped} in a string` };
        cursor += 2;
        continue;
      }
      cursor += 1;
    }
  };

  // Expects an object key and the colon after it.
  const scanKey = (): SyntaxProblem | undefined => {
    cursor = skipWhitespace(text, cursor);
    if (cursor >= text.length) return ended();
    if (text[cursor] !== '"') return unexpected("expected a property name in double quotes");
    const problem = scanString();
    if (problem) return problem;
    cursor = skipWhitespace(text, cursor);
    if (cursor >= text.length) return ended();
    if (text[cursor] !== ":") return unexpected("expected ':' after a property name");
    cursor += 1;
    return undefined;
  };

  for (;;) {
    // A value is expected at `cursor`.
    cursor = skipWhitespace(text, cursor);
    if (cursor >= text.length) return ended();
    const char = text[cursor];
    if (char === "{") {
      cursor = skipWhitespace(text, cursor + 1);
      if (text[cursor] === "}") {
        cursor += 1;
      } else {
        containers.push("object");
        const problem = scanKey();
        if (problem) return problem;
        continue;
      }
    } else if (char === "[") {
      cursor = skipWhitespace(text, cursor + 1);
      if (text[cursor] === "]") {
        cursor += 1;
      } else {
        containers.push("array");
        continue;
      }
    } else if (char === '"') {
      const problem = scanString();
      if (problem) return problem;
    } else if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) {
      NUMBER.lastIndex = cursor;
      const match = NUMBER.exec(text);
      if (!match) return cursor + 1 >= text.length ? ended() : unexpected("expected a number");
      cursor += match[0].length;
    } else {
      const literal = LITERALS.find((word) => word[0] === char);
      if (literal === undefined) return unexpected("expected a value");
      if (text.startsWith(literal, cursor)) cursor += literal.length;
      else if (literal.startsWith(text.slice(cursor).trimEnd())) return ended();
      else {
        WORD.lastIndex = cursor;
        const word = WORD.exec(text)?.[0] ?? char;
        return { offset: cursor, message: `expected a value, found ${JSON.stringify(word)}` };
      }
    }

    // After a value: close containers or move to the next element.
    for (;;) {
      cursor = skipWhitespace(text, cursor);
      const inside = containers.at(-1);
      if (inside === undefined) {
        return cursor < text.length ? unexpected("expected the end of the file") : undefined;
      }
      if (cursor >= text.length) return ended();
      const next = text[cursor];
      if (next === ",") {
        cursor += 1;
        if (inside === "object") {
          const problem = scanKey();
          if (problem) return problem;
        }
        break;
      }
      if ((inside === "object" && next === "}") || (inside === "array" && next === "]")) {
        containers.pop();
        cursor += 1;
        continue;
      }
      return unexpected(
        inside === "object"
          ? "expected ',' or '}' after a property value"
          : "expected ',' or ']' after an array element",
      );
    }
  }
}
