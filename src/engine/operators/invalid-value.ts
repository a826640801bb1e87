import { CannotDecideError } from "../../model/unknown.js";
import { oneLine } from "../../util/one-line.js";

/**
 * Raised by a domain operator when the data holds a value it cannot read: a CIDR, port, protocol
 * or version that does not parse. Such a value is never judged as "not public" or "no port": the
 * engine reports `error`, naming the value and where it sits in the resource.
 *
 * The operator knows the value, and at most the field it read inside it (`FromPort` of a
 * permission); the condition that called it knows the path of what it passed in, and adds it with
 * `at` on the evaluation that keeps paths (the fast one does not track them).
 */
export class InvalidValueError extends CannotDecideError {
  constructor(
    readonly value: unknown,
    /** What the value should have been, with its article: "a valid CIDR". */
    readonly expected: string,
    /** The field inside the operator's input that holds the value, when it is not the input itself. */
    readonly field?: string,
    /** The full path of the value in the resource, once known. */
    readonly location?: string,
  ) {
    super(`${describeLocation(location, field)} is ${showValue(value)}, not ${expected}`);
  }

  /** The same error, located at `path` (the path of the operator's input). */
  at(path: string): InvalidValueError {
    const location = this.field === undefined ? path : path ? `${path}.${this.field}` : this.field;
    return new InvalidValueError(this.value, this.expected, undefined, location || "the value");
  }
}

function describeLocation(location: string | undefined, field: string | undefined): string {
  return location ?? field ?? "the value";
}

/** A value as a finding shows it: text in quotes, so that spaces and empty text stay visible. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return "missing";
  if (typeof value === "string") return quoted(value);
  if (typeof value === "number" || typeof value === "boolean") return `the ${typeof value} ${String(value)}`;
  return Array.isArray(value) ? "a list" : "an object";
}

/** Text shown in a message: one line, and a long value (a megabyte of text in a CIDR) cut short. */
const SHOWN_CHARACTERS = 120;

function quoted(text: string): string {
  const shown = oneLine(text);
  if (shown.length <= SHOWN_CHARACTERS) return `'${shown}'`;
  return `'${shown.slice(0, SHOWN_CHARACTERS)}…' (${text.length} characters)`;
}
