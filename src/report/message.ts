import type { RuleResult } from "../engine/result.js";

/** How every reporter opens the message of a result whose rule could not be evaluated. */
export const NOT_EVALUATED_PREFIX = "could not evaluate: ";

/** The engine's own wording for a value the source could not know, already plain about it. */
const UNDECIDED_PREFIX = "cannot decide: ";

/**
 * The message shown for a result. An `error` result is reported alongside failures, so its
 * message must say plainly that it is not a verdict on the resource.
 */
export function resultMessage(result: Pick<RuleResult, "status" | "message">): string {
  if (
    result.status !== "error" ||
    result.message.startsWith(NOT_EVALUATED_PREFIX) ||
    result.message.startsWith(UNDECIDED_PREFIX)
  ) {
    return result.message;
  }
  return `${NOT_EVALUATED_PREFIX}${result.message}`;
}
