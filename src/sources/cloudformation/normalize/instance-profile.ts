import { arnOf } from "../../../model/resource-types.js";
import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { indexPath } from "../../iac.js";
import type { TemplateResource } from "../template.js";
import type { NormalizeContext } from "./context.js";

/**
 * `AWS::IAM::InstanceProfile` as `InstanceProfileList` shows it, each role summarised, and listed
 * in the `InstanceProfileList` of the roles of the template it holds.
 */

const INSTANCE_PROFILE_PROPERTIES = new Set(["InstanceProfileName", "Path", "Roles"]);

export function instanceProfile(context: NormalizeContext, resource: TemplateResource): void {
  const name = context.r.physicalName(resource);
  const arn = context.r.arnOf(resource)!;
  const path = context.r.iamPath(resource);
  const roles: JsonValue[] = [];
  const build = context.add(
    resource,
    ResourceTypes.InstanceProfile,
    name,
    { InstanceProfileName: name, Arn: arn, Path: path, Roles: roles },
    true,
  );
  build.recorder.set("InstanceProfileName", context.propPosition(resource, "InstanceProfileName"));
  build.recorder.set("Roles", context.propPosition(resource, "Roles"));
  const summary: JsonObject = { InstanceProfileName: name, Arn: arn, Path: path, Roles: roles };
  for (const { name: roleName, at } of context.refs.names(resource, "Roles")) {
    build.recorder.set(indexPath("Roles", roles.length), at);
    if (typeof roleName !== "string") {
      roles.push({ RoleName: roleName });
      continue;
    }
    const role = context.refs.roles.named(roleName);
    // The role's own name, which IAM lists whatever the case a profile names it in: relations
    // find the role's document by it.
    roles.push({
      RoleName: role ? (role.properties.RoleName as string) : roleName,
      Arn: role ? (role.properties.Arn as string) : arnOf(ResourceTypes.Role, context.placeholders, roleName),
      Path: role ? (role.properties.Path as string) : "/",
    });
    if (role && Array.isArray(role.properties.InstanceProfileList))
      role.properties.InstanceProfileList.push(summary);
  }
  context.keepUnmapped(resource, build, INSTANCE_PROFILE_PROPERTIES);
  context.refs.instanceProfiles.set(name, build);
}
