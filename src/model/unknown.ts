import type { JsonValue } from "./resource.js";

/**
 * A value the source could not know: a template parameter without a default, an intrinsic
 * function that cannot be resolved, a Terraform value known only after apply. Sources put this
 * marker where the value would be; any rule that reads it reports `error` ("cannot decide: …")
 * instead of a verdict, so an unknown value never passes silently.
 */
export const UNKNOWN_KEY = "$unknown";

export type UnknownValue = { [UNKNOWN_KEY]: string } & { [key: string]: JsonValue };

export function unknownValue(reason: string): UnknownValue {
  return { [UNKNOWN_KEY]: reason };
}

export function isUnknown(value: unknown): value is UnknownValue {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>)[UNKNOWN_KEY] === "string" &&
    // Only a marker of its own: an object must never pass for unknown through its prototype.
    Object.hasOwn(value, UNKNOWN_KEY)
  );
}

/**
 * Raised when a rule cannot reach a verdict on the data it reads (an unknown value, a value that
 * does not parse); the engine turns it into an `error` result whose message is this one.
 */
export class CannotDecideError extends Error {
  constructor(readonly reason: string) {
    super(`cannot decide: ${reason}`);
  }
}

/**
 * Raised when a rule reads an unknown value. A quantifier or combinator whose other, known parts
 * decide the verdict on their own gives that verdict instead.
 */
export class UnknownValueError extends CannotDecideError {}

/**
 * Throws when `value`, or a value directly inside it (one level of object fields and list items,
 * which covers a permission's ports or a statement's actions), is unknown.
 *
 * Rules call this for every value they test in a template, a hundred thousand times on a large
 * one, so it walks the fields where they are rather than listing them first.
 */
export function assertKnown(value: JsonValue | undefined): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) throwIfHoldsUnknown(value[index]);
    return;
  }
  const reason = (value as Record<string, unknown>)[UNKNOWN_KEY];
  if (typeof reason === "string") throw new UnknownValueError(reason);
  for (const key in value) throwIfHoldsUnknown(value[key]);
}

/** Throws when `child` is unknown, or is a list with an unknown item. */
function throwIfHoldsUnknown(child: JsonValue | undefined): void {
  if (child === null || typeof child !== "object") return;
  if (Array.isArray(child)) {
    for (let index = 0; index < child.length; index += 1) {
      const reason = ownUnknownReason(child[index]);
      if (reason !== undefined) throw new UnknownValueError(reason);
    }
    return;
  }
  const reason = (child as Record<string, unknown>)[UNKNOWN_KEY];
  if (typeof reason === "string") throw new UnknownValueError(reason);
}

function ownUnknownReason(value: JsonValue | undefined): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const reason = (value as Record<string, unknown>)[UNKNOWN_KEY];
  return typeof reason === "string" ? reason : undefined;
}

/** The reason of the first unknown anywhere inside `value`, without allocating for values that hold none. */
export function firstUnknown(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  return unknownInside(value);
}

/**
 * `firstUnknown` of an object or list. The engine asks it of a template's resources, a few
 * thousand of them before it is optimized: lists are walked by index rather than by iterator,
 * and only values that can hold an unknown are visited.
 */
function unknownInside(value: object): string | undefined {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      if (item === null || typeof item !== "object") continue;
      const reason = unknownInside(item);
      if (reason !== undefined) return reason;
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const reason = record[UNKNOWN_KEY];
  if (typeof reason === "string") return reason;
  for (const key in record) {
    const field = record[key];
    if (field === null || typeof field !== "object") continue;
    const inner = unknownInside(field);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** Throws when `value` holds an unknown at any depth: for tests that read all of a value. */
export function assertWhollyKnown(value: JsonValue | undefined): void {
  const reason = firstUnknown(value);
  if (reason !== undefined) throw new UnknownValueError(reason);
}
