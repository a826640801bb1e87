import type { JsonObject } from "../../../src/model/resource.js";
import { assertKnownFields, FakeError, pageOf, scalarText, type Request } from "./protocol.js";

/**
 * EventBridge over JSON 1.1: `ListRules` and `ListTargetsByRule`, paginated with `NextToken`.
 * Each region of the world holds its rules in the canonical shape (`EventPattern` an object or
 * the text as stored, `Targets` the rule's targets); rules name their bus, `default` when absent.
 */
export function handleEventBridge(request: Request): unknown {
  switch (request.operation) {
    case "ListRules":
      return listRules(request);
    case "ListTargetsByRule":
      return listTargetsByRule(request);
    default:
      throw new FakeError(
        "InvalidAction",
        `the loopback EventBridge does not implement ${request.operation}`,
        400,
      );
  }
}

const RULE_FIELDS = [
  "Name",
  "Arn",
  "EventPattern",
  "State",
  "Description",
  "ScheduleExpression",
  "EventBusName",
];
const LIMITS = { min: 1, max: 100, default: 100, invalidCode: "ValidationException" };

function rulesOf(request: Request): JsonObject[] {
  const bus = scalarText(request.params.EventBusName ?? "default");
  return (request.account.regions[request.region]?.eventRules ?? []).filter(
    (rule) => (rule.EventBusName ?? "default") === bus,
  );
}

function listRules(request: Request): unknown {
  const page = pageOf(
    rulesOf(request),
    "events:ListRules",
    request,
    request.params.NextToken,
    request.params.Limit,
    LIMITS,
  );
  const rules = page.items.map((rule) => {
    assertKnownFields(rule, [...RULE_FIELDS, "Targets"], "event rule");
    const wire: Record<string, unknown> = {
      EventBusName: "default",
      Arn: `arn:aws:events:${request.region}:${request.account.id}:rule/${scalarText(rule.Name)}`,
    };
    for (const field of RULE_FIELDS) if (rule[field] !== undefined) wire[field] = rule[field];
    // EventBridge stores and returns the pattern as JSON text.
    if (wire.EventPattern !== undefined && typeof wire.EventPattern !== "string")
      wire.EventPattern = JSON.stringify(wire.EventPattern);
    return wire;
  });
  return { Rules: rules, ...(page.next ? { NextToken: page.next } : {}) };
}

function listTargetsByRule(request: Request): unknown {
  const rule = rulesOf(request).find((candidate) => candidate.Name === request.params.Rule);
  if (!rule)
    throw new FakeError(
      "ResourceNotFoundException",
      `Rule ${scalarText(request.params.Rule)} does not exist on EventBus ${scalarText(request.params.EventBusName ?? "default")}.`,
      400,
    );
  const targets = Array.isArray(rule.Targets) ? rule.Targets : [];
  const page = pageOf(
    targets,
    "events:ListTargetsByRule",
    request,
    request.params.NextToken,
    request.params.Limit,
    LIMITS,
  );
  return { Targets: page.items, ...(page.next ? { NextToken: page.next } : {}) };
}
