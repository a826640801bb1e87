import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { isUnknown, unknownValue } from "../../../model/unknown.js";
import type { AttributeSchema } from "../attributes.js";
import type { PlanInstance } from "../reader.js";
import type { Normalization } from "./context.js";

/**
 * `aws_iam_access_key` as a key its user would have: active unless `status` says otherwise (the
 * provider's default), named by its address. The plan describes the key it would create, so it
 * has no creation date or last use: the rules take it as a new key.
 */

export const ACCESS_KEY_SCHEMA: AttributeSchema = {
  user: "string",
  status: "string",
};

export function accessKey(n: Normalization, instance: PlanInstance): void {
  const user = n.plan.value(instance, ["user"]);
  const status = n.plan.value(instance, ["status"]);
  const properties: JsonObject = {
    Name: instance.address,
    UserName:
      user === undefined || user === null || user === ""
        ? unknownValue(`the user of ${instance.address} is not in the plan`)
        : user,
    Status: keyStatus(instance, status),
  };
  const build = n.add(instance, ResourceTypes.AccessKey, instance.address, properties, true);
  n.locate(build, "UserName", instance, ["user"]);
  n.locate(build, "Status", instance, ["status"]);
}

/**
 * The key's status: Active by default. Any text but the two IAM knows ("active", "Active ") is
 * unknown: the rules compare it with Active exactly, and it would read as an inactive key.
 */
function keyStatus(instance: PlanInstance, status: JsonValue | undefined): JsonValue {
  if (status === undefined || status === null || status === "") return "Active";
  if (status === "Active" || status === "Inactive" || isUnknown(status)) return status;
  return unknownValue(`status of ${instance.address} is ${JSON.stringify(status)}, not Active or Inactive`);
}
