import type { ResourceFacts } from "../report/resource-facts.js";
import { INSTANCE, MANAGED_INSTANCE, NO_OWNER, resourceKey, type ResourceKeyFields } from "./model.js";

/**
 * Who owns a resource: the first owner tag it carries (`--owner-tag`, by default Team, then
 * Owner), else "no owner". A managed node (the agent-version rule's resource) has no tags of its
 * own: it belongs to the owner of the instance with the same id.
 */
export function factsFor(
  resource: ResourceKeyFields,
  facts: ReadonlyMap<string, ResourceFacts>,
): ResourceFacts | undefined {
  const own = facts.get(resourceKey(resource));
  if (own !== undefined || resource.type !== MANAGED_INSTANCE) return own;
  return facts.get(resourceKey({ ...resource, type: INSTANCE }));
}

export function ownerOf(facts: ResourceFacts | undefined, ownerTags: readonly string[]): string {
  for (const key of ownerTags) {
    const value = facts?.tags?.[key]?.trim();
    if (value) return value;
  }
  return NO_OWNER;
}

export function nameOf(facts: ResourceFacts | undefined): string {
  return facts?.tags?.Name ?? "";
}
