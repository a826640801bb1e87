import { InvalidEventError } from "./errors.js";
import { duplicateKeyState, readJsonText } from "../util/json-duplicates.js";

/**
 * The event AWS Config invokes a custom rule's function with. `invokingEvent` and
 * `ruleParameters` arrive as JSON text; an object is accepted too, as test tools send.
 */

export const CHANGE = "ConfigurationItemChangeNotification";
export const OVERSIZED = "OversizedConfigurationItemChangeNotification";
export const SCHEDULED = "ScheduledNotification";

export type InvokingEvent =
  | { messageType: typeof CHANGE; configurationItem: unknown; notificationCreationTime?: string }
  | { messageType: typeof OVERSIZED; configurationItemSummary: unknown; notificationCreationTime?: string }
  | { messageType: typeof SCHEDULED; awsAccountId?: string; notificationCreationTime: string };

export interface ConfigRuleEvent {
  invokingEvent: InvokingEvent;
  /** Still raw: `parameters.ts` reads it. */
  ruleParameters: unknown;
  resultToken: string;
  /** Whether the resource left the rule's scope: the verdict is then NOT_APPLICABLE. */
  eventLeftScope: boolean;
  accountId?: string;
  configRuleName?: string;
  configRuleArn?: string;
}

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function optionalText(raw: Raw, name: string): string | undefined {
  const value = raw[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function parseEvent(raw: unknown): ConfigRuleEvent {
  if (!isObject(raw)) throw new InvalidEventError("the event is not an object");
  let invoking: unknown = raw.invokingEvent;
  if (typeof invoking === "string") {
    const read = readJsonText(invoking);
    if ("syntax" in read) throw new InvalidEventError(`invokingEvent is not valid JSON: ${read.syntax}`);
    // A configuration item that writes a field twice would be judged on one of its two values.
    if ("duplicate" in read)
      throw new InvalidEventError(`invokingEvent ${duplicateKeyState(read.duplicate)}`);
    invoking = read.value;
  }
  if (!isObject(invoking))
    throw new InvalidEventError("the event has no invokingEvent: is this an AWS Config rule event?");
  const resultToken = optionalText(raw, "resultToken");
  if (resultToken === undefined) throw new InvalidEventError("the event has no resultToken");
  const messageType = invoking.messageType;
  let invokingEvent: InvokingEvent;
  const created = optionalText(invoking, "notificationCreationTime");
  switch (messageType) {
    case CHANGE:
      if (!isObject(invoking.configurationItem)) {
        throw new InvalidEventError(`${CHANGE} without a configurationItem`);
      }
      invokingEvent = {
        messageType,
        configurationItem: invoking.configurationItem,
        ...(created ? { notificationCreationTime: created } : {}),
      };
      break;
    case OVERSIZED:
      if (!isObject(invoking.configurationItemSummary)) {
        throw new InvalidEventError(`${OVERSIZED} without a configurationItemSummary`);
      }
      invokingEvent = {
        messageType,
        configurationItemSummary: invoking.configurationItemSummary,
        ...(created ? { notificationCreationTime: created } : {}),
      };
      break;
    case SCHEDULED: {
      if (!created) throw new InvalidEventError(`${SCHEDULED} without a notificationCreationTime`);
      const account = optionalText(invoking, "awsAccountId");
      invokingEvent = {
        messageType,
        notificationCreationTime: created,
        ...(account ? { awsAccountId: account } : {}),
      };
      break;
    }
    default:
      throw new InvalidEventError(
        `unsupported messageType ${JSON.stringify(messageType)} (expected ${CHANGE}, ${OVERSIZED} or ${SCHEDULED})`,
      );
  }
  const event: ConfigRuleEvent = {
    invokingEvent,
    ruleParameters: raw.ruleParameters,
    resultToken,
    eventLeftScope: raw.eventLeftScope === true || raw.eventLeftScope === "true",
  };
  const accountId = optionalText(raw, "accountId");
  const configRuleName = optionalText(raw, "configRuleName");
  const configRuleArn = optionalText(raw, "configRuleArn");
  if (accountId) event.accountId = accountId;
  if (configRuleName) event.configRuleName = configRuleName;
  if (configRuleArn) event.configRuleArn = configRuleArn;
  return event;
}

/** A timestamp the event carries, as a Date; an unparseable one is an invalid event. */
export function timestampOf(text: string, field: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new InvalidEventError(`${field} is not a timestamp: ${JSON.stringify(text)}`);
  return date;
}
