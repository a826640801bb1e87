import type { ResourceFacts } from "../report/resource-facts.js";
import { INSTANCE, MANAGED_INSTANCE, NO_OWNER, resourceKey, type ResourceKeyFields } from "./model.js";

/**
 * Who owns a resource: the first owner tag it carries (`--owner-tag`, by default Team, then
 * Owner), else "no owner"; a tag of blanks or invisible characters only counts as none. A managed
 * node (the agent-version rule's resource) has no tags of its own: it belongs to the owner of the
 * instance with the same id.
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
    if (value && ownerKey(value) !== "") return value;
  }
  return NO_OWNER;
}

/**
 * What identifies an owner among spellings of its tag: "web", "Web", "web " with a no-break space,
 * "ｗｅｂ" and "web" with a zero-width space are one team. Told apart, the team's old spelling
 * would show as done while its items sat under the new one.
 */
export function ownerKey(owner: string): string {
  let key = ownerKeys.get(owner);
  if (key === undefined) {
    key = owner
      .normalize("NFKC")
      .replace(/\p{Cf}/gu, "")
      .replace(/\s+/g, " ")
      .trim()
      .toLowerCase();
    // A campaign has tens of owners over tens of thousands of items: each spelling is worked out
    // once. The bound keeps a history with a tag value per resource from growing it without end.
    if (ownerKeys.size >= MAX_OWNER_KEYS) ownerKeys.clear();
    ownerKeys.set(owner, key);
  }
  return key;
}

const MAX_OWNER_KEYS = 10_000;
const ownerKeys = new Map<string, string>();

export function nameOf(facts: ResourceFacts | undefined): string {
  return facts?.tags?.Name ?? "";
}
