/**
 * Why an invocation fails. Each one is logged as one line, then thrown, so that the Lambda
 * invocation fails: AWS Config records the failure (the rule's last failed invocation) and keeps
 * the previous verdict rather than a compliant one nobody decided.
 */

/** The event is not an AWS Config rule event the handler understands. */
export class InvalidEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidEventError";
  }
}

/** The rule's `InputParameters` name a rule or a parameter that does not exist, or a bad value. */
export class InputParametersError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InputParametersError";
  }
}

/**
 * Some verdicts could not be decided (a rule `error`, data that could not be read, an item that
 * could not be converted) or were not recorded (`FailedEvaluations`). What was decided has been
 * sent before this is thrown.
 */
export class EvaluationIncompleteError extends Error {
  constructor(
    message: string,
    readonly reasons: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EvaluationIncompleteError";
  }
}
