import { inlinePolicyKeyOf } from "../model/resource-types.js";
import { unknownValue, type UnknownValue } from "../model/unknown.js";
import {
  GLOBAL_REGION,
  type JsonObject,
  type Resource,
  type ResourceType,
  type SourceKind,
} from "../model/resource.js";
import type { SourcePosition } from "../util/source-position.js";
import type { MapNode, SeqNode } from "./positioned/node.js";

/**
 * What CloudFormation templates and Terraform plans share once read: placeholder identities for
 * what only exists after deployment, and the recording of where each canonical property was
 * written. See docs/templates.md.
 */

/**
 * The partition of template resources' placeholder ARNs: a template or plan does not say where it
 * will be deployed, and `AWS::Partition` stands for this value.
 */
export const PLACEHOLDER_PARTITION = "aws";

/**
 * The placeholder account of one template or plan: twelve digits starting with `0000`, derived
 * from the file's path. Each file gets its own, so that two stacks which both define an
 * `InstanceRole` never see each other's role through relations (which match by account and
 * name); the path keeps it stable from run to run, which SARIF fingerprints rely on.
 */
export function placeholderAccount(file: string): string {
  // FNV-1a, 32 bits: small, deterministic, and plenty for telling a run's files apart.
  let hash = 0x811c9dc5;
  const normalized = file.replaceAll("\\", "/");
  for (let index = 0; index < normalized.length; index += 1) {
    hash ^= normalized.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `0000${String(hash % 100_000_000).padStart(8, "0")}`;
}

/**
 * Property paths are built for every property of every resource, and repeat from one resource to
 * the next (`IpPermissions[0].IpRanges[0].CidrIp`), so each is built once and then looked up.
 */
const interned = new Map<string, string>();
const fields = new Map<string, Map<string, string>>();
const indexes = new Map<string, string[]>();
const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function internPath(path: string): string {
  const known = interned.get(path);
  if (known !== undefined) return known;
  interned.set(path, path);
  return path;
}

/** `base` + `.name`, or just `name` at the top (quoted when it is not a plain name). */
export function fieldPath(base: string, name: string): string {
  let byName = fields.get(base);
  if (byName === undefined) fields.set(base, (byName = new Map<string, string>()));
  let path = byName.get(name);
  if (path === undefined) {
    const segment = SIMPLE_NAME.test(name) ? name : JSON.stringify(name);
    path = internPath(base === "" ? segment : `${base}.${segment}`);
    byName.set(name, path);
  }
  return path;
}

export function indexPath(base: string, index: number): string {
  let byIndex = indexes.get(base);
  if (byIndex === undefined) indexes.set(base, (byIndex = []));
  return (byIndex[index] ??= internPath(`${base}[${index}]`));
}

/**
 * Paths located together, each at the key with the same index in `keys` of one mapping: the parts
 * of a security group rule are a handful of paths at its keys, and tens of thousands of rules in
 * a large template share a few such layouts. Recorded as one entry (`setKeysAt`).
 */
export interface KeyedPaths {
  readonly paths: readonly string[];
  readonly keys: readonly number[];
}

/**
 * The recorded positions of many resources, one after another: the resources of one file record
 * into one store, so that each does not grow lists of its own (ten thousand groups of a large
 * template would otherwise keep twenty thousand half-empty lists).
 */
export class PositionStore {
  /** The path of each entry, or the paths it holds the positions of together. */
  readonly paths: (string | KeyedPaths)[] = [];
  /**
   * The line and column of each path as `line * COLUMNS + column` (a column of 0 stands for
   * none), exact for every file this tool reads; a position beyond that range is kept in `wide`
   * and stands here as `-1 - its index there`. For an entry of several paths, where their lines
   * and columns start in `lines`. Typed, and grown by doubling, so that the garbage collector
   * neither scans nor moves them; filled up to the length of `paths`.
   */
  places = new Float64Array(256);
  readonly wide: SourcePosition[] = [];
  /** Line and column, interleaved, of each path of the entries of several paths. */
  lines = new Int32Array(256);
  linesFilled = 0;

  /** Stores `path` at `place`; returns its entry. */
  push(path: string | KeyedPaths, place: number): number {
    const entry = this.paths.length;
    if (entry === this.places.length) {
      const larger = new Float64Array(2 * entry);
      larger.set(this.places);
      this.places = larger;
    }
    this.places[entry] = place;
    this.paths.push(path);
    return entry;
  }

  /** Room for `count` more numbers in `lines`; returns where they go. */
  reserveLines(count: number): number {
    const start = this.linesFilled;
    if (start + count > this.lines.length) {
      const larger = new Int32Array(Math.max(2 * this.lines.length, start + count));
      larger.set(this.lines);
      this.lines = larger;
    }
    this.linesFilled = start + count;
    return start;
  }
}

/**
 * The positions of a resource's canonical properties, keyed by their path (as in
 * `ResourceSource.positions`). The first position recorded for a path wins: a property is
 * located where it was first written.
 *
 * A large template records tens of positions for each of thousands of resources, and reporters
 * look up only those of the few properties that findings point at. So they are kept as plain
 * numbers in a store (line and column in one number), as runs of entries there, and the record
 * of `SourcePosition`s is built the first time it is read.
 */
export class PositionRecorder {
  /**
   * Where this recorder's entries are in the store: the first run of entries (from `runStart` up
   * to `runEnd`, -1 for none), then the start and end of each further run, in order. A resource's
   * entries are mostly one run, recorded while its normalizer runs; a list of runs for each of ten
   * thousand groups was an array of sixteen slots apiece, all kept until the run ends.
   */
  private runStart = -1;
  private runEnd = -1;
  private moreRuns: number[] | undefined = undefined;
  private record: Record<string, SourcePosition> | undefined;

  constructor(private readonly store: PositionStore = new PositionStore()) {}

  set(path: string, position: SourcePosition | undefined): void {
    if (position === undefined) return;
    this.add(path, position.line, position.column ?? 0);
  }

  /**
   * Records the position of the key at `index` of a mapping, or of the item at `index` of a
   * sequence: the same as `set(path, positionAt(node, index))`, without building the position.
   */
  setAt(path: string, node: MapNode | SeqNode, index: number): void {
    const at = node.offset + 2 * index;
    this.add(path, node.positions[at] ?? node.line, node.positions[at + 1] ?? node.column);
  }

  /**
   * Records each of `located.paths` at the key with the same index in `located.keys` of `map`: the
   * same as a `setAt` for each in turn, as one entry of the store.
   */
  setKeysAt(located: KeyedPaths, map: MapNode): void {
    const { paths, keys } = located;
    if (this.record !== undefined) {
      for (let index = 0; index < paths.length; index += 1) this.setAt(paths[index]!, map, keys[index]!);
      return;
    }
    const { store } = this;
    const start = store.reserveLines(2 * paths.length);
    const { lines } = store;
    const { positions, offset } = map;
    for (let index = 0; index < paths.length; index += 1) {
      const at = offset + 2 * keys[index]!;
      lines[start + 2 * index] = positions[at] ?? map.line;
      lines[start + 2 * index + 1] = positions[at + 1] ?? map.column;
    }
    this.extendRuns(store.push(located, start));
  }

  private add(path: string, line: number, column: number): void {
    if (this.record !== undefined) {
      if (!(path in this.record)) this.record[path] = place(line, column);
      return;
    }
    const { store } = this;
    let entry: number;
    if (line >= 0 && line < MAX_PACKED_LINE && column >= 0 && column < COLUMNS)
      entry = store.push(path, line * COLUMNS + column);
    else {
      store.wide.push(place(line, column));
      entry = store.push(path, -store.wide.length);
    }
    this.extendRuns(entry);
  }

  private extendRuns(entry: number): void {
    // The entry continues this recorder's last run when nothing was stored in between.
    const more = this.moreRuns;
    if (more === undefined) {
      if (this.runEnd === entry) this.runEnd = entry + 1;
      else if (this.runEnd === -1) {
        this.runStart = entry;
        this.runEnd = entry + 1;
      } else this.moreRuns = [entry, entry + 1];
    } else if (more[more.length - 1] === entry) more[more.length - 1] = entry + 1;
    else more.push(entry, entry + 1);
  }

  /** The positions recorded so far, by path (built once, then kept up to date). */
  get positions(): Readonly<Record<string, SourcePosition>> {
    if (this.record === undefined) {
      const record = Object.create(null) as Record<string, SourcePosition>;
      const runs = this.runEnd === -1 ? [] : [this.runStart, this.runEnd, ...(this.moreRuns ?? [])];
      const { paths, places, wide, lines } = this.store;
      for (let run = 0; run < runs.length; run += 2) {
        for (let entry = runs[run]!; entry < runs[run + 1]!; entry += 1) {
          const path = paths[entry]!;
          if (typeof path !== "string") {
            const start = places[entry]!;
            path.paths.forEach((each, index) => {
              if (!(each in record))
                record[each] = place(lines[start + 2 * index]!, lines[start + 2 * index + 1]!);
            });
            continue;
          }
          if (path in record) continue;
          const packed = places[entry]!;
          if (packed < 0) {
            record[path] = wide[-1 - packed]!;
            continue;
          }
          const line = Math.floor(packed / COLUMNS);
          record[path] = place(line, packed - line * COLUMNS);
        }
      }
      this.record = record;
      this.runStart = -1;
      this.runEnd = -1;
      this.moreRuns = undefined;
    }
    return this.record;
  }

  /** Copies the positions recorded under `from` (a path prefix) to the same paths under `to`. */
  copyFrom(other: Readonly<Record<string, SourcePosition>>, from: string, to: string): void {
    for (const [path, position] of Object.entries(other)) {
      if (path === from) this.set(to, position);
      else if (path.startsWith(from) && (path[from.length] === "." || path[from.length] === "["))
        this.set(internPath(to + path.slice(from.length)), position);
    }
  }
}

/**
 * Columns and lines a packed position holds: files are read up to 64 MiB (2^26 characters), so
 * every line and column is below these, and `line * COLUMNS + column` stays below 2^53, where
 * numbers are exact.
 */
const COLUMNS = 2 ** 27;
const MAX_PACKED_LINE = 2 ** 26;

function place(line: number, column: number): SourcePosition {
  return column === 0 ? { line } : { line, column };
}

export interface IacResourceInput {
  type: ResourceType;
  id: string;
  kind: SourceKind;
  file: string;
  account: string;
  region: string;
  address: string;
  position: SourcePosition;
  properties: JsonObject;
  recorder: PositionRecorder;
}

/** Where a template or plan resource's source keeps its recorder (not enumerable). */
const RECORDER = Symbol("position recorder");

function recordedPositions(this: { [RECORDER]: PositionRecorder }): Readonly<Record<string, SourcePosition>> {
  return this[RECORDER].positions;
}

/**
 * A canonical resource read from a file. It has no `arn`: its ARN would hold placeholders, and
 * reporters show the logical id or address in its place. IAM resources are global, as live.
 */
export function iacResource(input: IacResourceInput, global: boolean): Resource {
  const source: Resource["source"] = {
    kind: input.kind,
    file: input.file,
    line: input.position.line,
    address: input.address,
  };
  // The positions are built when a reporter first looks one up: most resources are never
  // located. One getter shared by every resource, reading the recorder from a hidden field, keeps
  // the sources in one shape; a getter written in the literal would be a function per resource
  // and put each source in a slow dictionary of its own.
  Object.defineProperty(source, RECORDER, { value: input.recorder });
  Object.defineProperty(source, "positions", {
    get: recordedPositions,
    enumerable: true,
    configurable: true,
  });
  if (input.position.column !== undefined) source.column = input.position.column;
  return {
    type: input.type,
    id: input.id,
    account: input.account,
    region: global ? GLOBAL_REGION : input.region,
    source,
    properties: input.properties,
  };
}

/**
 * IAM users, roles or groups of a template or plan by name. IAM keeps names unique regardless of
 * case and finds `sessionoperator` as the role SessionOperator, so a policy or membership that
 * names a principal in another case applies to it: looked up only by the exact name, the policy
 * would be left out and the principal judged without it.
 */
export class PrincipalNames<Value> extends Map<string, Value> {
  private readonly byFoldedName = new Map<string, Value>();

  override set(name: string, value: Value): this {
    this.byFoldedName.set(name.toLowerCase(), value);
    return super.set(name, value);
  }

  /** The principal named `name`, in this case or another. */
  named(name: string): Value | undefined {
    return super.get(name) ?? this.byFoldedName.get(name.toLowerCase());
  }
}

/** What `recordRelatedPolicyPositions` needs of a principal or managed policy being built. */
export interface PolicyHolder {
  type: ResourceType;
  /** The file the holder's positions refer to. */
  file: string;
  properties: JsonObject;
  recorder: PositionRecorder;
}

/**
 * Rules about principals read `related.Policies`, which relations (`model/relations.ts`) build as:
 * inline policies, attached managed policies, then, for users, each group's inline and managed
 * policies in `GroupList` order. The same order is followed here, so that a finding on a
 * statement points at the line it is written on. Positions are only copied within one file.
 */
export function recordRelatedPolicyPositions(
  principals: Iterable<PolicyHolder>,
  groupsByName: ReadonlyMap<string, PolicyHolder>,
  managedByArn: ReadonlyMap<string, PolicyHolder>,
): void {
  const own = (target: PolicyHolder, from: PolicyHolder, start: number): number => {
    let index = start;
    const inlineKey = inlinePolicyKeyOf(from.type);
    const inline = inlineKey === undefined ? undefined : from.properties[inlineKey];
    const sameFile = target.file === from.file;
    if (Array.isArray(inline) && inlineKey !== undefined) {
      inline.forEach((_, item) => {
        const base = indexPath("related.Policies", index++);
        const itemPath = indexPath(inlineKey, item);
        if (!sameFile) return;
        target.recorder.set(base, from.recorder.positions[itemPath]);
        target.recorder.copyFrom(
          from.recorder.positions,
          fieldPath(itemPath, "PolicyDocument"),
          fieldPath(base, "Document"),
        );
      });
    }
    const managed = from.properties.AttachedManagedPolicies;
    if (Array.isArray(managed)) {
      managed.forEach((attached, item) => {
        const base = indexPath("related.Policies", index++);
        if (sameFile)
          target.recorder.set(base, from.recorder.positions[indexPath("AttachedManagedPolicies", item)]);
        const arn =
          attached !== null && typeof attached === "object" && !Array.isArray(attached)
            ? attached.PolicyArn
            : undefined;
        const policy = typeof arn === "string" ? managedByArn.get(arn) : undefined;
        if (policy && policy.file === target.file)
          target.recorder.copyFrom(
            policy.recorder.positions,
            "PolicyVersionList[0].Document",
            fieldPath(base, "Document"),
          );
      });
    }
    return index;
  };
  for (const principal of principals) {
    let index = own(principal, principal, 0);
    if (principal.type !== "AWS::IAM::User") continue;
    const groups = principal.properties.GroupList;
    if (!Array.isArray(groups)) continue;
    for (const name of groups) {
      const group = typeof name === "string" ? groupsByName.get(name) : undefined;
      if (group) index = own(principal, group, index);
    }
  }
}

/**
 * A security group that a separate rule resource names but the file does not define: the rule is
 * checked as a group of its own, so that what it opens is judged rather than dropped.
 */
export function standInSecurityGroup(groupId: string, account: string): JsonObject {
  return {
    GroupId: groupId,
    GroupName: groupId,
    OwnerId: account,
    IpPermissions: [],
    IpPermissionsEgress: [],
  };
}

/**
 * Whether an instance's SSM Agent registers with Systems Manager is known only once it runs. A
 * template or plan instance gets a managed-instance record saying so, so that rules about registration
 * report that they cannot decide, rather than that the record is missing.
 */
export function notYetRegistered(id: string): JsonObject {
  return {
    InstanceId: id,
    ResourceType: "EC2Instance",
    PingStatus: unknownValue(
      `whether the SSM Agent of ${id} registers with Systems Manager is known only once the instance runs`,
    ),
  };
}

/**
 * The entry a role, user or group lists for a managed policy it attaches, as
 * GetAccountAuthorizationDetails shows it. Relations name a policy by its `PolicyName`: the name
 * of a policy defined in the same file, else the last part of its ARN; a policy whose ARN is
 * unknown can only be described.
 */
export function attachedPolicyEntry(
  policyArn: string | UnknownValue,
  definedName: (arn: string) => string | undefined,
): JsonObject {
  if (typeof policyArn !== "string") {
    return {
      PolicyName: `(a managed policy whose ARN is unknown: ${policyArn.$unknown})`,
      PolicyArn: policyArn,
    };
  }
  return {
    PolicyName: definedName(policyArn) ?? policyArn.slice(policyArn.lastIndexOf("/") + 1),
    PolicyArn: policyArn,
  };
}
