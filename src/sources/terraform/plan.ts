import { parse as parseYamlText } from "yaml";
import { normalizePolicyDocument } from "../../iam/document.js";
import {
  ResourceTypes,
  type JsonObject,
  type JsonValue,
  type Resource,
  type ResourceType,
} from "../../model/resource.js";
import { isUnknown, unknownValue, type UnknownValue } from "../../model/unknown.js";
import type { InputFile } from "../files.js";
import {
  fieldPath,
  iacResource,
  indexPath,
  notYetRegistered,
  placeholderAccount,
  PositionRecorder,
  recordRelatedPolicyPositions,
  UNKNOWN_REGION,
  type PolicyHolder,
  attachedPolicyEntry,
} from "../iac.js";
import {
  isMapNode,
  isSeqNode,
  member,
  nodePosition,
  positionAt,
  toPlain,
  type MapNode,
  type Position,
  type PositionedValue,
} from "../positioned/node.js";
import type { InputProblem } from "../source.js";
import { ConfigurationSources, positionInBlock, type SourceBlock } from "./locations.js";

/**
 * Terraform plans, as `terraform show -json PLANFILE` prints them, read into canonical resources.
 * Each managed resource instance the plan keeps (every action but a plain delete) is read from
 * `resource_changes[].change.after`; what `after_unknown` lists becomes an unknown marker naming
 * the attribute and the address ("cidr_blocks of aws_security_group.web is known only after
 * apply"). Identities Terraform computes (ids, ARNs) are replaced by placeholders built from the
 * address, and references between resources are followed through the plan's `configuration`, so
 * that `security_group_id = aws_security_group.web.id` still joins the rule to its group.
 */

export interface PlanReadResult {
  resources: Resource[];
  problems: InputProblem[];
  notes: string[];
}

const SUPPORTED_FORMAT = /^[01]\.\d+$/;
const ASSIGNED_AT_LAUNCH = "(assigned at launch)";

type Path = readonly (string | number)[];

interface Locator {
  file: string;
  position: Position;
  at(path: Path): Position | undefined;
}

interface Instance {
  address: string;
  moduleAddress: string;
  modulePath: string[];
  type: string;
  name: string;
  index: string | number | undefined;
  after: Record<string, unknown>;
  afterUnknown: unknown;
  config: Record<string, unknown> | undefined;
  locator: Locator;
}

interface Build extends PolicyHolder {
  instance: Instance;
  id: string;
  global: boolean;
}

export async function readPlan(document: MapNode, file: InputFile, cwd: string): Promise<PlanReadResult> {
  const version = member(document, "format_version");
  if (typeof version !== "string" || !SUPPORTED_FORMAT.test(version)) {
    const index = document.keys.lastIndexOf("format_version");
    const at = index === -1 ? nodePosition(document) : positionAt(document, index);
    return {
      resources: [],
      notes: [],
      problems: [
        {
          file: file.display,
          line: at.line,
          column: at.column,
          message: `Terraform plan format version ${JSON.stringify(version)} is not supported (this tool reads format versions 0.x and 1.x)`,
        },
      ],
    };
  }
  const reader = new PlanReader(document, file, cwd);
  await reader.load();
  return reader.normalize();
}

class PlanReader {
  private readonly notes: string[] = [];
  private readonly account: string;
  private instances: Instance[] = [];
  private readonly byConfigAddress = new Map<string, Instance[]>();
  private readonly configResources = new Map<string, Record<string, unknown>>();
  private readonly moduleConfigs = new Map<string, Record<string, unknown>>();
  private readonly moduleSources = new Map<string, string>();
  private readonly identities = new Map<Instance, Record<string, string>>();
  private readonly builds: Build[] = [];
  private readonly groups = new Map<string, Build>();
  private readonly roles = new Map<string, Build>();
  private readonly users = new Map<string, Build>();
  private readonly iamGroups = new Map<string, Build>();
  private readonly managedPolicies = new Map<string, Build>();
  private readonly profiles = new Map<string, Build>();
  private region = UNKNOWN_REGION;

  constructor(
    private readonly document: MapNode,
    private readonly file: InputFile,
    private readonly cwd: string,
  ) {
    this.account = placeholderAccount(file.display);
  }

  // -------------------------------------------------------------------------------------------
  // Reading the plan

  async load(): Promise<void> {
    const configuration = asRecord(toPlain(member(this.document, "configuration")));
    this.indexModule(asRecord(configuration?.root_module), []);
    this.region = this.providerRegion(configuration);
    if (member(this.document, "errored") === true)
      this.notes.push(
        `${this.file.display}: the plan reports errors (errored: true); what it holds may be incomplete`,
      );

    const sources = ConfigurationSources.forPlan(this.file.path, this.cwd, this.moduleSources);
    const changes = member(this.document, "resource_changes");
    const entries: {
      entry: MapNode;
      afterNode: PositionedValue | undefined;
      after: unknown;
      afterUnknown: unknown;
    }[] = [];
    if (isSeqNode(changes)) {
      for (const entry of changes.items) {
        if (!isMapNode(entry) || member(entry, "mode") !== "managed") continue;
        const change = member(entry, "change");
        if (!isMapNode(change)) continue;
        const actions = toPlain(member(change, "actions"));
        if (Array.isArray(actions) && actions.length === 1 && actions[0] === "delete") continue;
        const afterNode = member(change, "after");
        entries.push({
          entry,
          afterNode,
          after: toPlain(afterNode),
          afterUnknown: toPlain(member(change, "after_unknown")),
        });
      }
    } else {
      // Without resource_changes (an empty or very old plan), planned values are all there is.
      const planned = member(this.document, "planned_values");
      const visit = (module: PositionedValue | undefined) => {
        if (!isMapNode(module)) return;
        const resources = member(module, "resources");
        if (isSeqNode(resources)) {
          for (const entry of resources.items) {
            if (!isMapNode(entry) || member(entry, "mode") !== "managed") continue;
            const afterNode = member(entry, "values");
            entries.push({ entry, afterNode, after: toPlain(afterNode), afterUnknown: {} });
          }
        }
        const children = member(module, "child_modules");
        if (isSeqNode(children)) children.items.forEach(visit);
      };
      if (isMapNode(planned)) visit(member(planned, "root_module"));
    }

    for (const { entry, afterNode, after, afterUnknown } of entries) {
      const text = (key: string) => {
        const value = member(entry, key);
        return typeof value === "string" ? value : "";
      };
      const address = text("address");
      const type = text("type");
      const name = text("name");
      const moduleAddress =
        typeof member(entry, "module_address") === "string"
          ? (member(entry, "module_address") as string)
          : moduleOf(address);
      const indexValue = member(entry, "index");
      const modulePath = [...moduleAddress.matchAll(/module\.([A-Za-z0-9_-]+)/g)].map((match) => match[1]!);
      const instance: Instance = {
        address,
        moduleAddress,
        modulePath,
        type,
        name,
        index: typeof indexValue === "string" || typeof indexValue === "number" ? indexValue : undefined,
        after: asRecord(after) ?? {},
        afterUnknown,
        config: this.configResources.get(`${modulePath.join(".")}|${type}.${name}`),
        locator: this.planLocator(entry, afterNode),
      };
      const source = await sources.find(modulePath, type, name);
      if (source) instance.locator = this.sourceLocator(source, instance);
      this.instances.push(instance);
      const key = `${moduleAddress}|${type}.${name}`;
      const list = this.byConfigAddress.get(key) ?? [];
      list.push(instance);
      this.byConfigAddress.set(key, list);
    }
  }

  private indexModule(module: Record<string, unknown> | undefined, path: string[]): void {
    if (!module) return;
    this.moduleConfigs.set(path.join("."), module);
    for (const resource of asArray(module.resources)) {
      const record = asRecord(resource);
      if (record && typeof record.address === "string")
        this.configResources.set(`${path.join(".")}|${record.address}`, record);
    }
    for (const [name, call] of Object.entries(asRecord(module.module_calls) ?? {})) {
      const record = asRecord(call);
      const childPath = [...path, name];
      if (typeof record?.source === "string") this.moduleSources.set(childPath.join("."), record.source);
      this.indexModule(asRecord(record?.module), childPath);
    }
  }

  /** The region of the default `aws` provider, when the plan states it. */
  private providerRegion(configuration: Record<string, unknown> | undefined): string {
    const provider = asRecord(asRecord(configuration?.provider_config)?.aws);
    const region = asRecord(asRecord(provider?.expressions)?.region);
    if (typeof region?.constant_value === "string") return region.constant_value;
    const reference = asArray(region?.references).find(
      (item): item is string => typeof item === "string" && item.startsWith("var."),
    );
    if (reference) {
      const variables = asRecord(toPlain(member(this.document, "variables")));
      const value = asRecord(variables?.[reference.slice(4)])?.value;
      if (typeof value === "string") return value;
    }
    return UNKNOWN_REGION;
  }

  private planLocator(entry: MapNode, afterNode: PositionedValue | undefined): Locator {
    return {
      file: this.file.display,
      position: nodePosition(entry),
      at: (path) => {
        let node = afterNode;
        let found: Position | undefined;
        for (const step of path) {
          if (typeof step === "string" && isMapNode(node)) {
            const index = node.keys.lastIndexOf(step);
            if (index === -1) break;
            found = positionAt(node, index);
            node = node.values[index];
          } else if (typeof step === "number" && isSeqNode(node) && step < node.items.length) {
            found = positionAt(node, step);
            node = node.items[step];
          } else break;
        }
        return found;
      },
    };
  }

  private sourceLocator(source: SourceBlock, instance: Instance): Locator {
    return {
      file: source.file,
      position: source.block.position,
      at: (path) =>
        positionInBlock(source.block, path, {
          nested: (name, index) => asRecord(asArray(instance.after[name])[index]),
        }),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Values

  /** The value at `path` in the planned attributes, or a marker when Terraform knows it only after apply. */
  private value(instance: Instance, path: Path): JsonValue | undefined {
    let unknown: unknown = instance.afterUnknown;
    let value: unknown = instance.after;
    for (const step of path) {
      if (unknown === true) return this.unknownAt(instance, path);
      unknown =
        unknown !== null && typeof unknown === "object"
          ? (unknown as Record<string | number, unknown>)[step]
          : undefined;
      value =
        value !== null && typeof value === "object"
          ? (value as Record<string | number, unknown>)[step]
          : undefined;
    }
    if (unknown === true) return this.unknownAt(instance, path);
    return value === undefined
      ? undefined
      : mergeUnknown(value, unknown, (inner) => this.unknownAt(instance, [...path, ...inner]));
  }

  private unknownAt(instance: Instance, path: Path): UnknownValue {
    return unknownValue(`${pathText(path)} of ${instance.address} is known only after apply`);
  }

  /**
   * An attribute that is optional and computed (a security group's inline `ingress`, a role's
   * `inline_policy`): when the configuration does not set it, the plan shows it as unknown, yet
   * this resource adds nothing through it, so it reads as `unset`. Only when the plan's
   * configuration is there to say so: otherwise the marker stays. (Dynamic blocks are missing
   * from the configuration's expressions, but they never make the whole attribute unknown.)
   */
  private valueOrUnset(instance: Instance, attribute: string, unset: JsonValue): JsonValue | undefined {
    const value = this.value(instance, [attribute]);
    if (isUnknown(value) && instance.config !== undefined && !this.configured(instance, attribute))
      return unset;
    return value;
  }

  /** Whether the configuration sets the attribute at all (an unset computed attribute is AWS's default). */
  private configured(instance: Instance, attribute: string): boolean {
    const expressions = asRecord(instance.config?.expressions);
    return expressions !== undefined && attribute in expressions;
  }

  /**
   * A string attribute that names another resource: the planned value, else the identity of the
   * resource the configuration refers to, else a marker.
   */
  private reference(instance: Instance, attribute: string): string | UnknownValue | undefined {
    const value = this.value(instance, [attribute]);
    if (typeof value === "string") return value === "" ? undefined : value;
    if (!isUnknown(value)) return value === undefined || value === null ? undefined : scalarText(value);
    const targets = this.referencedIdentities(instance, attribute);
    return targets && targets.length === 1 ? targets[0] : value;
  }

  /** A list attribute of names or ids, each element resolved as `reference` does. */
  private references(
    instance: Instance,
    attribute: string,
  ): (string | UnknownValue)[] | UnknownValue | undefined {
    const value = this.value(instance, [attribute]);
    if (isUnknown(value)) {
      const targets = this.referencedIdentities(instance, attribute);
      return targets ?? value;
    }
    if (!Array.isArray(value)) return value === undefined || value === null ? undefined : [scalarText(value)];
    const unresolved = value.some((item) => isUnknown(item));
    const targets = unresolved ? this.referencedIdentities(instance, attribute) : undefined;
    if (unresolved && targets && targets.length >= value.filter((item) => isUnknown(item)).length) {
      const known = value.filter((item): item is string => typeof item === "string");
      return [...known, ...targets.filter((target) => !known.includes(target))];
    }
    return value.map((item) => (typeof item === "string" ? item : isUnknown(item) ? item : scalarText(item)));
  }

  /** The identities an attribute's expression refers to, when every reference can be followed. */
  private referencedIdentities(instance: Instance, attribute: string): string[] | undefined {
    const expression = asRecord(asRecord(instance.config?.expressions)?.[attribute]);
    const references = asArray(expression?.references).filter(
      (item): item is string => typeof item === "string",
    );
    if (references.length === 0) return undefined;
    const targets = this.follow(references, instance.moduleAddress, instance.modulePath, instance.index);
    if (!targets) return undefined;
    const identities: string[] = [];
    for (const { target, attribute: targetAttribute } of targets) {
      const identity = this.identity(target)[targetAttribute];
      if (identity === undefined) return undefined;
      if (!identities.includes(identity)) identities.push(identity);
    }
    return identities;
  }

  /** Follows references (resources, module outputs, module variables) to resource instances. */
  private follow(
    references: readonly string[],
    moduleAddress: string,
    modulePath: readonly string[],
    index: string | number | undefined,
    depth = 0,
  ): { target: Instance; attribute: string }[] | undefined {
    if (depth > 16) return undefined;
    const perInstance = references.some(
      (reference) => reference === "count.index" || reference.startsWith("each."),
    );
    const qualified = new Set(
      references
        .map(
          (reference) => /^([a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.[A-Za-z0-9_]+/.exec(reference)?.[1],
        )
        .filter(Boolean),
    );
    const result: { target: Instance; attribute: string }[] = [];
    for (const reference of references) {
      if (reference === "count.index" || reference.startsWith("each.")) continue;
      if (reference.startsWith("var.")) {
        if (modulePath.length === 0) return undefined;
        const parentPath = modulePath.slice(0, -1);
        const call = asRecord(
          asRecord(this.moduleConfigs.get(parentPath.join("."))?.module_calls)?.[modulePath.at(-1)!],
        );
        const expression = asRecord(asRecord(call?.expressions)?.[reference.slice(4).split(".")[0]!]);
        const inner = asArray(expression?.references).filter(
          (item): item is string => typeof item === "string",
        );
        if (inner.length === 0) return undefined;
        const parentAddress = moduleAddress.replace(/\.?module\.[A-Za-z0-9_-]+(\[[^\]]*\])?$/, "");
        const followed = this.follow(inner, parentAddress, parentPath, undefined, depth + 1);
        if (!followed) return undefined;
        result.push(...followed);
        continue;
      }
      if (reference.startsWith("module.")) {
        const match = /^module\.([A-Za-z0-9_-]+)(\[[^\]]*\])?\.([A-Za-z0-9_-]+)/.exec(reference);
        if (!match) {
          if (/^module\.[A-Za-z0-9_-]+(\[[^\]]*\])?$/.test(reference)) continue;
          return undefined;
        }
        const [, child, key, output] = match as unknown as [string, string, string | undefined, string];
        const childPath = [...modulePath, child];
        const outputs = asRecord(this.moduleConfigs.get(childPath.join("."))?.outputs);
        const expression = asRecord(asRecord(outputs?.[output])?.expression);
        const inner = asArray(expression?.references).filter(
          (item): item is string => typeof item === "string",
        );
        if (inner.length === 0) return undefined;
        const prefix = `${moduleAddress === "" ? "" : `${moduleAddress}.`}module.${child}`;
        const childAddresses = new Set(
          this.instances
            .map((instance) => instance.moduleAddress)
            .filter(
              (address) =>
                address === prefix + (key ?? "") || (key === undefined && address.startsWith(`${prefix}[`)),
            ),
        );
        const childAddress =
          key !== undefined
            ? prefix + key
            : childAddresses.size <= 1
              ? ([...childAddresses][0] ?? prefix)
              : undefined;
        if (childAddress === undefined) return undefined;
        const followed = this.follow(inner, childAddress, childPath, undefined, depth + 1);
        if (!followed) return undefined;
        result.push(...followed);
        continue;
      }
      const match = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[[^\]]*\])?(?:\.([A-Za-z0-9_]+))?/.exec(reference);
      if (!match || /^(data|local|path|terraform|self)$/.test(match[1]!)) return undefined;
      const [, type, name, key, attribute] = match as unknown as [
        string,
        string,
        string,
        string | undefined,
        string | undefined,
      ];
      if (attribute === undefined) {
        if (qualified.has(`${type}.${name}`)) continue;
        return undefined;
      }
      const candidates = this.byConfigAddress.get(`${moduleAddress}|${type}.${name}`) ?? [];
      let target: Instance | undefined;
      if (key !== undefined)
        target = candidates.find((candidate) => `${candidate.address}`.endsWith(`${type}.${name}${key}`));
      else if (candidates.length === 1) target = candidates[0];
      else if (perInstance && index !== undefined)
        target = candidates.find((candidate) => candidate.index === index);
      if (!target) return undefined;
      if (!result.some((entry) => entry.target === target && entry.attribute === attribute))
        result.push({ target, attribute });
    }
    return result;
  }

  /** The identities of an instance other resources refer to it by (`id`, `arn`, `name`, …). */
  private identity(instance: Instance): Record<string, string> {
    const known = this.identities.get(instance);
    if (known) return known;
    const text = (attribute: string) => {
      const value = this.value(instance, [attribute]);
      return typeof value === "string" && value !== "" ? value : undefined;
    };
    const path = text("path") ?? "/";
    const iamArn = (kind: string, name: string) =>
      text("arn") ?? `arn:aws:iam::${this.account}:${kind}${path}${name}`;
    let identity: Record<string, string>;
    switch (instance.type) {
      case "aws_security_group": {
        const id = text("id") ?? instance.address;
        identity = { id, name: text("name") ?? id };
        break;
      }
      case "aws_iam_role":
      case "aws_iam_user":
      case "aws_iam_group":
      case "aws_iam_instance_profile": {
        const name = text("name") ?? instance.address;
        const kind = {
          aws_iam_role: "role",
          aws_iam_user: "user",
          aws_iam_group: "group",
          aws_iam_instance_profile: "instance-profile",
        }[instance.type];
        identity = { id: name, name, arn: iamArn(kind, name) };
        if (instance.type === "aws_iam_role") identity.unique_id = name;
        break;
      }
      case "aws_iam_policy": {
        const name = text("name") ?? instance.address;
        const arn = iamArn("policy", name);
        identity = { id: arn, arn, name, policy_id: arn };
        break;
      }
      case "aws_kms_key": {
        const keyId = text("key_id") ?? instance.address;
        identity = {
          id: keyId,
          key_id: keyId,
          arn: text("arn") ?? `arn:aws:kms:${this.region}:${this.account}:key/${keyId}`,
        };
        break;
      }
      case "aws_kms_alias": {
        const name = text("name") ?? instance.address;
        identity = {
          id: name,
          name,
          arn: text("arn") ?? `arn:aws:kms:${this.region}:${this.account}:${name}`,
        };
        break;
      }
      case "aws_key_pair": {
        const name = text("key_name") ?? instance.address;
        identity = { id: name, key_name: name };
        break;
      }
      default: {
        const id = text("id") ?? instance.address;
        identity = { id, name: text("name") ?? id };
        const arn = text("arn");
        if (arn) identity.arn = arn;
      }
    }
    this.identities.set(instance, identity);
    return identity;
  }

  // -------------------------------------------------------------------------------------------
  // Canonical resources

  normalize(): PlanReadResult {
    const ofType = (...types: string[]) => this.instances.filter((instance) => types.includes(instance.type));
    for (const instance of ofType("aws_security_group")) this.securityGroup(instance);
    for (const instance of ofType(
      "aws_security_group_rule",
      "aws_vpc_security_group_ingress_rule",
      "aws_vpc_security_group_egress_rule",
    ))
      this.separateRule(instance);
    for (const instance of ofType("aws_iam_policy")) this.managedPolicy(instance);
    for (const instance of ofType("aws_iam_role", "aws_iam_user", "aws_iam_group")) this.principal(instance);
    for (const instance of this.instances) this.attachment(instance);
    for (const instance of ofType("aws_iam_instance_profile")) this.instanceProfile(instance);
    for (const instance of ofType("aws_instance")) this.ec2Instance(instance);
    for (const instance of ofType("aws_ssm_document")) this.ssmDocument(instance);
    for (const instance of ofType("aws_cloudformation_stack"))
      this.notes.push(
        `${this.file.display}: ${instance.address} deploys a CloudFormation stack, which is not checked; check its template directly`,
      );

    recordRelatedPolicyPositions(
      [...this.roles.values(), ...this.users.values(), ...this.iamGroups.values()],
      this.iamGroups,
      this.managedPolicies,
    );
    const resources = this.builds.map((build) =>
      iacResource(
        {
          type: build.type,
          id: build.id,
          kind: "terraform-plan",
          file: build.file,
          account: this.account,
          region: this.region,
          address: build.instance.address,
          position: build.instance.locator.position,
          properties: build.properties,
          positions: build.recorder.positions,
        },
        build.global,
      ),
    );
    return { resources, problems: [], notes: this.notes };
  }

  private add(
    instance: Instance,
    type: ResourceType,
    id: string,
    properties: JsonObject,
    global = false,
  ): Build {
    const build: Build = {
      instance,
      type,
      id,
      properties,
      recorder: new PositionRecorder(),
      global,
      file: instance.locator.file,
    };
    this.builds.push(build);
    return build;
  }

  /** Records where `attributePath` of `from` is written, under `path` of `build` (same file only). */
  private locate(build: Build, path: string, from: Instance, attributePath: Path): void {
    if (from.locator.file !== build.file) return;
    build.recorder.set(path, from.locator.at(attributePath) ?? from.locator.position);
  }

  private tags(instance: Instance, build: Build): void {
    const tags = this.value(instance, ["tags"]);
    if (tags !== null && typeof tags === "object" && !Array.isArray(tags) && !isUnknown(tags)) {
      build.properties.Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    }
  }

  private note(instance: Instance, message: string): void {
    this.notes.push(`${instance.locator.file}:${instance.locator.position.line}: ${message}`);
  }

  // Security groups -----------------------------------------------------------------------------

  private securityGroup(instance: Instance): void {
    const { id, name } = this.identity(instance);
    const properties: JsonObject = {
      GroupId: id!,
      GroupName: name!,
      OwnerId: this.account,
      IpPermissions: [],
      IpPermissionsEgress: [],
    };
    const build = this.add(instance, ResourceTypes.SecurityGroup, id!, properties);
    this.locate(build, "GroupName", instance, ["name"]);
    const description = this.value(instance, ["description"]);
    if (description !== undefined && description !== null) properties.Description = description;
    const vpc = this.value(instance, ["vpc_id"]);
    if (vpc !== undefined && vpc !== null) properties.VpcId = vpc;
    this.tags(instance, build);
    for (const [attribute, target] of [
      ["ingress", "IpPermissions"],
      ["egress", "IpPermissionsEgress"],
    ] as const) {
      const blocks = this.valueOrUnset(instance, attribute, []);
      this.locate(build, target, instance, [attribute]);
      if (isUnknown(blocks)) {
        properties[target] = blocks;
        continue;
      }
      const list = properties[target] as JsonValue[];
      asArray(blocks).forEach((_, index) => {
        const path = indexPath(target, list.length);
        this.locate(build, path, instance, [attribute, index]);
        list.push(this.blockPermission(instance, [attribute, index], build, path, id!));
      });
    }
    this.groups.set(id!, build);
  }

  /** An `ingress` / `egress` block, or a rule resource's attributes (`base` = `[]`), as an `IpPermission`. */
  private blockPermission(
    instance: Instance,
    base: Path,
    build: Build,
    path: string,
    ownGroup: string,
  ): JsonValue {
    const whole = base.length === 0 ? undefined : this.value(instance, base);
    if (isUnknown(whole)) return whole;
    const get = (attribute: string) => this.value(instance, [...base, attribute]);
    const permission: JsonObject = {};
    const rule = instance.type.startsWith("aws_vpc_security_group_");
    const protocol = get(rule ? "ip_protocol" : "protocol");
    if (protocol !== undefined && protocol !== null) {
      permission.IpProtocol = typeof protocol === "number" ? String(protocol) : protocol;
      this.locate(build, fieldPath(path, "IpProtocol"), instance, [
        ...base,
        rule ? "ip_protocol" : "protocol",
      ]);
    }
    for (const [attribute, key] of [
      ["from_port", "FromPort"],
      ["to_port", "ToPort"],
    ] as const) {
      const port = get(attribute);
      if (port === undefined || port === null) continue;
      permission[key] = port;
      this.locate(build, fieldPath(path, key), instance, [...base, attribute]);
    }
    const description = get("description");
    // A list attribute that is unknown as a whole is an unknown list; a single value (a rule
    // resource's `cidr_ipv4`) that is unknown is one source whose address is unknown.
    const ranges = (
      list: string,
      key: string,
      attribute: string,
      given: JsonValue | undefined,
      single = false,
    ) => {
      const values = single && isUnknown(given) ? [given] : given;
      if (isUnknown(values)) {
        permission[list] = values;
        this.locate(build, fieldPath(path, list), instance, [...base, attribute]);
        return;
      }
      const items = Array.isArray(values)
        ? values
        : values === undefined || values === null || values === ""
          ? []
          : [values];
      permission[list] = items.map((value, index) => {
        const itemPath = indexPath(fieldPath(path, list), index);
        this.locate(build, itemPath, instance, [...base, attribute, index]);
        this.locate(build, fieldPath(itemPath, key), instance, [...base, attribute, index]);
        const item: JsonObject = { [key]: value };
        if (typeof description === "string" && description !== "") item.Description = description;
        return item;
      });
    };
    if (rule) {
      ranges("IpRanges", "CidrIp", "cidr_ipv4", get("cidr_ipv4"), true);
      ranges("Ipv6Ranges", "CidrIpv6", "cidr_ipv6", get("cidr_ipv6"), true);
      ranges("PrefixListIds", "PrefixListId", "prefix_list_id", get("prefix_list_id"), true);
      const referenced = this.reference(instance, "referenced_security_group_id");
      ranges("UserIdGroupPairs", "GroupId", "referenced_security_group_id", referenced, true);
    } else {
      ranges("IpRanges", "CidrIp", "cidr_blocks", get("cidr_blocks"));
      ranges("Ipv6Ranges", "CidrIpv6", "ipv6_cidr_blocks", get("ipv6_cidr_blocks"));
      ranges("PrefixListIds", "PrefixListId", "prefix_list_ids", get("prefix_list_ids"));
      const sources: JsonValue[] = [];
      if (base.length === 0) {
        const source = this.reference(instance, "source_security_group_id");
        if (source !== undefined) sources.push(source);
      } else {
        const groups = get("security_groups");
        if (isUnknown(groups)) sources.push(groups);
        else sources.push(...asArray(groups).map((group) => group as JsonValue));
      }
      if (get("self") === true) sources.push(ownGroup);
      ranges(
        "UserIdGroupPairs",
        "GroupId",
        base.length === 0 ? "source_security_group_id" : "security_groups",
        sources,
      );
    }
    return permission;
  }

  private separateRule(instance: Instance): void {
    const direction =
      instance.type === "aws_vpc_security_group_egress_rule"
        ? "egress"
        : instance.type === "aws_vpc_security_group_ingress_rule"
          ? "ingress"
          : this.value(instance, ["type"]);
    if (direction !== "ingress" && direction !== "egress") {
      this.note(
        instance,
        `${instance.address} has no known type (ingress or egress) before apply and is not checked`,
      );
      return;
    }
    const reference = this.reference(instance, "security_group_id");
    let build = typeof reference === "string" ? this.groups.get(reference) : undefined;
    if (!build) {
      const shown =
        typeof reference === "string"
          ? `security group ${reference}`
          : "a security group whose id is known only after apply";
      this.note(
        instance,
        `${instance.address} adds a rule to ${shown}, which is not in the plan; the rule is checked as a group of its own`,
      );
      const groupId = typeof reference === "string" ? reference : instance.address;
      build = this.add(instance, ResourceTypes.SecurityGroup, instance.address, {
        GroupId: groupId,
        GroupName: groupId,
        OwnerId: this.account,
        IpPermissions: [],
        IpPermissionsEgress: [],
      });
    }
    const target = direction === "ingress" ? "IpPermissions" : "IpPermissionsEgress";
    const list = build.properties[target];
    if (!Array.isArray(list)) return;
    const path = indexPath(target, list.length);
    this.locate(build, path, instance, []);
    list.push(this.blockPermission(instance, [], build, path, build.id));
  }

  // IAM ------------------------------------------------------------------------------------------

  private policyDocument(instance: Instance, attribute: Path): JsonValue | undefined {
    const value = this.value(instance, attribute);
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string")
      return isUnknown(value) ? value : (normalizePolicyDocument(value) as JsonValue);
    try {
      return normalizePolicyDocument(JSON.parse(value) as JsonValue) as JsonValue;
    } catch {
      return unknownValue(`${pathText(attribute)} of ${instance.address} is not valid JSON`);
    }
  }

  private principal(instance: Instance): void {
    const { name, arn } = this.identity(instance);
    const kind =
      instance.type === "aws_iam_role" ? "role" : instance.type === "aws_iam_user" ? "user" : "group";
    const nameKey = kind === "role" ? "RoleName" : kind === "user" ? "UserName" : "GroupName";
    const inlineKey =
      kind === "role" ? "RolePolicyList" : kind === "user" ? "UserPolicyList" : "GroupPolicyList";
    const type =
      kind === "role" ? ResourceTypes.Role : kind === "user" ? ResourceTypes.User : ResourceTypes.Group;
    const path = this.value(instance, ["path"]);
    const properties: JsonObject = {
      [nameKey]: name!,
      Path: typeof path === "string" ? path : "/",
      Arn: arn!,
      [inlineKey]: [],
      AttachedManagedPolicies: [],
    };
    const build = this.add(instance, type, name!, properties, true);
    this.locate(build, nameKey, instance, ["name"]);
    if (kind === "role") {
      const trust = this.policyDocument(instance, ["assume_role_policy"]);
      if (trust !== undefined) properties.AssumeRolePolicyDocument = trust;
      this.locate(build, "AssumeRolePolicyDocument", instance, ["assume_role_policy"]);
      properties.InstanceProfileList = [];
      const duration = this.value(instance, ["max_session_duration"]);
      if (typeof duration === "number") properties.MaxSessionDuration = duration;
      const inline = this.valueOrUnset(instance, "inline_policy", []);
      if (isUnknown(inline))
        (properties.RolePolicyList as JsonValue[]).push({
          PolicyName: "inline_policy",
          PolicyDocument: inline,
        });
      else
        asArray(inline).forEach((_, index) => {
          const document = this.policyDocument(instance, ["inline_policy", index, "policy"]);
          if (document === undefined) return;
          const policyName = this.value(instance, ["inline_policy", index, "name"]);
          const list = properties.RolePolicyList as JsonValue[];
          const itemPath = indexPath("RolePolicyList", list.length);
          this.locate(build, itemPath, instance, ["inline_policy", index]);
          this.locate(build, fieldPath(itemPath, "PolicyDocument"), instance, [
            "inline_policy",
            index,
            "policy",
          ]);
          list.push({
            PolicyName: typeof policyName === "string" ? policyName : "(unnamed)",
            PolicyDocument: document,
          });
        });
      const unset = this.valueOrUnset(instance, "managed_policy_arns", []);
      const managed =
        Array.isArray(unset) && unset.length === 0 ? [] : this.references(instance, "managed_policy_arns");
      for (const policyArn of Array.isArray(managed) ? managed : managed === undefined ? [] : [managed])
        this.attach(build, policyArn, instance, ["managed_policy_arns"]);
    }
    if (kind === "user") properties.GroupList = [];
    if (kind !== "group") this.tags(instance, build);
    (kind === "role" ? this.roles : kind === "user" ? this.users : this.iamGroups).set(name!, build);
  }

  private attach(build: Build, policyArn: string | UnknownValue, from: Instance, attribute: Path): void {
    const list = build.properties.AttachedManagedPolicies as JsonValue[];
    const itemPath = indexPath("AttachedManagedPolicies", list.length);
    this.locate(build, itemPath, from, attribute);
    this.locate(build, fieldPath(itemPath, "PolicyArn"), from, attribute);
    list.push(
      attachedPolicyEntry(
        policyArn,
        (arn) => this.managedPolicies.get(arn)?.properties.PolicyName as string | undefined,
      ),
    );
  }

  private managedPolicy(instance: Instance): void {
    const { arn, name } = this.identity(instance);
    const path = this.value(instance, ["path"]);
    const properties: JsonObject = {
      PolicyName: name!,
      Arn: arn!,
      Path: typeof path === "string" ? path : "/",
      DefaultVersionId: "v1",
      IsAttachable: true,
    };
    const build = this.add(instance, ResourceTypes.ManagedPolicy, arn!, properties, true);
    const document = this.policyDocument(instance, ["policy"]);
    for (const path of ["PolicyVersionList", "PolicyVersionList[0]", "PolicyVersionList[0].Document"])
      this.locate(build, path, instance, ["policy"]);
    properties.PolicyVersionList = [{ Document: document ?? null, VersionId: "v1", IsDefaultVersion: true }];
    this.managedPolicies.set(arn!, build);
  }

  private principalBuild(
    kind: "role" | "user" | "group",
    name: string | UnknownValue | undefined,
    from: Instance,
  ): Build | undefined {
    const map = kind === "role" ? this.roles : kind === "user" ? this.users : this.iamGroups;
    const found = typeof name === "string" ? map.get(name) : undefined;
    if (!found && name !== undefined) {
      const shown = typeof name === "string" ? name : `whose name is known only after apply`;
      this.note(
        from,
        `${from.address} applies to ${kind} ${shown}, which is not in the plan; that principal is not checked`,
      );
    }
    return found;
  }

  /** Policies and memberships given as resources of their own. */
  private attachment(instance: Instance): void {
    const inline = (kind: "role" | "user" | "group") => {
      const build = this.principalBuild(kind, this.reference(instance, kind), instance);
      if (!build) return;
      const inlineKey =
        kind === "role" ? "RolePolicyList" : kind === "user" ? "UserPolicyList" : "GroupPolicyList";
      const list = build.properties[inlineKey] as JsonValue[];
      const itemPath = indexPath(inlineKey, list.length);
      this.locate(build, itemPath, instance, []);
      this.locate(build, fieldPath(itemPath, "PolicyDocument"), instance, ["policy"]);
      const name = this.value(instance, ["name"]);
      list.push({
        PolicyName: typeof name === "string" ? name : instance.address,
        PolicyDocument: this.policyDocument(instance, ["policy"]) ?? null,
      });
    };
    const attached = (
      kind: "role" | "user" | "group",
      names: (string | UnknownValue)[] | string | UnknownValue | undefined,
    ) => {
      const policyArn = this.reference(instance, "policy_arn");
      if (policyArn === undefined) return;
      for (const name of Array.isArray(names) ? names : names === undefined ? [] : [names]) {
        const build = this.principalBuild(kind, name, instance);
        if (build) this.attach(build, policyArn, instance, ["policy_arn"]);
      }
    };
    switch (instance.type) {
      case "aws_iam_role_policy":
        return inline("role");
      case "aws_iam_user_policy":
        return inline("user");
      case "aws_iam_group_policy":
        return inline("group");
      case "aws_iam_role_policy_attachment":
        return attached("role", this.reference(instance, "role"));
      case "aws_iam_user_policy_attachment":
        return attached("user", this.reference(instance, "user"));
      case "aws_iam_group_policy_attachment":
        return attached("group", this.reference(instance, "group"));
      case "aws_iam_policy_attachment":
        attached("role", this.references(instance, "roles"));
        attached("user", this.references(instance, "users"));
        attached("group", this.references(instance, "groups"));
        return;
      case "aws_iam_user_group_membership": {
        const user = this.principalBuild("user", this.reference(instance, "user"), instance);
        const groups = this.references(instance, "groups");
        if (user && Array.isArray(user.properties.GroupList))
          for (const group of Array.isArray(groups) ? groups : groups === undefined ? [] : [groups])
            user.properties.GroupList.push(group);
        return;
      }
      case "aws_iam_group_membership": {
        const group = this.reference(instance, "group");
        const users = this.references(instance, "users");
        for (const name of Array.isArray(users) ? users : users === undefined ? [] : [users]) {
          const user = this.principalBuild("user", name, instance);
          if (user && Array.isArray(user.properties.GroupList) && group !== undefined)
            user.properties.GroupList.push(group);
        }
        return;
      }
      default:
        return;
    }
  }

  private instanceProfile(instance: Instance): void {
    const { name, arn } = this.identity(instance);
    const path = this.value(instance, ["path"]);
    const roles: JsonValue[] = [];
    const summary: JsonObject = {
      InstanceProfileName: name!,
      Arn: arn!,
      Path: typeof path === "string" ? path : "/",
      Roles: roles,
    };
    const build = this.add(instance, ResourceTypes.InstanceProfile, name!, summary, true);
    this.locate(build, "Roles", instance, ["role"]);
    const roleName = this.reference(instance, "role");
    if (roleName !== undefined) {
      const role = typeof roleName === "string" ? this.roles.get(roleName) : undefined;
      roles.push(
        typeof roleName === "string"
          ? {
              RoleName: roleName,
              Arn: role ? (role.properties.Arn as string) : `arn:aws:iam::${this.account}:role/${roleName}`,
            }
          : { RoleName: roleName },
      );
      if (role && Array.isArray(role.properties.InstanceProfileList))
        role.properties.InstanceProfileList.push(summary);
    }
    this.profiles.set(name!, build);
  }

  // Instances -----------------------------------------------------------------------------------

  private ec2Instance(instance: Instance): void {
    const { id } = this.identity(instance);
    const properties: JsonObject = { InstanceId: id!, State: { Code: 16, Name: "running" } };
    const build = this.add(instance, ResourceTypes.Instance, id!, properties);
    for (const [attribute, key] of [
      ["instance_type", "InstanceType"],
      ["ami", "ImageId"],
      ["subnet_id", "SubnetId"],
    ] as const) {
      const value = this.value(instance, [attribute]);
      if (value !== undefined && value !== null) properties[key] = value;
    }
    this.tags(instance, build);
    const launchTemplate = this.launchTemplate(instance);
    const fromTemplate = (attribute: string, describe: string): JsonValue | undefined => {
      if (!launchTemplate) return undefined;
      if (!launchTemplate.target)
        return unknownValue(
          `${describe} may come from launch template ${launchTemplate.name}, which is not in the plan`,
        );
      return this.value(launchTemplate.target, [attribute]);
    };

    // A computed attribute the configuration does not set is what AWS (or a launch template) gives.
    const keyFromInstance = this.configured(instance, "key_name");
    const keyName = keyFromInstance
      ? this.reference(instance, "key_name")
      : launchTemplate?.target
        ? this.reference(launchTemplate.target, "key_name")
        : fromTemplate("key_name", "KeyName");
    if (keyName !== undefined && keyName !== null && keyName !== "") {
      properties.KeyName = keyName;
      this.locate(
        build,
        "KeyName",
        keyFromInstance || !launchTemplate?.target ? instance : launchTemplate.target,
        ["key_name"],
      );
    }

    let profile: JsonValue | undefined;
    if (this.configured(instance, "iam_instance_profile"))
      profile = this.reference(instance, "iam_instance_profile");
    else if (launchTemplate) {
      const spec = fromTemplate("iam_instance_profile", "IamInstanceProfile");
      const first = isUnknown(spec) ? spec : (asArray(spec)[0] as JsonValue | undefined);
      const record = asRecord(first);
      profile = isUnknown(first) ? first : (record?.arn as string) || (record?.name as string) || undefined;
    }
    if (profile !== undefined && profile !== null && profile !== "") {
      properties.IamInstanceProfile = {
        Arn: typeof profile === "string" ? this.profileArn(profile) : profile,
      };
      this.locate(build, "IamInstanceProfile", instance, ["iam_instance_profile"]);
      this.locate(build, "IamInstanceProfile.Arn", instance, ["iam_instance_profile"]);
    }

    const groups: JsonValue[] = [];
    let given = false;
    for (const attribute of ["vpc_security_group_ids", "security_groups"]) {
      if (!this.configured(instance, attribute)) continue;
      given = true;
      const ids = this.references(instance, attribute);
      for (const groupId of Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]) {
        const entry: JsonObject = { GroupId: groupId };
        const group = typeof groupId === "string" ? this.groups.get(groupId) : undefined;
        if (group) entry.GroupName = group.properties.GroupName as string;
        this.locate(build, indexPath("SecurityGroups", groups.length), instance, [attribute]);
        groups.push(entry);
      }
    }
    if (!given && launchTemplate) {
      const ids = launchTemplate.target
        ? this.references(launchTemplate.target, "vpc_security_group_ids")
        : fromTemplate("vpc_security_group_ids", "SecurityGroups");
      for (const groupId of isUnknown(ids) ? [ids] : asArray(ids)) {
        const entry: JsonObject = { GroupId: groupId as JsonValue };
        const group = typeof groupId === "string" ? this.groups.get(groupId) : undefined;
        if (group) entry.GroupName = group.properties.GroupName as string;
        if (launchTemplate.target)
          this.locate(build, indexPath("SecurityGroups", groups.length), launchTemplate.target, [
            "vpc_security_group_ids",
          ]);
        groups.push(entry);
      }
      given = true;
    }
    if (!given) {
      // Known for an instance that already exists; otherwise the VPC's default group, not in the plan.
      const ids = this.value(instance, ["vpc_security_group_ids"]);
      if (Array.isArray(ids)) for (const groupId of ids) groups.push({ GroupId: groupId });
      else
        groups.push({
          GroupId: unknownValue(
            `the security groups of ${instance.address} are its VPC's default group, which is not in the plan`,
          ),
        });
    }
    properties.SecurityGroups = groups;
    this.locate(build, "SecurityGroups", instance, ["vpc_security_group_ids"]);

    const publicIp = this.publicIp(instance, launchTemplate);
    if (publicIp !== undefined) {
      properties.PublicIpAddress = publicIp;
      this.locate(build, "PublicIpAddress", instance, ["associate_public_ip_address"]);
    }
    this.add(instance, ResourceTypes.ManagedInstance, id!, notYetRegistered(id!));
  }

  private profileArn(profile: string): string {
    if (profile.startsWith("arn:")) return profile;
    const build = this.profiles.get(profile);
    return build
      ? (build.properties.Arn as string)
      : `arn:aws:iam::${this.account}:instance-profile/${profile}`;
  }

  private launchTemplate(instance: Instance): { name: string; target: Instance | undefined } | undefined {
    if (!this.configured(instance, "launch_template")) return undefined;
    const spec = asRecord(asArray(instance.after.launch_template)[0]);
    const expression = asRecord(asArray(asRecord(instance.config?.expressions)?.launch_template)[0]);
    const references = [
      ...asArray(asRecord(expression?.id)?.references),
      ...asArray(asRecord(expression?.name)?.references),
    ].filter((item): item is string => typeof item === "string");
    const followed =
      references.length > 0
        ? this.follow(references, instance.moduleAddress, instance.modulePath, instance.index)
        : undefined;
    const target =
      followed?.[0]?.target ??
      this.instances.find(
        (candidate) =>
          candidate.type === "aws_launch_template" &&
          ((typeof spec?.id === "string" && candidate.after.id === spec.id) ||
            (typeof spec?.name === "string" && candidate.after.name === spec.name)),
      );
    const name =
      typeof spec?.name === "string"
        ? spec.name
        : typeof spec?.id === "string"
          ? spec.id
          : "(known only after apply)";
    return { name, target };
  }

  /** Whether the instance will have a public IPv4 address (see docs/templates.md). */
  private publicIp(
    instance: Instance,
    launchTemplate: { name: string; target: Instance | undefined } | undefined,
  ): JsonValue | undefined {
    const known = this.value(instance, ["public_ip"]);
    if (typeof known === "string" && known !== "") return known;
    const id = this.identity(instance).id;
    for (const candidate of this.instances) {
      if (candidate.type !== "aws_eip" && candidate.type !== "aws_eip_association") continue;
      const target = this.reference(candidate, candidate.type === "aws_eip" ? "instance" : "instance_id");
      if (target === id) return `(Elastic IP ${candidate.address})`;
    }
    if (this.configured(instance, "associate_public_ip_address")) {
      const associate = this.value(instance, ["associate_public_ip_address"]);
      if (associate === true) return ASSIGNED_AT_LAUNCH;
      if (associate === false) return undefined;
      if (isUnknown(associate)) return associate;
    }
    if (launchTemplate) {
      if (!launchTemplate.target)
        return unknownValue(
          `PublicIpAddress of ${instance.address} depends on launch template ${launchTemplate.name}, which is not in the plan`,
        );
      const associate = this.value(launchTemplate.target, [
        "network_interfaces",
        0,
        "associate_public_ip_address",
      ]);
      if (associate === true || associate === "true") return ASSIGNED_AT_LAUNCH;
      if (associate === false || associate === "false") return undefined;
      if (isUnknown(associate)) return associate;
    }
    if (!this.configured(instance, "subnet_id")) return "(assigned at launch in the default VPC)";
    const subnet = this.reference(instance, "subnet_id");
    const subnetInstance = this.instances.find(
      (candidate) => candidate.type === "aws_subnet" && this.identity(candidate).id === subnet,
    );
    if (subnetInstance) {
      const mapPublic = this.value(subnetInstance, ["map_public_ip_on_launch"]);
      if (mapPublic === true) return ASSIGNED_AT_LAUNCH;
      if (isUnknown(mapPublic)) return mapPublic;
      return undefined;
    }
    return unknownValue(
      `PublicIpAddress of ${instance.address} depends on subnet ${typeof subnet === "string" ? subnet : "(known only after apply)"}, which is not in the plan (set associate_public_ip_address to decide)`,
    );
  }

  // SSM documents -----------------------------------------------------------------------------

  private ssmDocument(instance: Instance): void {
    const name = this.value(instance, ["name"]);
    const id = typeof name === "string" && name !== "" ? name : instance.address;
    const format = this.value(instance, ["document_format"]);
    const documentFormat = typeof format === "string" ? format.toUpperCase() : "JSON";
    const type = this.value(instance, ["document_type"]);
    const properties: JsonObject = {
      Name: name ?? id,
      DocumentType: type ?? "Command",
      DocumentFormat: documentFormat,
      Status: "Active",
    };
    const build = this.add(instance, ResourceTypes.SessionPreferences, id, properties);
    this.locate(build, "Name", instance, ["name"]);
    this.locate(build, "Content", instance, ["content"]);
    const content = this.value(instance, ["content"]);
    if (typeof content !== "string") {
      if (content !== undefined && content !== null) properties.Content = content;
      return;
    }
    try {
      properties.Content =
        documentFormat === "YAML"
          ? (parseYamlText(content, { maxAliasCount: 100 }) as JsonValue)
          : (JSON.parse(content) as JsonValue);
    } catch {
      properties.Content = unknownValue(
        `content of ${instance.address} is not valid ${documentFormat === "YAML" ? "YAML" : "JSON"}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------

function scalarText(value: JsonValue): string {
  return typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : JSON.stringify(value);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `module.a.module.b.aws_x.y[0]` → `module.a.module.b`. */
function moduleOf(address: string): string {
  const match = /^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.?)*)/.exec(address);
  return (match?.[1] ?? "").replace(/\.$/, "");
}

/** `ingress[0].cidr_blocks` */
function pathText(path: Path): string {
  return path.reduce<string>(
    (text, step) => (typeof step === "number" ? `${text}[${step}]` : text === "" ? step : `${text}.${step}`),
    "",
  );
}

/**
 * The planned value with markers where `after_unknown` says a nested part is unknown: a list of
 * CIDR blocks with one element computed keeps its known elements.
 */
function mergeUnknown(
  value: unknown,
  unknown: unknown,
  marker: (path: (string | number)[]) => UnknownValue,
): JsonValue {
  if (unknown === null || typeof unknown !== "object") return value as JsonValue;
  if (Array.isArray(value)) {
    const flags = Array.isArray(unknown) ? unknown : [];
    const length = Math.max(value.length, flags.length);
    const result: JsonValue[] = [];
    for (let index = 0; index < length; index += 1) {
      const flag: unknown = flags[index];
      if (flag === true) result.push(marker([index]));
      else result.push(mergeUnknown(value[index], flag, (inner) => marker([index, ...inner])));
    }
    return result;
  }
  if (value !== null && typeof value === "object") {
    const result: JsonObject = {};
    const flags = unknown as Record<string, unknown>;
    for (const key of new Set([...Object.keys(value), ...Object.keys(flags)])) {
      const flag = flags[key];
      if (flag === true) result[key] = marker([key]);
      else if (key in value)
        result[key] = mergeUnknown((value as Record<string, unknown>)[key], flag, (inner) =>
          marker([key, ...inner]),
        );
    }
    return result;
  }
  return value as JsonValue;
}
