/**
 * Sets `target[key]` as an own field even when the key is `__proto__`, as JSON.parse does.
 *
 * Every object a source builds from keys it read (template properties, plan values, configuration
 * items, API answers) is filled through this. A plain assignment of `__proto__` does not add a
 * field: it replaces the object's prototype, so the key vanishes and whatever it named is
 * inherited. An inherited `$unknown` marker once made a template resource's whole properties
 * look unknown, which excused every misfit in them from the shape check.
 */
export function defineField<Value>(target: { [key: string]: Value }, key: string, value: Value): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
