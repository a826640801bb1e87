import { PACKAGE } from "../assets.js";
import { describeMissing } from "../engine/evaluate.js";
import type { RuleResult } from "../engine/result.js";
import type { CollectionError } from "../model/collection-error.js";
import { PREFERENCES_DOCUMENT, type Inventory } from "../model/inventory.js";
import { evaluateResources, relate } from "../pipeline/run.js";
import {
  GLOBAL_REGION,
  ResourceTypes,
  isResourceType,
  type Resource,
  type ResourceType,
} from "../model/resource.js";
import { ApiCallCounter, type ApiCallCounts } from "../sources/aws/call-counter.js";
import type { AccountScope } from "../sources/aws/normalize.js";
import {
  ConfigurationItemError,
  EVALUABLE_STATUSES,
  readConfigurationItem,
  readItemSummary,
  type ConfigurationItem,
  type ItemIdentity,
} from "../sources/config-item/item.js";
import { partitionOfArn, resourceTypeSpec } from "../model/resource-types.js";
import { resourceFromItem } from "../sources/config-item/normalize.js";
import { builtinRuleSources } from "./builtin-rules.js";
import { LambdaClients } from "./clients.js";
import { EvaluationIncompleteError, InvalidEventError } from "./errors.js";
import { combine, onePerResource, putEvaluations, type Verdict } from "./evaluations.js";
import { loadReaders } from "./load-readers.js";
import { CHANGE, OVERSIZED, SCHEDULED, parseEvent, timestampOf, type ConfigRuleEvent } from "./event.js";
import { Logger, STDOUT_SINK, type LogSink } from "./log.js";
import {
  checkOverrides,
  paramsFor,
  parseRuleParameters,
  selectRules,
  type RuleSelection,
} from "./parameters.js";
import { RuleCatalog } from "./rule-catalog.js";
import {
  PREFERENCES_READS,
  neededTypes,
  readAllPreferences,
  readPreferencesRelated,
  readRelated,
  type ReadContext,
  type RuleRun,
} from "./related.js";

/**
 * The AWS Config custom rule function: the same rules and verdicts as the CLI, for every change
 * AWS Config records and on a schedule.
 *
 * - A change notification (or an oversized one, whose item is fetched with
 *   GetResourceConfigHistory) is judged by every selected rule for the item's type: the item
 *   becomes a canonical resource, the data its rules need beyond it is read, and the engine
 *   evaluates it exactly as the CLI would. Deleted or out-of-scope items are NOT_APPLICABLE,
 *   decided from the status alone; an item that exists but is not recorded is not judged.
 * - A scheduled notification judges the region's Session Manager preferences (reported on the
 *   account, since a region may have no preferences document at all) and every role, user and
 *   group of the account (users with their access keys, from the credential report: AWS Config
 *   records no access keys).
 * - Verdicts are sent with PutEvaluations. Whatever could not be decided — a rule `error`, data
 *   that could not be read, an evaluation Config did not record — is logged and makes the
 *   invocation fail once everything decided has been sent: Config then shows the failure and
 *   never records a compliant verdict that nobody decided.
 */

export interface LambdaContext {
  awsRequestId?: string;
}

export interface ResultSummary {
  ruleId: string;
  resourceType: string;
  resourceId: string;
  status: RuleResult["status"];
  message: string;
}

/** What an invocation did (Lambda ignores it; tests and local runs read it). */
export interface InvocationSummary {
  messageType: string;
  evaluations: Verdict[];
  results: ResultSummary[];
  apiCalls: ApiCallCounts;
}

export interface HandlerOptions {
  env?: NodeJS.ProcessEnv;
  sink?: LogSink;
  clients?: LambdaClients;
  catalog?: RuleCatalog;
}

export type Handler = (event: unknown, context?: LambdaContext) => Promise<InvocationSummary>;

const PRINCIPAL_TYPES: readonly ResourceType[] = [
  ResourceTypes.Role,
  ResourceTypes.User,
  ResourceTypes.Group,
];
const ACCOUNT_TYPE = "AWS::::Account";

/** What one invocation decided, and what it could not. */
interface Outcome {
  verdicts: Verdict[];
  results: ResultSummary[];
  problems: string[];
}

export function createHandler(options: HandlerOptions = {}): Handler {
  const env = options.env ?? process.env;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  const clients =
    options.clients ??
    new LambdaClients({ region, userAgent: `access-baseline-config-rule/${PACKAGE.version}` });
  const baseLog = new Logger(options.sink ?? STDOUT_SINK, { function: "access-baseline-config-rule" });
  const preferenceRegions = regionList(env.PREFERENCE_REGIONS);
  let catalog = options.catalog;
  let invocations = 0;

  return async (rawEvent, context) => {
    const started = performance.now();
    const coldStart = invocations === 0;
    invocations += 1;
    clients.counter = new ApiCallCounter();
    catalog ??= new RuleCatalog(builtinRuleSources());
    let log = baseLog.with({ requestId: context?.awsRequestId });
    try {
      const event = parseEvent(rawEvent);
      const messageType = event.invokingEvent.messageType;
      log = log.with({ configRule: event.configRuleName, messageType });
      const selection = selectRules(parseRuleParameters(event.ruleParameters), catalog);
      checkOverrides(selection, catalog);
      const invocation: Invocation = {
        event,
        selection,
        catalog,
        clients,
        log,
        ...(preferenceRegions ? { preferenceRegions } : {}),
      };
      const outcome =
        messageType === SCHEDULED ? await evaluateScheduled(invocation) : await evaluateChange(invocation);
      const single = onePerResource(outcome.verdicts);
      outcome.verdicts = single.verdicts;
      for (const conflict of single.conflicts) {
        const problem =
          `${conflict.resourceType} ${conflict.resourceId} was judged more than once, ` +
          `with different verdicts (${conflict.compliance.join(", ")}): none is sent`;
        log.error("not-evaluated", {
          resourceType: conflict.resourceType,
          resourceId: conflict.resourceId,
          message: problem,
        });
        outcome.problems.push(problem);
      }

      let batches = 0;
      if (outcome.verdicts.length > 0) {
        const sent = await putEvaluations(await clients.config(), outcome.verdicts, event.resultToken);
        batches = sent.batches;
        for (const failed of sent.failed) {
          const problem = `Config did not record ${failed.compliance} for ${failed.resourceType} ${failed.resourceId}`;
          log.error("evaluation-not-recorded", {
            resourceType: failed.resourceType,
            resourceId: failed.resourceId,
          });
          outcome.problems.push(problem);
        }
      }
      const apiCalls = clients.counter.snapshot();
      log.info("invocation", {
        coldStart,
        evaluations: outcome.verdicts.length,
        batches,
        notEvaluated: outcome.problems.length,
        apiCalls: clients.counter.total,
        durationMs: elapsed(started),
        version: PACKAGE.version,
      });
      if (outcome.problems.length > 0) {
        throw new EvaluationIncompleteError(
          `${outcome.problems.length} verdict(s) could not be decided or recorded; the invocation fails so that ` +
            `AWS Config does not take them as compliant: ${outcome.problems.slice(0, 5).join("; ")}` +
            (outcome.problems.length > 5 ? `; and ${outcome.problems.length - 5} more` : ""),
          outcome.problems,
        );
      }
      return { messageType, evaluations: outcome.verdicts, results: outcome.results, apiCalls };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      log.error("invocation-failed", {
        error: failure.name,
        message: failure.message,
        durationMs: elapsed(started),
        apiCalls: clients.counter.total,
      });
      throw failure;
    }
  };
}

let defaultHandler: Handler | undefined;

/** The Lambda entry point (`index.handler` in the bundle). */
export async function handler(event: unknown, context?: LambdaContext): Promise<InvocationSummary> {
  defaultHandler ??= createHandler();
  return defaultHandler(event, context);
}

// ---------------------------------------------------------------------------------------------

interface Invocation {
  event: ConfigRuleEvent;
  selection: RuleSelection;
  catalog: RuleCatalog;
  clients: LambdaClients;
  log: Logger;
  preferenceRegions?: readonly string[];
}

async function evaluateChange(invocation: Invocation): Promise<Outcome> {
  const { event } = invocation;
  const outcome: Outcome = { verdicts: [], results: [], problems: [] };
  // The item itself, or, for an oversized one, its summary: the item is then fetched, once the
  // summary shows it is to be judged.
  let identity: ItemIdentity;
  let notified: { item: ConfigurationItem } | { summary: OversizedSummary };
  if (event.invokingEvent.messageType === CHANGE) {
    const item = readItem(() =>
      readConfigurationItem((event.invokingEvent as { configurationItem: unknown }).configurationItem),
    );
    identity = identityOf(item);
    notified = { item };
  } else if (event.invokingEvent.messageType === OVERSIZED) {
    const summary = readItem(() =>
      readItemSummary(
        (event.invokingEvent as { configurationItemSummary: unknown }).configurationItemSummary,
      ),
    );
    identity = summary;
    notified = { summary };
  } else {
    throw new InvalidEventError(`unexpected ${event.invokingEvent.messageType}`);
  }
  const timestamp = timestampOf(identity.captureTime, "configurationItemCaptureTime");
  const notApplicable = (reason: string) => {
    outcome.verdicts.push({
      resourceType: identity.resourceType,
      resourceId: identity.resourceId,
      compliance: "NOT_APPLICABLE",
      annotation: reason,
      timestamp,
    });
    invocation.log.info("evaluation", {
      resourceType: identity.resourceType,
      resourceId: identity.resourceId,
      verdict: "NOT_APPLICABLE",
      annotation: reason,
    });
    return outcome;
  };
  // No verdict is sent: the resource keeps the one it had, and the invocation fails.
  const notEvaluated = (message: string) => {
    outcome.problems.push(message);
    invocation.log.error("not-evaluated", {
      resourceType: identity.resourceType,
      resourceId: identity.resourceId,
      message,
    });
    return outcome;
  };

  // Applicability comes from the status and the scope flag alone: a deleted item's configuration
  // is null and is never read.
  if (event.eventLeftScope) return notApplicable("the resource is no longer in the rule's scope");
  if (identity.status === "ResourceNotRecorded") {
    // The resource exists, but the recorder keeps none of its configuration: NOT_APPLICABLE would
    // replace a NON_COMPLIANT verdict on a resource that may still be open, so nothing is sent.
    return notEvaluated(
      `${identity.resourceType} ${identity.resourceId} exists but its configuration is not recorded ` +
        "(ResourceNotRecorded): record this resource type to have it judged",
    );
  }
  if (!EVALUABLE_STATUSES.has(identity.status))
    return notApplicable(`the item's status is ${identity.status}`);
  const type = identity.resourceType;
  if (!isResourceType(type)) return notApplicable(`access-baseline has no rule for ${type}`);
  const ids = idsFor(invocation, type);
  if (ids.length === 0) return notApplicable(`none of this Config rule's rules applies to ${type}`);

  const item = "item" in notified ? notified.item : await fetchOversizedItem(invocation, notified.summary);
  const contradiction = itemContradiction(item, event.accountId);
  if (contradiction !== undefined) return notEvaluated(`${type} ${identity.resourceId}: ${contradiction}`);

  let target: Resource;
  let carried: Resource[] = [];
  let extra: {
    resources: Resource[];
    errors: CollectionError[];
    scopes: { account: string; region: string }[];
  } = {
    resources: [],
    errors: [],
    scopes: [],
  };
  const scope: AccountScope = { account: item.awsAccountId, partition: partitionOfArn(item.ARN) };
  const context: ReadContext = {
    clients: invocation.clients,
    scope,
    ...(invocation.preferenceRegions ? { preferenceRegions: invocation.preferenceRegions } : {}),
  };
  if (type === ResourceTypes.SessionPreferences) {
    // Document items are not known to carry the document's content: the document is read.
    if ((item.resourceName ?? item.resourceId) !== PREFERENCES_DOCUMENT) {
      return notApplicable(`only ${PREFERENCES_DOCUMENT} holds Session Manager preferences`);
    }
    const preferences = await readAllPreferences({ ...context, preferenceRegions: [item.awsRegion] });
    const inventory = relate({
      resources: preferences.resources,
      scopes: preferences.scopes,
      collectionErrors: preferences.errors,
    });
    const found = inventory.ofType(ResourceTypes.SessionPreferences)[0];
    if (!found) return notEvaluated(describeMissing(preferences.errors));
    target = found;
    extra = {
      resources: inventory.resources.filter((resource) => resource !== found),
      errors: preferences.errors,
      scopes: [],
    };
  } else {
    const conversion = resourceFromItem(item);
    if (!conversion.ok) {
      if (conversion.unsupported) return notApplicable(conversion.message);
      return notEvaluated(conversion.message);
    }
    target = conversion.resource;
    carried = conversion.carried;
    const idField = CONFIGURATION_ID_FIELDS.get(type);
    const configured = idField !== undefined ? target.properties[idField] : undefined;
    if (typeof configured === "string" && configured !== identity.resourceId) {
      // The verdict is recorded on the item's resource id: it must be about that resource.
      return notEvaluated(`${type} ${identity.resourceId}: the configuration is of ${idField} ${configured}`);
    }
  }

  const runs = ids.map((id) => runOf(invocation, id));
  const needed = new Set(runs.flatMap((run) => neededTypes(run, target)));
  const readStarted = performance.now();
  if (needed.size > 0) {
    const related = await readRelated(target, needed, context);
    extra = {
      resources: [...extra.resources, ...related.resources],
      errors: [...extra.errors, ...related.errors],
      scopes: related.scopes,
    };
    invocation.log.info("related-data", {
      resourceType: type,
      resourceId: identity.resourceId,
      types: [...needed],
      resources: related.resources.length,
      errors: related.errors.length,
      durationMs: elapsed(readStarted),
    });
  }
  const inventory = relate({
    resources: [target, ...carried, ...extra.resources],
    scopes: extra.scopes,
    collectionErrors: extra.errors,
  });
  judge(invocation, outcome, target, runs, inventory, { type, id: identity.resourceId }, timestamp);
  return outcome;
}

async function evaluateScheduled(invocation: Invocation): Promise<Outcome> {
  const { event, clients, log } = invocation;
  const invoking = event.invokingEvent as { awsAccountId?: string; notificationCreationTime: string };
  const named = [
    ["invokingEvent.awsAccountId", invoking.awsAccountId],
    ["accountId", event.accountId],
    ["configRuleArn", /^arn:[^:]+:config:[^:]*:(\d+):/.exec(event.configRuleArn ?? "")?.[1]],
  ].filter((entry): entry is [string, string] => entry[1] !== undefined);
  const account = named[0]?.[1];
  if (!account) throw new InvalidEventError(`${SCHEDULED} without an account id`);
  // The verdicts are recorded on the account the event names: two accounts leave that a guess.
  const other = named.find(([, id]) => id !== account);
  if (other !== undefined) {
    throw new InvalidEventError(
      `${SCHEDULED} names two accounts: ${named[0]![0]} ${account} and ${other[0]} ${other[1]}`,
    );
  }
  const timestamp = timestampOf(invoking.notificationCreationTime, "notificationCreationTime");
  const scope: AccountScope = { account, partition: partitionOfArn(event.configRuleArn) };
  const region = clients.region;
  const outcome: Outcome = { verdicts: [], results: [], problems: [] };
  const context: ReadContext = {
    clients,
    scope,
    ...(invocation.preferenceRegions ? { preferenceRegions: invocation.preferenceRegions } : {}),
  };

  const preferenceIds = idsFor(invocation, ResourceTypes.SessionPreferences);
  const principalIds = [...new Set(PRINCIPAL_TYPES.flatMap((type) => idsFor(invocation, type)))];
  const periodic = new Set([...preferenceIds, ...principalIds]);
  const changeOnly = invocation.selection.ruleIds.filter((id) => !periodic.has(id));
  if (changeOnly.length > 0 && invocation.selection.explicit) {
    log.info("skipped-on-schedule", {
      rules: changeOnly,
      reason: "these rules judge configuration changes only",
    });
  }

  if (preferenceIds.length > 0) {
    const { readPreferences } = await loadReaders();
    const read = await readPreferences(await clients.ssm(region), scope, region);
    const runs = preferenceIds.map((id) => runOf(invocation, id));
    const related = await readPreferencesRelated(clients, scope, region, runs);
    // Other data a preferences rule relates to is not read here: the rule reports an error
    // rather than judge the region without it.
    const unread = [...new Set(runs.flatMap((run) => run.rule.dependsOn))].filter(
      (type) => !PREFERENCES_READS.has(type),
    );
    const inventory = relate({
      resources: [...read.resources, ...related.resources],
      scopes: [{ account, region }],
      collectionErrors: [
        ...read.errors,
        ...related.errors,
        ...unread.map((type) => ({
          account,
          region,
          service: "access-baseline",
          operation: "ReadRelated",
          code: "NotSupported",
          message: `the Config rule function does not read ${type} data for Session Manager preferences`,
          resourceTypes: [type],
        })),
      ],
    });
    const documents = inventory.ofType(ResourceTypes.SessionPreferences);
    if (documents.length === 0) {
      const message = `Session Manager preferences of ${account}/${region}: ${describeMissing(read.errors)}`;
      outcome.problems.push(message);
      log.error("not-evaluated", { resourceType: ACCOUNT_TYPE, resourceId: account, message });
    }
    for (const document of documents) {
      // Reported on the account: the region may have no document, and Config would not show a
      // verdict on a resource it never recorded.
      judge(invocation, outcome, document, runs, inventory, { type: ACCOUNT_TYPE, id: account }, timestamp);
    }
  }

  if (principalIds.length > 0) {
    const { readAuthorizationDetails } = await loadReaders();
    const read = await readAuthorizationDetails(await clients.iam(), scope, () => undefined);
    const runs = principalIds.map((id) => runOf(invocation, id));
    const resources = [...read.resources];
    const errors = [...read.errors];
    const scopes: { account: string; region: string }[] = [];
    if (runs.some((run) => run.rule.dependsOn.includes(ResourceTypes.AccessKey))) {
      const { readCredentialReport } = await loadReaders();
      const keys = await readCredentialReport(await clients.iam(), scope, () => undefined);
      resources.push(...keys.resources);
      errors.push(...keys.errors);
    }
    if (runs.some((run) => run.rule.dependsOn.includes(ResourceTypes.SessionPreferences))) {
      const preferences = await readAllPreferences(context);
      resources.push(...preferences.resources);
      errors.push(...preferences.errors);
      scopes.push(...preferences.scopes);
    }
    const inventory = relate({ resources, scopes, collectionErrors: errors });
    // Principals that could not be listed cannot be judged, and their absence must not pass.
    const unlisted = read.errors.filter((error) =>
      error.resourceTypes.some((type) => PRINCIPAL_TYPES.includes(type)),
    );
    for (const error of unlisted) {
      const message = describeMissing([error]);
      outcome.problems.push(message);
      log.error("not-evaluated", { resourceType: ACCOUNT_TYPE, resourceId: account, message });
    }
    for (const type of PRINCIPAL_TYPES) {
      const typeRuns = runs.filter((run) => run.rule.metadata.resourceTypes.includes(type));
      if (typeRuns.length === 0) continue;
      for (const principal of inventory.ofType(type)) {
        // The id AWS Config knows an IAM entity by, not its name.
        const field = resourceTypeSpec(type).config!.idField;
        const configId = principal.properties[field];
        if (typeof configId !== "string" || configId === "") {
          const message = `${type} ${principal.id} has no ${field}, which AWS Config identifies it by`;
          outcome.problems.push(message);
          log.error("not-evaluated", { resourceType: type, resourceId: principal.id, message });
          continue;
        }
        judge(invocation, outcome, principal, typeRuns, inventory, { type, id: configId }, timestamp);
      }
    }
  }
  return outcome;
}

/** Evaluates `runs` on `target` with the CLI's engine, and records the combined verdict. */
function judge(
  invocation: Invocation,
  outcome: Outcome,
  target: Resource,
  runs: readonly RuleRun[],
  inventory: Inventory,
  reported: { type: string; id: string },
  timestamp: Date,
): void {
  const started = performance.now();
  const results = evaluateResources(
    runs.map((run) => run.rule),
    inventory,
    { params: new Map(runs.map((run) => [run.rule.metadata.id, run.params])) },
    [target],
  );
  const durationMs = elapsed(started);
  for (const result of results) {
    outcome.results.push({
      ruleId: result.ruleId,
      resourceType: reported.type,
      resourceId: reported.id,
      status: result.status,
      message: result.message,
    });
  }
  const rules = Object.fromEntries(results.map((result) => [result.ruleId, result.status]));
  // Every rule that could not judge is reported, even when another rule's failure already decides
  // the verdict: the invocation fails so that the gap is seen and the event retried.
  for (const error of results.filter((result) => result.status === "error")) {
    outcome.problems.push(`${error.ruleId} on ${reported.type} ${reported.id}: ${error.message}`);
    invocation.log.error("not-evaluated", {
      rule: error.ruleId,
      resourceType: reported.type,
      resourceId: reported.id,
      message: error.message,
    });
  }
  // Rule ids prefix the findings only when several rules judged the resource.
  const combined = combine(results, results.length > 1);
  if (!combined.decided) {
    invocation.log.info("evaluation", {
      resourceType: reported.type,
      resourceId: reported.id,
      verdict: null,
      rules,
      durationMs,
    });
    return;
  }
  const verdict: Verdict = {
    resourceType: reported.type,
    resourceId: reported.id,
    compliance: combined.compliance,
    ...(combined.annotation ? { annotation: combined.annotation } : {}),
    timestamp,
  };
  outcome.verdicts.push(verdict);
  invocation.log.info("evaluation", {
    resourceType: reported.type,
    resourceId: reported.id,
    verdict: verdict.compliance,
    rules,
    durationMs,
    annotation: verdict.annotation,
  });
}

/** The selected rules that judge resources of `type`. */
function idsFor(invocation: Invocation, type: ResourceType): string[] {
  return invocation.selection.ruleIds.filter((id) =>
    invocation.catalog.source(id)!.resourceTypes.includes(type),
  );
}

function runOf(invocation: Invocation, id: string): RuleRun {
  return {
    id,
    rule: invocation.catalog.rule(id),
    params: paramsFor(invocation.selection, invocation.catalog, id),
  };
}

/**
 * The field of a converted resource that holds the id AWS Config records it by, for the types
 * whose configuration repeats that id (trails and event rules are known by name, and their items
 * are not known to repeat it in the same form).
 */
const CONFIGURATION_ID_FIELDS: ReadonlyMap<string, string> = new Map([
  [ResourceTypes.SecurityGroup, "GroupId"],
  [ResourceTypes.Instance, "InstanceId"],
  [ResourceTypes.Role, "RoleId"],
  [ResourceTypes.User, "UserId"],
  [ResourceTypes.Group, "GroupId"],
  [ResourceTypes.ManagedPolicy, "PolicyId"],
  [ResourceTypes.ManagedInstance, "InstanceId"],
]);

/**
 * Why an item cannot be the resource a verdict would be recorded on: of another account than the
 * event, or with an ARN of another account, region or resource. Such an item was not written by
 * AWS Config for this rule, and judging it would put one resource's verdict on another.
 */
function itemContradiction(item: ConfigurationItem, eventAccount: string | undefined): string | undefined {
  if (eventAccount !== undefined && item.awsAccountId !== eventAccount) {
    return `the item is of account ${item.awsAccountId}, the event of ${eventAccount}`;
  }
  if (item.ARN === undefined) return undefined;
  const [prefix, , , region, account, ...rest] = item.ARN.split(":");
  const resource = rest.join(":");
  if (prefix !== "arn" || resource === "") return `the ARN ${item.ARN} is not an ARN`;
  // AWS managed policies carry "aws" where an account would be.
  if (/^\d{12}$/.test(account!) && account !== item.awsAccountId) {
    return `the ARN names account ${account}, the item ${item.awsAccountId}`;
  }
  if (region !== "" && item.awsRegion !== GLOBAL_REGION && region !== item.awsRegion) {
    return `the ARN names region ${region}, the item ${item.awsRegion}`;
  }
  const names = [item.resourceId, item.resourceName].filter((name): name is string => name !== undefined);
  const last = resource.split(/[/:]/).at(-1);
  const named = names.some((name) => resource === name || last === name || resource.endsWith(`/${name}`));
  // IAM ARNs hold the name, not the id: without resourceName there is nothing to compare.
  if (!named && item.resourceName !== undefined) {
    return `the ARN ${item.ARN} does not name the resource`;
  }
  return undefined;
}

type OversizedSummary = ReturnType<typeof readItemSummary>;

async function fetchOversizedItem(
  invocation: Invocation,
  identity: OversizedSummary,
): Promise<ConfigurationItem> {
  const { GetResourceConfigHistoryCommand } = await import("@aws-sdk/client-config-service");
  const config = await invocation.clients.config();
  let output;
  try {
    output = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: identity.resourceType as never,
        resourceId: identity.resourceId,
        laterTime: timestampOf(identity.captureTime, "configurationItemCaptureTime"),
        limit: 1,
      }),
    );
  } catch (error) {
    throw new EvaluationIncompleteError(
      `GetResourceConfigHistory failed for the oversized item ${identity.resourceType} ${identity.resourceId}: ` +
        `${(error as Error).name}: ${(error as Error).message}`,
      [],
      { cause: error },
    );
  }
  const [found] = output.configurationItems ?? [];
  if (!found) {
    throw new EvaluationIncompleteError(
      `GetResourceConfigHistory returned no item for ${identity.resourceType} ${identity.resourceId} at ${identity.captureTime}`,
      [],
    );
  }
  const item = readItem(() => readConfigurationItem(found));
  // A verdict on what came back would be recorded under the notified resource: never judge another.
  if (item.resourceType !== identity.resourceType || item.resourceId !== identity.resourceId) {
    throw new EvaluationIncompleteError(
      `GetResourceConfigHistory returned ${item.resourceType} ${item.resourceId} ` +
        `for the oversized item ${identity.resourceType} ${identity.resourceId}`,
      [],
    );
  }
  if (item.awsAccountId !== identity.account || item.awsRegion !== identity.region) {
    throw new EvaluationIncompleteError(
      `GetResourceConfigHistory returned ${item.resourceType} ${item.resourceId} of ${item.awsAccountId}/${item.awsRegion} ` +
        `for the oversized item of ${identity.account}/${identity.region}`,
      [],
    );
  }
  // The history answers with the newest item up to the capture time: while the notified version is
  // not in it yet, that is the version before the change, and its verdict would be recorded as the
  // verdict on the change.
  const fetched = timestampOf(item.configurationItemCaptureTime, "configurationItemCaptureTime");
  const notified = timestampOf(identity.captureTime, "configurationItemCaptureTime");
  if (fetched.getTime() !== notified.getTime()) {
    throw new EvaluationIncompleteError(
      `GetResourceConfigHistory returned the item of ${item.resourceType} ${item.resourceId} captured at ` +
        `${fetched.toISOString()} for the oversized item captured at ${notified.toISOString()}: ` +
        "only the notified version is judged",
      [],
    );
  }
  return item;
}

function identityOf(item: ConfigurationItem): ItemIdentity {
  return {
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    captureTime: item.configurationItemCaptureTime,
    status: item.configurationItemStatus,
  };
}

/** An item that cannot be read makes the event invalid, with the item's problem as the cause. */
function readItem<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigurationItemError) throw new InvalidEventError(error.message, { cause: error });
    throw error;
  }
}

function regionList(value: string | undefined): string[] | undefined {
  const regions = (value ?? "")
    .split(",")
    .map((region) => region.trim())
    .filter((region) => region !== "");
  return regions.length > 0 ? regions : undefined;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
