import {
  ListRulesCommand,
  ListTargetsByRuleCommand,
  type EventBridgeClient,
  type ListRulesCommandOutput,
  type ListTargetsByRuleCommandOutput,
  type Rule,
  type Target,
} from "@aws-sdk/client-eventbridge";
import type { CollectionError } from "../../model/collection-error.js";
import type { Resource } from "../../model/resource.js";
import { collectionError } from "./errors.js";
import { mapLimit } from "./concurrency.js";
import { eventRuleResource } from "./normalize-alerting.js";
import type { AccountScope } from "./normalize.js";
import { paginate } from "./paginate.js";
import type { PageListener, ReadResult } from "./types.js";

/** Only the default bus receives the API calls CloudTrail delivers to EventBridge. */
const DEFAULT_EVENT_BUS = "default";

/** The largest page ListRules and ListTargetsByRule allow. */
const RULES_PAGE = 100;
const TARGETS_PAGE = 100;

/** Rules whose targets are listed at the same time within one region. */
const TARGET_LISTINGS = 4;

type RuleRead = { resource: Resource } | { error: CollectionError };

/** The rules of the region's default event bus, each with its targets. */
export async function readEventRules(
  events: EventBridgeClient,
  scope: AccountScope,
  region: string,
  onPage: PageListener,
): Promise<ReadResult> {
  const where = { account: scope.account, region };
  const rules: Rule[] = [];
  try {
    await paginate(
      (token) =>
        events.send(
          new ListRulesCommand({ EventBusName: DEFAULT_EVENT_BUS, Limit: RULES_PAGE, NextToken: token }),
        ),
      (page: ListRulesCommandOutput) => page.NextToken,
      (page) => rules.push(...(page.Rules ?? [])),
    );
  } catch (error) {
    return { resources: [], errors: [collectionError("events:ListRules", where, error)] };
  }
  const read = await mapLimit(rules, TARGET_LISTINGS, async (rule): Promise<RuleRead> => {
    const targets: Target[] = [];
    try {
      await paginate(
        (token) =>
          events.send(
            new ListTargetsByRuleCommand({
              Rule: rule.Name,
              EventBusName: DEFAULT_EVENT_BUS,
              Limit: TARGETS_PAGE,
              NextToken: token,
            }),
          ),
        (page: ListTargetsByRuleCommandOutput) => page.NextToken,
        (page) => targets.push(...(page.Targets ?? [])),
      );
    } catch (error) {
      const failure = collectionError("events:ListTargetsByRule", where, error);
      return { error: { ...failure, message: `rule ${rule.Name ?? ""}: ${failure.message}` } };
    }
    return { resource: eventRuleResource(rule, targets, scope, region) };
  });
  const result: ReadResult = { resources: [], errors: [] };
  for (const entry of read) {
    if ("resource" in entry) result.resources.push(entry.resource);
    else result.errors.push(entry.error);
  }
  onPage(result.resources.length);
  return result;
}
