import { ResourceTypes, type Resource } from "../../../src/model/resource.js";
import { resourceTypeSpec } from "../../../src/model/resource-types.js";
import { ITEM_TYPES } from "../../../src/sources/config-item/normalize.js";
import { toConfigItem } from "../../lambda/support/to-config-item.js";
import { canonicalResource } from "./to-snapshot.js";
import type { World } from "./world.js";

/**
 * A world as the Config rule sees it: a configuration item for every resource AWS Config records
 * (`test/lambda/support/to-config-item.ts` writes them), and, for what Config does not record or
 * whose items do not carry the content (instance profiles, the Session Manager preferences
 * document, a trail's logging status and selectors), the canonical resources the rule's API
 * readers return.
 */
export interface ConfigWorld {
  items: Record<string, unknown>[];
  readByApi: Resource[];
}

export function toConfigWorld(world: World): ConfigWorld {
  const items: Record<string, unknown>[] = [];
  const readByApi: Resource[] = [];
  for (const resource of world.resources) {
    const canonical = canonicalResource(resource, "config-item");
    // The agent's record of an instance that is not the subject is what the rule reads with
    // DescribeInstanceInformation: an inventory item does not carry PingStatus.
    const readForInstance = resource.type === ResourceTypes.ManagedInstance && resource !== world.subject;
    // A trail's item records neither its logging status nor its selectors: the rule reads the
    // trail with GetTrailStatus and GetEventSelectors.
    const readForTrail = resource.type === ResourceTypes.Trail;
    const recorded =
      !readForInstance &&
      !readForTrail &&
      resourceTypeSpec(resource.type).config !== undefined &&
      ITEM_TYPES.includes(resource.type);
    if (recorded) items.push(toConfigItem(canonical));
    else readByApi.push(canonical);
  }
  return { items, readByApi };
}
