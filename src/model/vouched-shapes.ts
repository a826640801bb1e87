import type { JsonObject, Resource, ResourceType } from "./resource.js";

/**
 * Properties a source built in the canonical shape of a type and checked value by value while it
 * built them, by that type. Kept apart from `canonical.ts` so that a source can vouch without
 * loading the compiled validators.
 */
const vouchedFor = new WeakMap<JsonObject, ResourceType>();

/**
 * Records that `properties` have the canonical shape of `type`, as the schema would find (an error
 * that only an unknown value causes being no misfit): the source that built them checked every
 * value it put in, where each value was at hand, so `canonicalShapeProblem` need not walk them
 * again. That walk cost a template of ten thousand security groups 20-25 ms, most of it spent
 * before the large validator was compiled.
 *
 * Only a source whose checks are tested against the schema's own verdict may vouch (the template
 * reader's security groups, `normalize/security-group.ts`), and only once it no longer changes
 * the object. The vouch holds for that object and type: properties replaced later are checked.
 */
export function vouchForCanonicalShape(properties: JsonObject, type: ResourceType): void {
  vouchedFor.set(properties, type);
}

/** Whether a source vouched for the shape of `resource`'s properties, as its type. */
export function vouchedCanonical(resource: Resource): boolean {
  return vouchedFor.get(resource.properties) === resource.type;
}
