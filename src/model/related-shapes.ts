import { ResourceTypes, type ResourceType } from "./resource.js";

/**
 * The shape of the `related` object that `relations.ts` adds to a resource's document, as JSON
 * Schema whose `$ref`s point into `schemas/resources.schema.json`. It is what lets the rule
 * loader tell a typo in `related.Roles[].RoleNme` from a path that can exist;
 * `test/model/related-shapes.test.ts` holds the relations to it.
 */

export type ShapeSchema = { [key: string]: unknown };

const ref = (name: string): ShapeSchema => ({ $ref: `#/$defs/${name}` });
const listOf = (items: ShapeSchema): ShapeSchema => ({ type: "array", items });
const nullable = (shape: ShapeSchema): ShapeSchema => ({ anyOf: [shape, { type: "null" }] });

const POLICY_ENTRY: ShapeSchema = {
  type: "object",
  properties: {
    PolicyName: { type: "string" },
    PolicyArn: { type: ["string", "null"] },
    Kind: { enum: ["inline", "managed", "group-inline", "group-managed"] },
    Group: { type: ["string", "null"] },
    Document: ref("policyDocument"),
  },
};

const PRINCIPAL_RELATED: ShapeSchema = {
  type: "object",
  properties: { Policies: listOf(POLICY_ENTRY), SessionKmsKeys: listOf({ type: "string" }) },
};

/** An access key with what relations work out from its dates (`access-key-use.ts`). */
const ACCESS_KEY_IN_USE: ShapeSchema = {
  allOf: [ref("accessKey")],
  properties: {
    AgeDays: { type: "integer" },
    Planned: { type: "boolean" },
    LastUse: { type: "string" },
    Summary: { type: "string" },
  },
};

const INSTANCE_SUMMARY: ShapeSchema = {
  type: "object",
  properties: {
    InstanceId: { type: "string" },
    State: { type: ["object", "null"], properties: { Code: { type: "integer" }, Name: { type: "string" } } },
    PublicIpAddress: { type: ["string", "null"] },
    KeyName: { type: ["string", "null"] },
  },
};

/** A type's canonical shape with its `related` object. */
function withRelated(definition: string, related: ShapeSchema): ShapeSchema {
  return { allOf: [ref(definition)], properties: { related } };
}

const RELATED: Partial<Record<ResourceType, ShapeSchema>> = {
  [ResourceTypes.Instance]: {
    type: "object",
    properties: {
      InstanceProfile: nullable(ref("instanceProfile")),
      Roles: listOf(withRelated("role", PRINCIPAL_RELATED)),
      ManagedInstance: nullable(ref("managedInstance")),
      SecurityGroups: listOf(ref("securityGroup")),
    },
  },
  [ResourceTypes.SecurityGroup]: { type: "object", properties: { Instances: listOf(INSTANCE_SUMMARY) } },
  [ResourceTypes.Role]: PRINCIPAL_RELATED,
  [ResourceTypes.User]: {
    type: "object",
    properties: {
      ...(PRINCIPAL_RELATED.properties as ShapeSchema),
      AccessKeys: listOf(ACCESS_KEY_IN_USE),
    },
  },
  [ResourceTypes.Group]: PRINCIPAL_RELATED,
  [ResourceTypes.SessionPreferences]: {
    type: "object",
    properties: { EventRules: listOf(ref("eventRule")), Trails: listOf(ref("trail")) },
  },
  [ResourceTypes.ManagedInstance]: { type: "object", properties: { Instance: nullable(INSTANCE_SUMMARY) } },
};

/** The shape of what a rule sees for `type`: its canonical shape, plus `related` where it has one. */
export function documentShapeOf(type: ResourceType, definition: string): ShapeSchema {
  const related = RELATED[type];
  return related ? withRelated(definition, related) : ref(definition);
}
