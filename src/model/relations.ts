import { accessKeyUse } from "./access-key-use.js";
import { knownAwsManagedPolicyDocument } from "./aws-managed-policies.js";
import { partitionOfArn } from "./resource-types.js";
import {
  ResourceTypes,
  type JsonObject,
  type JsonValue,
  type Resource,
  type ResourceType,
} from "./resource.js";
import { firstUnknown, isUnknown, unknownValue } from "./unknown.js";
import { ScopedIndex } from "../util/scoped-index.js";

/**
 * Resolves relations once, before rules run, so that rules stay declarative: each resource that
 * has relations gets a document made of its canonical properties plus a `related` object.
 *
 * - instance → instance profile → roles → their policies; instance → SSM managed-instance record;
 *   instance → its security groups;
 * - security group → the instances that use it;
 * - role / user / group → every policy that reaches it (inline, attached managed, and for users
 *   the inline and attached policies of their groups), with decoded documents;
 * - principals → the KMS keys their account's Session Manager preferences use;
 * - managed instance → the EC2 instance it is;
 * - user → its access keys, each with its age on `today` and its last use (`access-key-use.ts`).
 * - a region's Session Manager preferences → the EventBridge rules of that region and the trails
 *   of the account, which together decide whether starting a session raises an alert there.
 *
 * `related` is lowercase so it can never collide with a PascalCase describe-API field.
 */

type Document = { [key: string]: JsonValue };

export interface EffectivePolicy {
  PolicyName: string;
  PolicyArn: string | null;
  /** `inline`, `managed`, `group-inline` or `group-managed`. */
  Kind: string;
  /** The group the policy reaches a user through. */
  Group: string | null;
  /** The decoded document, or an unknown value when the data does not hold it. */
  Document: JsonValue;
}

export interface Relations {
  /**
   * The documents resolved so far. Those of instances, security groups and managed nodes are
   * only there once `documentOf` has been asked for one of them.
   */
  documents: Map<Resource, JsonObject>;
  /** The document of a resource whose type has relations; undefined for other types. */
  documentOf(resource: Resource): JsonObject | undefined;
  /**
   * The documents of the resources of a type linked on demand (instances, security groups,
   * managed nodes), in the order `ofType` gives them; undefined for other types.
   */
  documentsOfType(type: ResourceType): readonly JsonObject[] | undefined;
  /** Whether some document holds an unknown value put there here (a policy document not in the data). */
  holdsUnknowns: boolean;
}

/**
 * Types whose relations are resolved on first use: together they are most of a large account,
 * rules on principals alone read none of them, and linking them puts no unknown value anywhere
 * (so whether documents hold unknowns is known without them).
 */
const LINKED_ON_DEMAND: ReadonlySet<ResourceType> = new Set([
  ResourceTypes.Instance,
  ResourceTypes.SecurityGroup,
  ResourceTypes.ManagedInstance,
]);

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

// Shared by every value that holds no list: most instances have no instance profile, so no roles.
const NO_ITEMS: readonly JsonValue[] = [];

function list(value: JsonValue | undefined): readonly JsonValue[] {
  return Array.isArray(value) ? value : NO_ITEMS;
}

function obj(value: JsonValue | undefined): Document | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

/** The default version's document of a managed policy, in the shape GetAccountAuthorizationDetails gives. */
function defaultVersionDocument(policy: Resource): JsonValue | undefined {
  const versions = list(policy.properties.PolicyVersionList);
  const defaultVersionId = policy.properties.DefaultVersionId;
  // A version the data marks as not the default, or that another id names as the default, is not
  // the document in force: without the default, the document is unknown rather than guessed.
  const lone = versions.length === 1 ? obj(versions[0]) : undefined;
  const loneMayBeDefault =
    lone !== undefined &&
    lone.IsDefaultVersion !== false &&
    (typeof defaultVersionId !== "string" || typeof lone.VersionId !== "string");
  const chosen =
    versions.find((version) => obj(version)?.IsDefaultVersion === true) ??
    versions.find((version) => obj(version)?.VersionId === defaultVersionId) ??
    (loneMayBeDefault ? lone : undefined);
  const document = obj(chosen)?.Document;
  return document === null ? undefined : document;
}

/**
 * What relations read of the resources of a run: their lists by type. The inventory provides it
 * (and is built from the relations), so relations depend on this and not on the inventory.
 */
export interface ResourcesByType {
  ofType(type: ResourceType): readonly Resource[];
}

/** `today` (`YYYY-MM-DD`, UTC) is the day access keys' ages are counted to. */
export function resolveRelations(inventory: ResourcesByType, today: string): Relations {
  const documents = new Map<Resource, JsonObject>();
  let holdsUnknowns = false;
  // A policy whose document the data does not hold is an unknown value, never a missing one: a
  // rule that reads it reports that it cannot decide, unless the principal's known statements
  // decide on their own.
  const documentOrUnknown = (document: JsonValue | undefined, what: string): JsonValue => {
    if (document !== undefined && document !== null) {
      if (isUnknown(document)) holdsUnknowns = true;
      return document;
    }
    holdsUnknowns = true;
    return unknownValue(`the document of ${what} is not in the data`);
  };
  const accountOf = (resource: Resource) => resource.account;

  const managedPolicies = new Map<string, Resource>();
  for (const policy of inventory.ofType(ResourceTypes.ManagedPolicy)) {
    const arn = str(policy.properties.Arn) ?? policy.id;
    managedPolicies.set(arn, policy);
  }

  const managedPolicy = (attached: JsonValue, kind: string, group: string | null): EffectivePolicy => {
    const written = obj(attached)?.PolicyArn;
    const arn = str(written) ?? "";
    const policy = managedPolicies.get(arn);
    // An ARN a template leaves unknown says why its document is: that reason is the one shown.
    if (isUnknown(written)) {
      holdsUnknowns = true;
      return {
        PolicyName: str(obj(attached)?.PolicyName) ?? arn,
        PolicyArn: arn,
        Kind: kind,
        Group: group,
        Document: written,
      };
    }
    return {
      PolicyName: str(obj(attached)?.PolicyName) ?? arn,
      PolicyArn: arn,
      Kind: kind,
      Group: group,
      // A policy the data does not hold (an AWS-managed policy a template attaches by ARN) takes
      // the document AWS publishes when we know it.
      Document: documentOrUnknown(
        policy ? defaultVersionDocument(policy) : knownAwsManagedPolicyDocument(arn),
        `managed policy ${arn || "(no ARN)"}`,
      ),
    };
  };
  const inlinePolicy = (inline: JsonValue, kind: string, group: string | null): EffectivePolicy => {
    const name = str(obj(inline)?.PolicyName) ?? "";
    return {
      PolicyName: name,
      PolicyArn: null,
      Kind: kind,
      Group: group,
      Document: documentOrUnknown(obj(inline)?.PolicyDocument, `inline policy ${name || "(unnamed)"}`),
    };
  };

  const groupsByName = new ScopedIndex<Resource>();
  for (const group of inventory.ofType(ResourceTypes.Group)) {
    groupsByName.set(group.account, "", group.id, group);
  }
  // IAM finds a group whatever the case it is named in (no two groups of an account differ only in
  // case), and a template may name a user's group so: indexed that way only when a name misses.
  let groupsByFoldedName: ScopedIndex<Resource> | undefined;
  const groupNamed = (account: string, name: string | undefined): Resource | undefined => {
    const exact = groupsByName.get(account, "", name);
    if (exact !== undefined || name === undefined) return exact;
    if (groupsByFoldedName === undefined) {
      groupsByFoldedName = new ScopedIndex<Resource>();
      for (const group of inventory.ofType(ResourceTypes.Group))
        groupsByFoldedName.set(group.account, "", group.id.toLowerCase(), group);
    }
    return groupsByFoldedName.get(account, "", name.toLowerCase());
  };
  const groupPolicies = (group: Resource, direct: boolean): EffectivePolicy[] => {
    const name = direct ? null : group.id;
    return [
      ...list(group.properties.GroupPolicyList).map((p) =>
        inlinePolicy(p, direct ? "inline" : "group-inline", name),
      ),
      ...list(group.properties.AttachedManagedPolicies).map((p) =>
        managedPolicy(p, direct ? "managed" : "group-managed", name),
      ),
    ];
  };

  // The KMS keys Session Manager encrypts sessions with, per account: principals who may start
  // sessions need kms:GenerateDataKey on them.
  const sessionKeys = new Map<string, Set<string>>();
  // A key a template leaves unknown (a parameter without a default, another stack's export) may
  // be any key, or none: its account's principals get it as an unknown value, so that none of
  // them is taken not to need a grant.
  const unknownSessionKeys = new Map<string, JsonValue[]>();
  for (const preferences of inventory.ofType(ResourceTypes.SessionPreferences)) {
    const unknownKey = unknownSessionKey(preferences);
    if (unknownKey !== undefined) {
      const keys = unknownSessionKeys.get(accountOf(preferences)) ?? [];
      keys.push(unknownKey);
      unknownSessionKeys.set(accountOf(preferences), keys);
      holdsUnknowns = true;
      continue;
    }
    const kmsKeyId = str(obj(obj(preferences.properties.Content)?.inputs)?.kmsKeyId);
    if (!kmsKeyId) continue;
    let keys = sessionKeys.get(accountOf(preferences));
    if (!keys) sessionKeys.set(accountOf(preferences), (keys = new Set()));
    keys.add(kmsKeyArn(kmsKeyId, preferences));
  }
  // One list per account, which its principals' documents share.
  const keyLists = new Map<string, JsonValue[]>();
  const keysOf = (account: string): JsonValue[] => {
    let keys = keyLists.get(account);
    if (!keys)
      keyLists.set(
        account,
        (keys = [
          ...[...(sessionKeys.get(account) ?? [])].sort(),
          ...(unknownSessionKeys.get(account) ?? []),
        ]),
      );
    return keys;
  };

  // Each role's document by its name: instances' profiles name their roles.
  const roleDocumentsByName = new ScopedIndex<JsonObject>();
  for (const role of inventory.ofType(ResourceTypes.Role)) {
    const policies = [
      ...list(role.properties.RolePolicyList).map((p) => inlinePolicy(p, "inline", null)),
      ...list(role.properties.AttachedManagedPolicies).map((p) => managedPolicy(p, "managed", null)),
    ];
    const document = withRelated(role, {
      Policies: policies as unknown as JsonValue,
      SessionKmsKeys: keysOf(role.account),
    });
    roleDocumentsByName.set(role.account, "", role.id, document);
    documents.set(role, document);
  }

  const keysByUser = new ScopedIndex<Resource[]>();
  // A key whose user a template leaves unknown may be any user's of its account: each of them
  // gets it as an unknown value, so that none passes on it.
  const unattributedKeys = new Map<string, JsonValue[]>();
  for (const key of inventory.ofType(ResourceTypes.AccessKey)) {
    const userName = str(key.properties.UserName);
    if (userName === undefined) {
      const reason = isUnknown(key.properties.UserName)
        ? key.properties.UserName.$unknown
        : "its UserName is not in the data";
      const keys = unattributedKeys.get(key.account) ?? [];
      keys.push(unknownValue(`the user of access key ${key.id} is not known: ${reason}`));
      unattributedKeys.set(key.account, keys);
      holdsUnknowns = true;
      continue;
    }
    // IAM user names are unique regardless of case: "Alice" is alice.
    const keys = keysByUser.get(key.account, "", userName.toLowerCase());
    if (keys) keys.push(key);
    else keysByUser.set(key.account, "", userName.toLowerCase(), [key]);
  }
  const accessKeysOf = (user: Resource): JsonValue => [
    ...(keysByUser.get(user.account, "", user.id.toLowerCase()) ?? []).map((key) => {
      const use = accessKeyUse(key, today);
      // A date that does not read is an unknown value put here: rules must see it as one.
      if (isUnknown(use.AgeDays) || isUnknown(use.LastUse)) holdsUnknowns = true;
      return { ...key.properties, ...use };
    }),
    ...(unattributedKeys.get(user.account) ?? []),
  ];

  for (const user of inventory.ofType(ResourceTypes.User)) {
    const groups: Resource[] = [];
    // A group the data does not hold (one a template names but another stack or the console made)
    // may grant anything: its policies are an unknown value, never none.
    const groupsNotHeld: EffectivePolicy[] = [];
    for (const listed of list(user.properties.GroupList)) {
      const group = groupNamed(user.account, str(listed));
      if (group !== undefined) {
        groups.push(group);
        continue;
      }
      const name = str(listed) ?? JSON.stringify(listed);
      holdsUnknowns = true;
      groupsNotHeld.push({
        PolicyName: "",
        PolicyArn: null,
        Kind: "group-inline",
        Group: name,
        Document: isUnknown(listed)
          ? listed
          : unknownValue(
              `the policies of group ${name}, of which user ${user.id} is a member, are not in the data`,
            ),
      });
    }
    const policies = [
      ...list(user.properties.UserPolicyList).map((p) => inlinePolicy(p, "inline", null)),
      ...list(user.properties.AttachedManagedPolicies).map((p) => managedPolicy(p, "managed", null)),
      ...groups.flatMap((group) => groupPolicies(group, false)),
      ...groupsNotHeld,
    ];
    documents.set(
      user,
      withRelated(user, {
        Policies: policies as unknown as JsonValue,
        SessionKmsKeys: keysOf(user.account),
        AccessKeys: accessKeysOf(user),
      }),
    );
  }
  for (const group of inventory.ofType(ResourceTypes.Group)) {
    documents.set(
      group,
      withRelated(group, {
        Policies: groupPolicies(group, true) as unknown as JsonValue,
        SessionKmsKeys: keysOf(group.account),
      }),
    );
  }

  // Filled in by `linkInstances` below the first time a document of its types is asked for, in
  // the order of the inventory: a run judges them in that order, and lists spare it a lookup by
  // resource in a table of tens of thousands of them. They go into `documents` only when one of
  // them is asked for by resource.
  let instancesLinked = false;
  const linkedDocuments = new Map<ResourceType, JsonObject[]>();
  let linkedInDocuments = false;
  const linkInstances = (): void => {
    instancesLinked = true;
    // Instance profiles come from their own resources or, as GetAccountAuthorizationDetails gives
    // them, from the roles' InstanceProfileList.
    const profilesByArn = new Map<string, Document>();
    for (const profile of inventory.ofType(ResourceTypes.InstanceProfile)) {
      const arn = str(profile.properties.Arn);
      if (arn) profilesByArn.set(arn, profile.properties);
    }
    for (const role of inventory.ofType(ResourceTypes.Role)) {
      for (const profile of list(role.properties.InstanceProfileList)) {
        const arn = str(obj(profile)?.Arn);
        if (arn && !profilesByArn.has(arn)) profilesByArn.set(arn, obj(profile)!);
      }
    }

    // Each managed node and security group with what linking the instances finds for it, in the
    // order of the inventory: found through the index, an entry takes it without a lookup by
    // resource. Each managed node's instance is found from the instance's side: the instance
    // looks its node up anyway, and indexing every instance by id as well cost as much as linking
    // them.
    const nodes = inventory.ofType(ResourceTypes.ManagedInstance).map((managed): NodeLinks => ({
      managed,
      instance: undefined,
    }));
    const managedInstances = indexedByResource(nodes, (node) => node.managed);
    const groupLinks = inventory.ofType(ResourceTypes.SecurityGroup).map((group): GroupLinks => ({
      group,
      instances: undefined,
    }));
    const securityGroups = indexedByResource(groupLinks, (links) => links.group);

    // The role documents a profile gives, found once for each profile and account: a few thousand
    // profiles serve tens of thousands of instances. Each instance gets a list of its own.
    const profileRoles = new Map<Document, { account: string; roles: JsonValue[] }>();
    const rolesOfProfile = (profile: Document, account: string): readonly JsonValue[] => {
      let known = profileRoles.get(profile);
      if (known === undefined || known.account !== account) {
        const roles: JsonValue[] = [];
        for (const entry of list(profile.Roles)) {
          const role = roleDocumentsByName.get(account, "", str(obj(entry)?.RoleName));
          if (role !== undefined) roles.push(role);
        }
        profileRoles.set(profile, (known = { account, roles }));
      }
      return known.roles;
    };

    const instanceDocuments: JsonObject[] = [];
    // The groups of each instance are gathered here, then copied out at their number: an array
    // grown by push from empty makes room for sixteen, and tens of thousands of instances each
    // keep one for a group or two.
    const gathered: JsonValue[] = [];
    for (const instance of inventory.ofType(ResourceTypes.Instance)) {
      const { account, region } = instance;
      const profileArn = str(obj(instance.properties.IamInstanceProfile)?.Arn);
      const profile = profileArn ? (profilesByArn.get(profileArn) ?? null) : null;
      const roles = profile === null ? [] : rolesOfProfile(profile, account).slice();
      let groupCount = 0;
      // One summary for every group the instance is in: the groups' documents share it.
      let summary: JsonValue | undefined;
      for (const entry of list(instance.properties.SecurityGroups)) {
        const links = securityGroups.get(account, region, str(obj(entry)?.GroupId));
        if (links === undefined) continue;
        gathered[groupCount++] = links.group.properties;
        summary ??= instanceSummary(instance);
        if (links.instances) links.instances.push(summary);
        else links.instances = [summary];
      }
      const node = managedInstances.get(account, region, instance.id);
      if (node !== undefined) node.instance = instance;
      const managed = node?.managed;
      instanceDocuments.push(
        withRelated(instance, {
          InstanceProfile: profile,
          Roles: roles,
          ManagedInstance: managed ? managed.properties : null,
          SecurityGroups: gathered.slice(0, groupCount),
        }),
      );
    }
    linkedDocuments.set(ResourceTypes.Instance, instanceDocuments);
    linkedDocuments.set(
      ResourceTypes.SecurityGroup,
      groupLinks.map(({ group, instances }) => withRelated(group, { Instances: instances ?? [] })),
    );
    linkedDocuments.set(
      ResourceTypes.ManagedInstance,
      nodes.map(({ managed, instance: linked }) => {
        // A node listed twice is only in the index once; the other listing has the same instance.
        const instance =
          linked ?? managedInstances.get(managed.account, managed.region, managed.id)!.instance;
        return withRelated(managed, { Instance: instance ? instanceSummary(instance) : null });
      }),
    );
  };
  const linkedDocumentsOf = (type: ResourceType): readonly JsonObject[] => {
    if (!instancesLinked) linkInstances();
    return linkedDocuments.get(type)!;
  };

  // EventBridge receives a session's StartSession call in the region it was made in, and only
  // when a trail records it; a trail of any home region records every region when it is
  // multi-region, so the account's trails all relate to each region.
  const eventRules = new ScopedIndex<JsonValue[]>();
  for (const rule of inventory.ofType(ResourceTypes.EventRule)) {
    const listed = eventRules.get(rule.account, rule.region, "");
    if (listed) listed.push(rule.properties);
    else eventRules.set(rule.account, rule.region, "", [rule.properties]);
  }
  const trails = new Map<string, JsonValue[]>();
  for (const trail of inventory.ofType(ResourceTypes.Trail)) {
    // A Config item does not say whether its trail logs, nor what its custom selectors record.
    if (firstUnknown(trail.properties) !== undefined) holdsUnknowns = true;
    const listed = trails.get(trail.account);
    if (listed) listed.push(trail.properties);
    else trails.set(trail.account, [trail.properties]);
  }
  for (const preferences of inventory.ofType(ResourceTypes.SessionPreferences)) {
    const { account, region } = preferences;
    documents.set(
      preferences,
      withRelated(preferences, {
        EventRules: eventRules.get(account, region, "") ?? [],
        Trails: trails.get(account) ?? [],
      }),
    );
  }
  return {
    documents,
    documentOf(resource: Resource): JsonObject | undefined {
      const document = documents.get(resource);
      if (document !== undefined || linkedInDocuments || !LINKED_ON_DEMAND.has(resource.type))
        return document;
      linkedInDocuments = true;
      for (const type of LINKED_ON_DEMAND) {
        const linked = linkedDocumentsOf(type);
        inventory.ofType(type).forEach((each, index) => documents.set(each, linked[index]!));
      }
      return documents.get(resource);
    },
    documentsOfType(type: ResourceType): readonly JsonObject[] | undefined {
      return LINKED_ON_DEMAND.has(type) ? linkedDocumentsOf(type) : undefined;
    },
    holdsUnknowns,
  };
}

/** `entries` by the account, region and id of the resource each is about. */
function indexedByResource<T>(entries: readonly T[], resourceOf: (entry: T) => Resource): ScopedIndex<T> {
  const index = new ScopedIndex<T>();
  for (const entry of entries) {
    const { account, region, id } = resourceOf(entry);
    index.set(account, region, id, entry);
  }
  return index;
}

interface NodeLinks {
  managed: Resource;
  /** The instance that names the node's id, once one has. */
  instance: Resource | undefined;
}

interface GroupLinks {
  group: Resource;
  /** Summaries of the instances in the group, once one is. */
  instances: JsonValue[] | undefined;
}

function withRelated(resource: Resource, related: Document): JsonObject {
  const { properties } = resource;
  // Assigning to an own `__proto__` key would set the copy's prototype instead: such properties
  // (which JSON.parse can produce) are spread, the rest copied by Object.assign, which takes half
  // the time of a spread for the tens of thousands of documents of a large account.
  if (Object.hasOwn(properties, "__proto__")) return { ...properties, related };
  const document: Document = Object.assign({}, properties);
  document.related = related;
  return document;
}

function instanceSummary(instance: Resource): JsonValue {
  const { InstanceId, State, PublicIpAddress, KeyName } = instance.properties;
  return {
    InstanceId: InstanceId ?? instance.id,
    State: State ?? null,
    PublicIpAddress: PublicIpAddress ?? null,
    KeyName: KeyName ?? null,
  };
}

/**
 * The session key of preferences whose content, inputs or `kmsKeyId` the data leaves unknown, as
 * an unknown value naming the document; `undefined` when the key (or its absence) is known.
 */
function unknownSessionKey(preferences: Resource): JsonValue | undefined {
  const content = preferences.properties.Content;
  const inputs = obj(content)?.inputs;
  const kmsKeyId = obj(inputs)?.kmsKeyId;
  const unknown = [content, inputs, kmsKeyId].find((value) => isUnknown(value));
  if (unknown === undefined) return undefined;
  return unknownValue(
    `the session key of Session Manager preferences ${preferences.id} is not known: ${unknown.$unknown}`,
  );
}

/** `kmsKeyId` may be a key id, an alias or an ARN; policies name keys by ARN. */
function kmsKeyArn(kmsKeyId: string, preferences: Resource): string {
  if (kmsKeyId.startsWith("arn:")) return kmsKeyId;
  const { region, account } = preferences;
  const partition = partitionOfArn(preferences.arn);
  if (kmsKeyId.startsWith("alias/")) return `arn:${partition}:kms:${region}:${account}:${kmsKeyId}`;
  return `arn:${partition}:kms:${region}:${account}:key/${kmsKeyId}`;
}
