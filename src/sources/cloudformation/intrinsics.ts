import { arnOf as arnOfType } from "../../model/resource-types.js";
import { ResourceTypes, type JsonValue, type ResourceType } from "../../model/resource.js";
import { isUnknown, unknownValue, type UnknownValue } from "../../model/unknown.js";
import { fieldPath, indexPath, type PositionRecorder } from "../iac.js";
import { isMapNode, isSeqNode, member, type MapNode, type PositionedValue } from "../positioned/node.js";
import type { Template, TemplateResource } from "./template.js";
import { defineField } from "../../util/own-field.js";

/**
 * Intrinsic functions, resolved as far as the template itself allows before deployment. What
 * cannot be known (a parameter without a default, an attribute AWS assigns, another stack's
 * export) becomes an unknown marker whose text says why, phrased for the property it ends up in:
 * "CidrIp comes from parameter AllowedCidr, which has no default".
 *
 * Physical ids and names AWS would assign are replaced by placeholders built from the logical id
 * (see `physicalName`), so that references between resources of one template still match: an
 * instance's `!Ref WebSecurityGroup` and the group's own id are the same string.
 */

/** `AWS::NoValue`: the property (or list item) is left out. */
export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");

/** A value after intrinsic functions at its top were applied. */
export type Resolved = PositionedValue | JsonValue | typeof NO_VALUE;

export interface Placeholders {
  account: string;
  region: string;
  partition: string;
  /** The stack name `AWS::StackName` stands for. */
  stackName: string;
}

/** Why a value is unknown, so that it can be phrased for the property it ends up in. */
class Cause {
  constructor(
    readonly source: string,
    readonly state: string,
    readonly verb = "comes from",
  ) {}

  render(what: string): string {
    return what === ""
      ? `${this.source} ${this.state}`
      : `${what} ${this.verb} ${this.source}, which ${this.state}`;
  }
}

/**
 * Template types the resource-type registry models, by the type the registry knows them as (a
 * template's `AWS::IAM::ManagedPolicy` is the registry's `AWS::IAM::Policy`): their ARNs come
 * from the registry; the others this file builds itself.
 */
const REGISTERED_TYPES: Readonly<Record<string, ResourceType>> = {
  "AWS::EC2::SecurityGroup": ResourceTypes.SecurityGroup,
  "AWS::EC2::Instance": ResourceTypes.Instance,
  "AWS::IAM::Role": ResourceTypes.Role,
  "AWS::IAM::User": ResourceTypes.User,
  "AWS::IAM::Group": ResourceTypes.Group,
  "AWS::IAM::ManagedPolicy": ResourceTypes.ManagedPolicy,
  "AWS::IAM::InstanceProfile": ResourceTypes.InstanceProfile,
  "AWS::SSM::Document": ResourceTypes.SessionPreferences,
};
const ASSIGNED_IDS: ReadonlySet<ResourceType> = new Set([
  ResourceTypes.SecurityGroup,
  ResourceTypes.Instance,
]);

/** Functions resolved one inside another beyond this depth can only be a value that refers to itself. */
const MAX_NESTING = 256;

const PSEUDO_UNKNOWN = new Set(["AWS::NotificationARNs"]);
/**
 * The pseudo parameters `pseudo` gives a value for, each mapped to itself: a name read from the
 * template is a string of its own, which the cases of a switch compare character by character
 * (four names of the same length before `AWS::StackName`, for every group named with
 * `${AWS::StackName}`); the name found here is the constant itself, compared by identity.
 */
const PSEUDO_NAMES: ReadonlyMap<string, string> = new Map(
  ["AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::URLSuffix", "AWS::StackName", "AWS::StackId"].map(
    (name) => [name, name],
  ),
);
const DEPLOYMENT_VALUES = new Set(["AWS::AccountId", "AWS::Region", "AWS::StackName", "AWS::StackId"]);

/** Resource types whose `Ref` is a name they take from a property (else the logical id). */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  "AWS::IAM::Role": "RoleName",
  "AWS::IAM::User": "UserName",
  "AWS::IAM::Group": "GroupName",
  "AWS::IAM::InstanceProfile": "InstanceProfileName",
  "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
  "AWS::SSM::Document": "Name",
  "AWS::S3::Bucket": "BucketName",
  "AWS::Logs::LogGroup": "LogGroupName",
  "AWS::KMS::Alias": "AliasName",
  "AWS::SNS::Topic": "TopicName",
  "AWS::SQS::Queue": "QueueName",
  "AWS::Lambda::Function": "FunctionName",
  "AWS::EC2::KeyPair": "KeyName",
};

export class Resolver {
  private readonly causes = new Map<object, Cause>();
  private readonly markers = new Map<string, UnknownValue>();
  private readonly markersByCause = new Map<
    string,
    Map<string, Map<string | undefined, Map<string, UnknownValue>>>
  >();
  private readonly conditionValues = new Map<string, boolean | UnknownValue>();
  private readonly parameterMarkers = new Map<string, Map<string, UnknownValue>>();
  private readonly inProgress = new Set<string>();
  /** Set while a condition's `Fn::Equals` operands are resolved. */
  private comparing = false;
  /** Resolutions under way, one inside another. */
  private nesting = 0;
  /**
   * The last `Fn::FindInMap` written with three plain keys, and the value it found: a large
   * template repeats one lookup (a network's CIDR) in thousands of rules, and the mappings do not
   * change while the template is read.
   */
  private lastLookup: FoundInMap | undefined = undefined;

  constructor(
    readonly template: Template,
    readonly placeholders: Placeholders,
  ) {}

  /**
   * A marker for `what`, remembering its cause. Markers with the same text are one shared object
   * (a parameter used by ten thousand resources makes one marker, not ten thousand).
   */
  unknown(what: string, source: string, state: string, verb?: string): UnknownValue {
    // Looked up by its parts first: the same cause reached again (a parameter without a default
    // that ten thousand resources use) costs no new cause and no new text.
    const byWhat = this.markersByCause.get(source)?.get(state)?.get(verb);
    const seen = byWhat?.get(what);
    if (seen) return seen;
    const cause = new Cause(source, state, verb);
    const text = cause.render(what);
    let marker = this.markers.get(text);
    if (!marker) {
      marker = unknownValue(text);
      this.markers.set(text, marker);
      this.causes.set(marker, cause);
    }
    if (byWhat) byWhat.set(what, marker);
    else this.rememberByCause(source, state, verb).set(what, marker);
    return marker;
  }

  private rememberByCause(
    source: string,
    state: string,
    verb: string | undefined,
  ): Map<string, UnknownValue> {
    let byState = this.markersByCause.get(source);
    if (!byState)
      this.markersByCause.set(
        source,
        (byState = new Map<string, Map<string | undefined, Map<string, UnknownValue>>>()),
      );
    let byVerb = byState.get(state);
    if (!byVerb) byState.set(state, (byVerb = new Map<string | undefined, Map<string, UnknownValue>>()));
    let byWhat = byVerb.get(verb);
    if (!byWhat) byVerb.set(verb, (byWhat = new Map<string, UnknownValue>()));
    return byWhat;
  }

  /** The cause of a marker made here, phrased on its own ("parameter Env has no default"). */
  explain(marker: UnknownValue): string {
    return this.causes.get(marker)?.render("") ?? marker.$unknown;
  }

  // -------------------------------------------------------------------------------------------
  // Resolution

  /** Applies the intrinsic functions at the top of `value` until a plain value is left. */
  shallow(value: Resolved | undefined, what: string): Resolved | undefined {
    // Most values asked for are plain text and numbers, which hold no function to apply.
    if (typeof value !== "object" || value === null) return value;
    // A value that refers to itself through nested functions (a parameter whose default is
    // `!Sub "${Itself}"`) would otherwise recurse until the stack overflows.
    if (this.nesting > MAX_NESTING)
      return this.unknown(what, "a chain of intrinsic functions", "refers to itself or nests too deeply");
    this.nesting += 1;
    try {
      let current: Resolved | undefined = value;
      for (let steps = 0; isMapNode(current) && isIntrinsic(current); steps += 1) {
        if (steps > 64) return this.unknown(what, "a chain of intrinsic functions", "does not end");
        current = this.apply(current.keys[0]!, current.values[0]!, what);
      }
      return current;
    } finally {
      this.nesting -= 1;
    }
  }

  /**
   * The whole value with every intrinsic function applied. With `path` and `recorder`, the
   * position of every nested property and item is recorded under its canonical path.
   */
  deep(
    value: Resolved | undefined,
    what: string,
    path?: string,
    recorder?: PositionRecorder,
  ): JsonValue | undefined {
    // Text and numbers, most values of a template, are already whole.
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
    const resolved = this.shallow(value, what);
    if (resolved === NO_VALUE || resolved === undefined) return undefined;
    if (isMapNode(resolved)) {
      const result: { [key: string]: JsonValue } = {};
      resolved.keys.forEach((key, index) => {
        const childPath = path === undefined ? undefined : fieldPath(path, key);
        const child = this.deep(resolved.values[index], key, childPath, recorder);
        if (child === undefined) return;
        if (childPath !== undefined) recorder?.setAt(childPath, resolved, index);
        defineField(result, key, child);
      });
      return result;
    }
    if (isSeqNode(resolved)) {
      const result: JsonValue[] = [];
      resolved.items.forEach((item, index) => {
        const childPath = path === undefined ? undefined : indexPath(path, result.length);
        const child = this.deep(item, what, childPath, recorder);
        if (child === undefined) return;
        if (childPath !== undefined) recorder?.setAt(childPath, resolved, index);
        result.push(child);
      });
      return result;
    }
    return resolved;
  }

  /** A string (numbers and booleans are written as text), or an unknown marker. */
  string(value: Resolved | undefined, what: string, fn = "the value"): string | UnknownValue | undefined {
    if (typeof value === "string") return value;
    const resolved = this.shallow(value, what);
    if (resolved === undefined || resolved === NO_VALUE || resolved === null) return undefined;
    if (typeof resolved === "string") return resolved;
    if (typeof resolved === "number" || typeof resolved === "boolean") return String(resolved);
    if (isUnknown(resolved)) return resolved;
    return this.unknown(what, fn, "is not a single value");
  }

  /** The items of a list (a sequence or a list-valued function), or a marker. */
  list(value: Resolved | undefined, what: string): Resolved[] | UnknownValue | undefined {
    const resolved = this.shallow(value, what);
    if (resolved === undefined || resolved === NO_VALUE || resolved === null) return undefined;
    if (isSeqNode(resolved)) return resolved.items;
    if (Array.isArray(resolved)) return resolved;
    if (isUnknown(resolved)) return resolved;
    return this.unknown(what, "the value", "is not a list");
  }

  private apply(fn: string, argument: PositionedValue, what: string): Resolved {
    switch (fn) {
      case "Ref":
        return this.ref(argument, what);
      case "Fn::GetAtt":
        return this.getAtt(argument, what);
      case "Fn::Sub":
        return this.sub(argument, what);
      case "Fn::Join":
        return this.join(argument, what);
      case "Fn::Select":
        return this.select(argument, what);
      case "Fn::Split":
        return this.split(argument, what);
      case "Fn::If":
        return this.if(argument, what);
      case "Fn::FindInMap":
        return this.findInMap(argument, what);
      case "Fn::ImportValue": {
        const name = this.string(argument, what);
        const shown = typeof name === "string" ? name : "(a computed name)";
        return this.unknown(
          what,
          `Fn::ImportValue ${shown}`,
          "is another stack's export, known only at deployment",
        );
      }
      case "Fn::GetAZs":
        return this.unknown(what, "Fn::GetAZs", "is known only at deployment");
      case "Fn::Cidr":
        return this.unknown(what, "Fn::Cidr", "is not evaluated by this tool");
      case "Fn::Transform":
        return this.unknown(what, "Fn::Transform", "runs at deployment");
      case "Fn::Base64": {
        const text = this.string(argument, what, "Fn::Base64");
        return typeof text === "string" ? Buffer.from(text, "utf8").toString("base64") : (text ?? "");
      }
      case "Fn::Length": {
        const items = this.list(argument, what);
        return Array.isArray(items)
          ? items.filter((item) => this.shallow(item, what) !== NO_VALUE).length
          : (items ?? 0);
      }
      case "Fn::ToJsonString": {
        const value = this.deep(argument, what);
        const unknown = findUnknown(value);
        return unknown ?? JSON.stringify(value ?? null);
      }
      default:
        return this.unknown(what, fn, "is not evaluated by this tool (or is not allowed here)");
    }
  }

  private ref(argument: PositionedValue, what: string): Resolved {
    if (typeof argument !== "string") return this.malformed(what, "Ref", "it needs a name");
    if (argument === "AWS::NoValue") return NO_VALUE;
    const pseudo = this.pseudo(argument, what);
    if (pseudo !== undefined) return pseudo;
    const parameter = this.template.parameters.get(argument);
    if (parameter) return this.parameter(argument, parameter, what);
    const resource = this.template.resources.get(argument);
    if (resource) return this.refOf(resource, what);
    return this.unknown(what, `Ref ${argument}`, "names neither a parameter nor a resource of the template");
  }

  private pseudo(name: string, what: string): string | UnknownValue | undefined {
    const { account, region, partition, stackName } = this.placeholders;
    // Placeholders are fine for naming things (ARNs, names), but a condition that compares the
    // region or account would be decided by the placeholder: there, they are unknown.
    if (this.comparing && DEPLOYMENT_VALUES.has(name))
      return this.unknown(what, name, "is known only at deployment");
    switch (PSEUDO_NAMES.get(name)) {
      case "AWS::AccountId":
        return account;
      case "AWS::Region":
        return region;
      case "AWS::Partition":
        return partition;
      case "AWS::URLSuffix":
        return "amazonaws.com";
      case "AWS::StackName":
        return stackName;
      case "AWS::StackId":
        return `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/00000000-0000-0000-0000-000000000000`;
      default:
        if (PSEUDO_UNKNOWN.has(name)) return this.unknown(what, name, "is known only at deployment");
        return undefined;
    }
  }

  /** A parameter's default, as deployed when no value is given for it. */
  private parameter(name: string, parameter: MapNode, what: string): Resolved {
    const type = member(parameter, "Type");
    if (typeof type === "string" && type.startsWith("AWS::SSM::Parameter::Value<"))
      return this.unknown(
        what,
        `parameter ${name}`,
        "is read from Systems Manager Parameter Store at deployment",
      );
    const index = parameter.keys.lastIndexOf("Default");
    if (index === -1) return this.withoutDefault(name, what);
    const value = parameter.values[index]!;
    const isList = typeof type === "string" && (type === "CommaDelimitedList" || type.startsWith("List<"));
    // CloudFormation refuses a default its AllowedValues do not list: a deployment must then give
    // one of those, and judging the default would judge a value that is never deployed.
    const allowed = member(parameter, "AllowedValues");
    if (
      !isList &&
      isSeqNode(allowed) &&
      (typeof value === "string" || typeof value === "number" || typeof value === "boolean") &&
      allowed.items.every((item) => typeof item === "string" || typeof item === "number") &&
      !allowed.items.some((item) => String(item) === String(value))
    )
      return this.unknown(
        what,
        `parameter ${name}`,
        "has a default that is not among its AllowedValues, so a deployment gives another value",
      );
    if (isList && (typeof value === "string" || typeof value === "number")) {
      const text = String(value);
      return text === "" ? [] : text.split(",").map((part) => part.trim());
    }
    return value;
  }

  /**
   * The marker of a parameter without a default, kept by parameter and property: a parameter such
   * as a VPC id is referred to by every resource of a large template, and the marker is the same
   * each time.
   */
  private withoutDefault(name: string, what: string): UnknownValue {
    let byWhat = this.parameterMarkers.get(name);
    if (byWhat === undefined) this.parameterMarkers.set(name, (byWhat = new Map<string, UnknownValue>()));
    let marker = byWhat.get(what);
    if (marker === undefined)
      byWhat.set(what, (marker = this.unknown(what, `parameter ${name}`, "has no default")));
    return marker;
  }

  // -------------------------------------------------------------------------------------------
  // Identities: what `Ref` and `Fn::GetAtt` give for resources of the template

  /** The name a resource will have: its name property when the template gives it, else its logical id. */
  physicalName(resource: TemplateResource): string {
    const property = NAME_PROPERTY[resource.type];
    if (property === undefined || resource.properties === undefined) return resource.logicalId;
    const key = `${resource.logicalId}.${property}`;
    if (this.inProgress.has(key)) return resource.logicalId;
    this.inProgress.add(key);
    try {
      const name = this.string(member(resource.properties, property), property);
      return typeof name === "string" && name !== "" ? name : resource.logicalId;
    } finally {
      this.inProgress.delete(key);
    }
  }

  /** The IAM path of a principal, policy or profile (`/` unless the template sets a plain one). */
  iamPath(resource: TemplateResource): string {
    if (resource.properties === undefined) return "/";
    const path = this.string(member(resource.properties, "Path"), "Path");
    return typeof path === "string" && path.startsWith("/") && path.endsWith("/") ? path : "/";
  }

  arnOf(resource: TemplateResource): string | undefined {
    const { account, region, partition } = this.placeholders;
    const registered = REGISTERED_TYPES[resource.type];
    if (registered !== undefined) {
      // Resources whose physical id AWS assigns (groups, instances) stand in by their logical id.
      const id = ASSIGNED_IDS.has(registered) ? resource.logicalId : this.physicalName(resource);
      // The registry reads the IAM path from the properties; other types have none.
      return arnOfType(registered, { partition, region, account }, id, { Path: this.iamPath(resource) });
    }
    const name = this.physicalName(resource);
    switch (resource.type) {
      case "AWS::KMS::Key":
        return `arn:${partition}:kms:${region}:${account}:key/${resource.logicalId}`;
      case "AWS::KMS::Alias":
        return `arn:${partition}:kms:${region}:${account}:${name}`;
      case "AWS::S3::Bucket":
        return `arn:${partition}:s3:::${name}`;
      case "AWS::Logs::LogGroup":
        return `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
      case "AWS::SNS::Topic":
        return `arn:${partition}:sns:${region}:${account}:${name}`;
      case "AWS::SQS::Queue":
        return `arn:${partition}:sqs:${region}:${account}:${name}`;
      case "AWS::Lambda::Function":
        return `arn:${partition}:lambda:${region}:${account}:function:${name}`;
      default:
        return undefined;
    }
  }

  /** Whether the resource is created: false when its condition is false, a marker when unknown. */
  isCreated(resource: TemplateResource): boolean | UnknownValue {
    return resource.condition === undefined ? true : this.condition(resource.condition);
  }

  private refOf(resource: TemplateResource, what: string): Resolved {
    const excluded = this.excluded(resource, what);
    if (excluded) return excluded;
    switch (resource.type) {
      case "AWS::IAM::ManagedPolicy":
      case "AWS::SNS::Topic":
        return this.arnOf(resource)!;
      case "AWS::SQS::Queue":
        return `https://sqs.${this.placeholders.region}.amazonaws.com/${this.placeholders.account}/${this.physicalName(resource)}`;
      default:
        return this.physicalName(resource);
    }
  }

  private getAtt(argument: PositionedValue, what: string): Resolved {
    let name: string | undefined;
    let attribute: string | UnknownValue | undefined;
    if (typeof argument === "string") {
      const dot = argument.indexOf(".");
      if (dot > 0) [name, attribute] = [argument.slice(0, dot), argument.slice(dot + 1)];
    } else if (isSeqNode(argument) && argument.items.length === 2 && typeof argument.items[0] === "string") {
      name = argument.items[0];
      attribute = this.string(argument.items[1], what, "Fn::GetAtt");
    }
    if (name === undefined || attribute === undefined)
      return this.malformed(what, "Fn::GetAtt", "it needs a resource and an attribute");
    if (typeof attribute !== "string") return attribute;
    const resource = this.template.resources.get(name);
    if (!resource)
      return this.unknown(
        what,
        `Fn::GetAtt ${name}.${attribute}`,
        "names a resource that is not in the template",
      );
    const excluded = this.excluded(resource, what);
    if (excluded) return excluded;
    const late = () =>
      this.unknown(what, `Fn::GetAtt ${name}.${attribute}`, "is known only after deployment");
    if (resource.type === "AWS::CloudFormation::Stack")
      return this.unknown(
        what,
        `Fn::GetAtt ${name}.${attribute}`,
        "is an output of a nested stack, which is not read",
      );
    switch (`${resource.type}.${attribute}`) {
      case "AWS::EC2::SecurityGroup.GroupId":
      case "AWS::EC2::Instance.InstanceId":
        return resource.logicalId;
      case "AWS::EC2::SecurityGroup.VpcId":
      case "AWS::EC2::VPC.CidrBlock":
      case "AWS::EC2::Subnet.CidrBlock":
      case "AWS::EC2::Subnet.VpcId": {
        const value = resource.properties ? member(resource.properties, attribute) : undefined;
        return value === undefined ? late() : value;
      }
      case "AWS::KMS::Key.KeyId":
        return resource.logicalId;
      case "AWS::IAM::ManagedPolicy.PolicyArn":
      case "AWS::SNS::Topic.TopicArn":
        return this.arnOf(resource)!;
      case "AWS::SSM::Document.Name":
      case "AWS::SNS::Topic.TopicName":
      case "AWS::SQS::Queue.QueueName":
        return this.physicalName(resource);
      default:
        if (attribute === "Arn") return this.arnOf(resource) ?? late();
        return late();
    }
  }

  /**
   * Why `what` of `resource` cannot be relied on when its condition is false or cannot be
   * evaluated; undefined for a resource that is created.
   */
  excluded(resource: TemplateResource, what: string): UnknownValue | undefined {
    const created = this.isCreated(resource);
    if (created === true) return undefined;
    if (created === false)
      return this.unknown(
        what,
        `resource ${resource.logicalId}`,
        `is not created (its condition ${resource.condition} is false)`,
      );
    return this.unknown(
      what,
      `resource ${resource.logicalId}`,
      `is created only under condition ${resource.condition}, which cannot be evaluated (${this.explain(created)})`,
    );
  }

  private sub(argument: PositionedValue, what: string): Resolved {
    let text: Resolved | undefined = argument;
    let variables: MapNode | undefined;
    if (isSeqNode(argument)) {
      if (argument.items.length < 1 || argument.items.length > 2)
        return this.malformed(what, "Fn::Sub", "it takes a string and an optional mapping");
      text = argument.items[0];
      const second = argument.items[1];
      if (second !== undefined) {
        if (!isMapNode(second)) return this.malformed(what, "Fn::Sub", "its variables must be a mapping");
        variables = second;
      }
    }
    const template = this.string(text, what, "Fn::Sub");
    if (template === undefined) return this.malformed(what, "Fn::Sub", "it needs a string");
    if (typeof template !== "string") return template;
    let result = "";
    let cursor = 0;
    for (;;) {
      const open = template.indexOf("${", cursor);
      if (open === -1) return result + template.slice(cursor);
      const close = template.indexOf("}", open + 2);
      if (close === -1) return result + template.slice(cursor);
      result += template.slice(cursor, open);
      const name = template.slice(open + 2, close).trim();
      cursor = close + 1;
      if (name.startsWith("!")) {
        result += `\${${name.slice(1)}}`;
        continue;
      }
      let part: string | UnknownValue | undefined;
      const variable = variables ? variables.keys.lastIndexOf(name) : -1;
      if (variables && variable !== -1)
        part = this.string(variables.values[variable], what, `Fn::Sub variable ${name}`);
      else if (
        // Pseudo parameters first: they are the most common, and cost no lookup by name.
        name.startsWith("AWS::") ||
        this.template.parameters.has(name) ||
        this.template.resources.has(name)
      )
        part = this.string(this.ref(name, what), what, `Fn::Sub variable ${name}`);
      else if (name.includes("."))
        part = this.string(this.getAtt(name, what), what, `Fn::Sub variable ${name}`);
      else
        part = this.unknown(
          what,
          `Fn::Sub variable \${${name}}`,
          `names neither a parameter nor a resource (write \${!${name}} for the literal text)`,
        );
      if (part === undefined) return this.malformed(what, "Fn::Sub", `its variable ${name} has no value`);
      if (typeof part !== "string") return part;
      result += part;
    }
  }

  private join(argument: PositionedValue, what: string): Resolved {
    if (!isSeqNode(argument) || argument.items.length !== 2)
      return this.malformed(what, "Fn::Join", "it takes a delimiter and a list");
    const delimiter = this.string(argument.items[0], what, "Fn::Join");
    if (typeof delimiter !== "string")
      return delimiter ?? this.malformed(what, "Fn::Join", "it needs a delimiter");
    const items = this.list(argument.items[1], what);
    if (items === undefined) return this.malformed(what, "Fn::Join", "it needs a list");
    if (!Array.isArray(items)) return items;
    const parts: string[] = [];
    for (const item of items) {
      if (this.shallow(item, what) === NO_VALUE) continue;
      const part = this.string(item, what, "Fn::Join");
      if (part === undefined) continue;
      if (typeof part !== "string") return part;
      parts.push(part);
    }
    return parts.join(delimiter);
  }

  private select(argument: PositionedValue, what: string): Resolved {
    if (!isSeqNode(argument) || argument.items.length !== 2)
      return this.malformed(what, "Fn::Select", "it takes an index and a list");
    const index = this.string(argument.items[0], what, "Fn::Select");
    if (typeof index !== "string") return index ?? this.malformed(what, "Fn::Select", "it needs an index");
    const items = this.list(argument.items[1], what);
    if (items === undefined) return this.malformed(what, "Fn::Select", "it needs a list");
    if (!Array.isArray(items)) return items;
    // Digits only: Number() reads "" and " " as 0 and "0x1" as 1, which CloudFormation does not.
    if (!/^[0-9]+$/.test(index))
      return this.malformed(what, "Fn::Select", `index ${JSON.stringify(index)} is not a whole number`);
    const item = items[Number(index)];
    if (item === undefined) return this.malformed(what, "Fn::Select", `index ${index} is outside the list`);
    return item;
  }

  private split(argument: PositionedValue, what: string): Resolved {
    if (!isSeqNode(argument) || argument.items.length !== 2)
      return this.malformed(what, "Fn::Split", "it takes a delimiter and a string");
    const delimiter = this.string(argument.items[0], what, "Fn::Split");
    const text = this.string(argument.items[1], what, "Fn::Split");
    if (typeof delimiter !== "string" || delimiter === "")
      return this.malformed(what, "Fn::Split", "it needs a delimiter");
    if (typeof text !== "string") return text ?? this.malformed(what, "Fn::Split", "it needs a string");
    return text.split(delimiter);
  }

  private if(argument: PositionedValue, what: string): Resolved {
    if (!isSeqNode(argument) || argument.items.length !== 3 || typeof argument.items[0] !== "string")
      return this.malformed(what, "Fn::If", "it takes a condition name and two values");
    const name = argument.items[0];
    const holds = this.condition(name);
    if (holds === true) return argument.items[1]!;
    if (holds === false) return argument.items[2]!;
    // Both branches giving the same value makes the condition irrelevant.
    const whenTrue = this.deep(argument.items[1], what);
    const whenFalse = this.deep(argument.items[2], what);
    if (
      whenTrue !== undefined &&
      findUnknown(whenTrue) === undefined &&
      JSON.stringify(whenTrue) === JSON.stringify(whenFalse)
    )
      return whenTrue;
    return this.unknown(
      what,
      `condition ${name}`,
      `cannot be evaluated before deployment (${this.explain(holds)})`,
      "depends on",
    );
  }

  private findInMap(argument: PositionedValue, what: string): Resolved {
    if (!isSeqNode(argument) || argument.items.length < 3)
      return this.malformed(what, "Fn::FindInMap", "it takes a mapping name and two keys");
    // Read by index: destructuring a list goes through its iterator, which costs more than the
    // rest of a lookup while the code is still cold, and a large template makes thousands.
    const { items } = argument;
    const mapArgument = items[0];
    const firstArgument = items[1];
    const secondArgument = items[2];
    const fallback = items[3];
    const last = this.lastLookup;
    if (
      last !== undefined &&
      items.length === 3 &&
      mapArgument === last.mapName &&
      firstArgument === last.first &&
      secondArgument === last.second
    )
      return last.value;
    const mapName = this.lookupKey(mapArgument, what);
    if (typeof mapName !== "string")
      return mapName ?? this.malformed(what, "Fn::FindInMap", "it needs a mapping name");
    const mapping = this.template.mappings ? member(this.template.mappings, mapName) : undefined;
    if (!isMapNode(mapping))
      return this.unknown(what, `Fn::FindInMap ${mapName}`, "names a mapping that is not in the template");
    const second = this.lookupKey(secondArgument, what);
    if (typeof second !== "string")
      return second ?? this.malformed(what, "Fn::FindInMap", "it needs a second key");
    const fallbackValue = isMapNode(fallback) ? member(fallback, "DefaultValue") : undefined;

    // Keyed by something known only at deployment (the region, most often): the answer is still
    // known when every entry gives the same value.
    const keyedBy =
      isMapNode(firstArgument) &&
      firstArgument.keys[0] === "Ref" &&
      typeof firstArgument.values[0] === "string"
        ? firstArgument.values[0]
        : undefined;
    if (keyedBy !== undefined && DEPLOYMENT_VALUES.has(keyedBy)) {
      const candidates = mapping.values.map((entry) =>
        isMapNode(entry) ? member(entry, second) : undefined,
      );
      const plain = candidates.map((candidate) =>
        JSON.stringify(this.deep(candidate ?? fallbackValue, what) ?? null),
      );
      // A region or account the mapping does not list gets the default value.
      if (fallbackValue !== undefined) plain.push(JSON.stringify(this.deep(fallbackValue, what) ?? null));
      if (candidates.length > 0 && candidates[0] !== undefined && plain.every((text) => text === plain[0]))
        return candidates[0];
      return this.unknown(what, `mapping ${mapName} looked up by ${keyedBy}`, "is known only at deployment");
    }
    const first = this.lookupKey(firstArgument, what);
    if (typeof first !== "string")
      return first ?? this.malformed(what, "Fn::FindInMap", "it needs a first key");
    const entry = member(mapping, first);
    const value = isMapNode(entry) ? member(entry, second) : undefined;
    if (value !== undefined) {
      // Only a lookup by keys written as text is kept: one keyed by a function may give another
      // key next time, and what was not found becomes an unknown phrased for its property.
      if (items.length === 3 && typeof mapArgument === "string" && typeof firstArgument === "string")
        this.lastLookup = { mapName, first, second, value };
      return value;
    }
    if (fallbackValue !== undefined) return fallbackValue;
    return this.unknown(what, `mapping ${mapName}`, `has no entry ${first}.${second}`);
  }

  /**
   * A key of `Fn::FindInMap`. The region, account and stack name stand for placeholders, which a
   * lookup would decide by (`${AWS::Region}` found no entry and gave the default value): here,
   * as in a condition, they are unknown.
   */
  private lookupKey(value: PositionedValue | undefined, what: string): string | UnknownValue | undefined {
    const comparing = this.comparing;
    this.comparing = true;
    try {
      return this.string(value, what, "Fn::FindInMap");
    } finally {
      this.comparing = comparing;
    }
  }

  private malformed(what: string, fn: string, detail: string): UnknownValue {
    return this.unknown(what, fn, `cannot be evaluated: ${detail}`);
  }

  // -------------------------------------------------------------------------------------------
  // Conditions

  condition(name: string): boolean | UnknownValue {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    const definition = this.template.conditions ? member(this.template.conditions, name) : undefined;
    let value: boolean | UnknownValue;
    if (definition === undefined)
      value = this.unknown("", `condition ${name}`, "is not defined in the template");
    else if (this.inProgress.has(`condition:${name}`))
      value = this.unknown("", `condition ${name}`, "refers to itself");
    else {
      this.inProgress.add(`condition:${name}`);
      try {
        value = this.evaluateCondition(definition);
      } finally {
        this.inProgress.delete(`condition:${name}`);
      }
    }
    this.conditionValues.set(name, value);
    return value;
  }

  private evaluateCondition(value: PositionedValue): boolean | UnknownValue {
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    if (!isMapNode(value) || value.keys.length !== 1)
      return this.unknown("", "a condition", "is written wrongly");
    const fn = value.keys[0]!;
    const argument = value.values[0]!;
    const items = isSeqNode(argument) ? argument.items : [];
    switch (fn) {
      case "Condition":
        return typeof argument === "string"
          ? this.condition(argument)
          : this.unknown("", "a Condition", "needs a name");
      case "Fn::Not": {
        const inner =
          items.length === 1
            ? this.evaluateCondition(items[0]!)
            : this.unknown("", "Fn::Not", "takes one condition");
        return typeof inner === "boolean" ? !inner : inner;
      }
      case "Fn::And":
      case "Fn::Or": {
        const decisive = fn === "Fn::Or";
        let unknown: UnknownValue | undefined;
        for (const item of items) {
          const result = this.evaluateCondition(item);
          if (result === decisive) return decisive;
          if (typeof result !== "boolean") unknown ??= result;
        }
        return unknown ?? !decisive;
      }
      case "Fn::Equals": {
        if (items.length !== 2) return this.unknown("", "Fn::Equals", "takes two values");
        const comparing = this.comparing;
        this.comparing = true;
        let left: JsonValue | undefined;
        let right: JsonValue | undefined;
        try {
          [left, right] = items.map((item) => this.deep(item, ""));
        } finally {
          this.comparing = comparing;
        }
        const unknown = findUnknown(left) ?? findUnknown(right);
        if (unknown) return unknown;
        return comparable(left) === comparable(right);
      }
      default:
        return this.unknown("", fn, "is not a condition function");
    }
  }
}

interface FoundInMap {
  mapName: string;
  first: string;
  second: string;
  value: PositionedValue;
}

function isIntrinsic(node: MapNode): boolean {
  if (node.keys.length !== 1) return false;
  const key = node.keys[0]!;
  return key === "Ref" || key.startsWith("Fn::");
}

/** The first unknown marker in a value, if any. */
export function findUnknown(value: JsonValue | undefined): UnknownValue | undefined {
  if (value === null || value === undefined || typeof value !== "object") return undefined;
  if (isUnknown(value)) return value;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    const found = findUnknown(child);
    if (found) return found;
  }
  return undefined;
}

/** CloudFormation compares condition values as text. */
function comparable(value: JsonValue | undefined): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value ?? null);
}
