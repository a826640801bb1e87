import { evaluateRule } from "../engine/evaluate.js";
import type { Rule } from "../engine/rule.js";
import type { CollectionError, Scope } from "../model/collection-error.js";
import { Inventory } from "../model/inventory.js";
import {
  GLOBAL_REGION,
  ResourceTypes,
  type JsonValue,
  type Resource,
  type ResourceType,
} from "../model/resource.js";
import { mapLimit } from "../sources/aws/concurrency.js";
import type { AccountScope } from "../sources/aws/normalize.js";
import type { ReadResult } from "../sources/aws/types.js";
import { readError } from "../sources/aws/targeted/errors.js";
import type { LambdaClients } from "./clients.js";
import { loadReaders } from "./load-readers.js";

/**
 * What a configuration item lacks and a rule needs, read with as few calls as the rules allow.
 *
 * A rule declares the other types it reads through `related` (`uses`); those are what is read,
 * for the item's resource only: an instance's profile, role and policies, its Systems Manager
 * record, its security groups; a principal's managed policies and groups; the account's Session
 * Manager preferences, whose KMS keys principals must be allowed to use. A rule whose
 * `applies-when` never looks at `related` and already finds the resource not applicable (a
 * stopped instance, an instance without a public address) needs nothing. A need this module
 * cannot meet becomes a collection error, so that the rule reports `error` instead of judging
 * the resource without the data.
 */

export interface RuleRun {
  id: string;
  rule: Rule;
  params: Record<string, JsonValue>;
}

export interface RelatedData {
  resources: Resource[];
  errors: CollectionError[];
  /** Regions whose preferences were read: those without a document get Session Manager's defaults. */
  scopes: Scope[];
}

export interface ReadContext {
  clients: LambdaClients;
  scope: AccountScope;
  /** Regions to read Session Manager preferences from; all enabled regions when absent. */
  preferenceRegions?: readonly string[];
}

const PRINCIPALS: readonly ResourceType[] = [ResourceTypes.Role, ResourceTypes.User, ResourceTypes.Group];
const INSTANCE_IAM: readonly ResourceType[] = [
  ResourceTypes.InstanceProfile,
  ResourceTypes.Role,
  ResourceTypes.ManagedPolicy,
];

/** Regions whose preferences are read at once. */
const REGION_CONCURRENCY = 6;

/** The types, other than the rule's own, that the rule needs to judge `target`. */
export function neededTypes(run: RuleRun, target: Resource): ResourceType[] {
  const own = run.rule.metadata.resourceTypes;
  const related = run.rule.dependsOn.filter((type) => !own.includes(type));
  if (related.length === 0) return [];
  const appliesWhen = run.rule.definition["applies-when"];
  if (appliesWhen !== undefined && !JSON.stringify(appliesWhen).includes("related")) {
    const bare = new Inventory({ resources: [target] });
    if (evaluateRule(run.rule, target, bare, run.params).status === "not_applicable") return [];
  }
  return related;
}

export async function readRelated(
  target: Resource,
  needed: ReadonlySet<ResourceType>,
  context: ReadContext,
): Promise<RelatedData> {
  const data: RelatedData = { resources: [], errors: [], scopes: [] };
  const add = (result: ReadResult) => {
    data.resources.push(...result.resources);
    data.errors.push(...result.errors);
  };
  const handled = new Set<ResourceType>();
  const want = (...types: readonly ResourceType[]) => {
    const wanted = types.filter((type) => needed.has(type));
    for (const type of wanted) handled.add(type);
    return wanted.length > 0;
  };
  const { clients, scope } = context;

  if (target.type === ResourceTypes.Instance) {
    const region = target.region;
    if (want(ResourceTypes.ManagedInstance)) {
      const { readManagedInstance } = await loadReaders();
      add(await readManagedInstance(await clients.ssm(region), scope, region, target.id));
    }
    if (want(...INSTANCE_IAM)) {
      const profileArn = text(object(target.properties.IamInstanceProfile)?.Arn);
      if (profileArn) {
        const iamReads = await loadReaders();
        const iam = await clients.iam();
        const profile = await iamReads.readInstanceProfile(iam, scope, profileArn);
        add(profile);
        if (needed.has(ResourceTypes.ManagedPolicy)) {
          const roles = profile.resources.filter((resource) => resource.type === ResourceTypes.Role);
          add(await iamReads.readManagedPolicies(iam, scope, roles.flatMap(attachedPolicyArns)));
        }
      }
    }
    if (want(ResourceTypes.SecurityGroup)) {
      const ids = list(target.properties.SecurityGroups)
        .map((group) => text(object(group)?.GroupId))
        .filter((id): id is string => id !== undefined);
      const { readSecurityGroupsById } = await loadReaders();
      add(await readSecurityGroupsById(await clients.ec2(region), scope, region, ids));
    }
  }

  if (PRINCIPALS.includes(target.type)) {
    if (want(ResourceTypes.ManagedPolicy, ResourceTypes.Group)) {
      const iamReads = await loadReaders();
      const iam = await clients.iam();
      const arns = attachedPolicyArns(target);
      if (target.type === ResourceTypes.User) {
        // A user's permissions include its groups' policies.
        const names = list(target.properties.GroupList)
          .map(text)
          .filter((name): name is string => name !== undefined);
        const groups = await iamReads.readGroups(iam, scope, names);
        add(groups);
        arns.push(...groups.resources.flatMap(attachedPolicyArns));
      }
      add(await iamReads.readManagedPolicies(iam, scope, arns));
    }
    // AWS Config records no access keys: the account's credential report holds the user's.
    if (target.type === ResourceTypes.User && want(ResourceTypes.AccessKey)) {
      const { readCredentialReport } = await loadReaders();
      const report = await readCredentialReport(await clients.iam(), scope, () => undefined);
      add({
        resources: report.resources.filter((key) => key.properties.UserName === target.id),
        errors: report.errors,
      });
    }
  }

  if (want(ResourceTypes.SessionPreferences)) {
    const preferences = await readAllPreferences(context);
    add(preferences);
    data.scopes.push(...preferences.scopes);
  }

  for (const type of needed) {
    if (handled.has(type)) continue;
    data.errors.push({
      account: target.account,
      region: target.region,
      service: "access-baseline",
      operation: "ReadRelated",
      code: "NotSupported",
      message: `the Config rule function does not read ${type} data for ${target.type} items`,
      resourceTypes: [type],
    });
  }
  return data;
}

/**
 * The Session Manager preferences of every region (or of `preferenceRegions`): the KMS keys they
 * name are the keys principals who start sessions must be allowed to use.
 */
export async function readAllPreferences(context: ReadContext): Promise<ReadResult & { scopes: Scope[] }> {
  const { clients, scope } = context;
  let regions = context.preferenceRegions;
  if (!regions) {
    const { readEnabledRegions } = await loadReaders();
    try {
      regions = await readEnabledRegions(await clients.ec2(clients.region));
    } catch (error) {
      const call = { service: "ec2", operation: "DescribeRegions", iamAction: "ec2:DescribeRegions" };
      const where = { account: scope.account, region: GLOBAL_REGION };
      return {
        resources: [],
        errors: [readError(call, where, error, [ResourceTypes.SessionPreferences])],
        scopes: [],
      };
    }
  }
  const { readPreferences } = await loadReaders();
  const sorted = [...new Set(regions)].sort();
  const read = await mapLimit(sorted, REGION_CONCURRENCY, async (region) =>
    readPreferences(await clients.ssm(region), scope, region),
  );
  return {
    resources: read.flatMap((result) => result.resources),
    errors: read.flatMap((result) => result.errors),
    scopes: sorted.map((region) => ({ account: scope.account, region })),
  };
}

function attachedPolicyArns(principal: Resource): string[] {
  return list(principal.properties.AttachedManagedPolicies)
    .map((attached) => text(object(attached)?.PolicyArn))
    .filter((arn): arn is string => arn !== undefined);
}

function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function object(value: JsonValue | undefined): { [key: string]: JsonValue } | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The types the scheduled preferences evaluation reads for the rules that judge preferences. */
export const PREFERENCES_READS: ReadonlySet<ResourceType> = new Set([
  ResourceTypes.SessionPreferences,
  ResourceTypes.Trail,
  ResourceTypes.EventRule,
]);

/**
 * The region's trails and event rules, for the preferences rules that relate to them
 * (session-start alerting); nothing when none of `runs` does. Every trail that records the
 * region is read, multi-region trails of other regions included, since the region is judged alone.
 */
export async function readPreferencesRelated(
  clients: LambdaClients,
  scope: AccountScope,
  region: string,
  runs: readonly RuleRun[],
): Promise<ReadResult> {
  const needs = (type: ResourceType) => runs.some((run) => run.rule.dependsOn.includes(type));
  const parts: Promise<ReadResult>[] = [];
  const ignorePages = () => undefined;
  if (needs(ResourceTypes.Trail)) {
    const { readTrails } = await loadReaders();
    parts.push(readTrails(await clients.cloudtrail(region), scope, region, ignorePages, "recording"));
  }
  if (needs(ResourceTypes.EventRule)) {
    const { readEventRules } = await loadReaders();
    parts.push(readEventRules(await clients.events(region), scope, region, ignorePages));
  }
  const results = await Promise.all(parts);
  return {
    resources: results.flatMap((result) => result.resources),
    errors: results.flatMap((result) => result.errors),
  };
}
