import { GLOBAL_REGION, type Resource } from "../../../src/model/resource.js";
import { arnOf, resourceTypeSpec } from "../../../src/model/resource-types.js";
import { WORLD_ACCOUNT, WORLD_REGION, type World, type WorldResource } from "./world.js";

/**
 * A world as the canonical resources a live collection records: what `collect` writes into a
 * snapshot file and what the Config rule's readers return for the types Config does not record.
 */
export function canonicalResource(resource: WorldResource, kind: Resource["source"]["kind"]): Resource {
  const spec = resourceTypeSpec(resource.type);
  const region = spec.regional ? WORLD_REGION : GLOBAL_REGION;
  const at = { partition: "aws", region: WORLD_REGION, account: WORLD_ACCOUNT };
  const arn =
    typeof resource.properties.Arn === "string"
      ? resource.properties.Arn
      : arnOf(resource.type, at, resource.id, resource.properties);
  return {
    type: resource.type,
    id: resource.id,
    arn,
    account: WORLD_ACCOUNT,
    region,
    source: { kind },
    properties: resource.properties,
  };
}

/** The snapshot file (`schemas/snapshot.schema.json`) of a world. */
export function toSnapshot(world: World): string {
  return JSON.stringify({
    format: "access-baseline/snapshot",
    version: 1,
    createdAt: "2026-11-20T09:30:00.000Z",
    tool: { name: "access-baseline", version: "0.0.0" },
    scopes: [{ account: WORLD_ACCOUNT, region: WORLD_REGION }],
    resources: world.resources.map((resource) => canonicalResource(resource, "snapshot")),
    collectionErrors: [],
  });
}
