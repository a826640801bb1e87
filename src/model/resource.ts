import type { SourceKind } from "./source-kinds.js";
import type { SourcePosition } from "../util/source-position.js";

/**
 * The canonical resource: one shape per resource type whatever the source, so that rules are
 * written once. `properties` is the describe-API shape (PascalCase, as the AWS CLI and SDK v3
 * return it) with IAM policy documents decoded to objects and SSM document `Content` parsed.
 */

/** Resource types are named by their CloudFormation / AWS Config type. */
export const ResourceTypes = {
  SecurityGroup: "AWS::EC2::SecurityGroup",
  Instance: "AWS::EC2::Instance",
  Role: "AWS::IAM::Role",
  User: "AWS::IAM::User",
  Group: "AWS::IAM::Group",
  ManagedPolicy: "AWS::IAM::Policy",
  InstanceProfile: "AWS::IAM::InstanceProfile",
  ManagedInstance: "AWS::SSM::ManagedInstanceInventory",
  SessionPreferences: "AWS::SSM::Document",
  AccessKey: "AWS::IAM::AccessKey",
  Trail: "AWS::CloudTrail::Trail",
  EventRule: "AWS::Events::Rule",
} as const;

export type ResourceType = (typeof ResourceTypes)[keyof typeof ResourceTypes];

export const ALL_RESOURCE_TYPES: readonly ResourceType[] = Object.values(ResourceTypes);

export function isResourceType(value: string): value is ResourceType {
  return (ALL_RESOURCE_TYPES as readonly string[]).includes(value);
}

export type { SourceKind } from "./source-kinds.js";

export interface ResourceSource {
  kind: SourceKind;
  /** File the resource was read from (templates, plans), relative to the working directory. */
  file?: string;
  /** Line of the resource's definition in `file`. */
  line?: number;
  column?: number;
  /** Logical id (CloudFormation) or address (Terraform). */
  address?: string;
  /**
   * Positions of properties inside `file`, keyed by their path in `properties`
   * (`IpPermissions[0].IpRanges[1].CidrIp`), so a finding can point at the offending line.
   */
  positions?: Record<string, SourcePosition>;
  /**
   * Not read from the source: the resource stands for what AWS applies when it does not exist
   * (the default Session Manager preferences of a region without a preferences document).
   */
  defaulted?: boolean;
  /**
   * Waivers written in the source next to the resource (CloudFormation:
   * `Metadata: { access-baseline: { waivers: [...] } }`), one per entry, copied as written: the
   * engine checks their shape (`engine/waivers.ts`), so that a malformed waiver is reported at its
   * line instead of silently waiving nothing.
   */
  waivers?: SourceWaiver[];
}

/**
 * One waiver entry from a source, as written: expected to be `{ rule, reason, owner, expires }`.
 * A source that finds `waivers` (or its parent) holding something other than a list of mappings
 * passes that value as a single entry, and the engine reports it as malformed.
 */
export interface SourceWaiver {
  entry: JsonValue;
  /**
   * What is wrong with where the entry was written, when the source found it: reported as the
   * waiver's problem, in place of reading the entry.
   */
  problem?: string;
  /** Position of the entry in `ResourceSource.file`. */
  line?: number;
  column?: number;
}

/** The global pseudo-region IAM resources live in. */
export const GLOBAL_REGION = "global";

/** The region of template and plan resources whose file does not name one: deployed to a region it does not say. */
export const UNKNOWN_REGION = "unknown";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface Resource {
  type: ResourceType;
  /** The resource's own id: `GroupId`, `InstanceId`, `RoleName`, the policy ARN, the document name. */
  id: string;
  arn?: string;
  account: string;
  /** An AWS region, or `global` for IAM. */
  region: string;
  source: ResourceSource;
  /** The describe-API shape. */
  properties: JsonObject;
}

/** What identifies a resource: the fields `resourceIdentity` reads. */
export interface ResourceIdentityFields {
  type: string;
  id: string;
  account: string;
  region: string;
  source: Pick<ResourceSource, "file" | "address">;
}

/**
 * The one key that tells resources apart within a run, across the inventory, its results, the
 * waivers that apply to them and the report's grouping. Type, id, account and region say what
 * the resource is; a planned resource's file and address say which definition it comes from, since
 * two templates may define the same logical id in the same placeholder account. (Fingerprints
 * hash their own stable identity on purpose: see `report/fingerprint.ts`.)
 */
export function resourceIdentity(resource: ResourceIdentityFields): string {
  const { source } = resource;
  return JSON.stringify([
    resource.type,
    resource.id,
    resource.account,
    resource.region,
    source.file ?? "",
    source.address ?? "",
  ]);
}
