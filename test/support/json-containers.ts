/** An object or array of a parsed JSON document, whose members a test replaces in place. */
export type Container = Record<string, unknown> | unknown[];

/** Every object and array in `value` with the keys it holds, the document itself first. */
export function containers(value: unknown, found: Container[] = []): Container[] {
  if (value === null || typeof value !== "object") return found;
  found.push(value as Container);
  for (const item of Object.values(value)) containers(item, found);
  return found;
}
