import { ResourceTypes, type JsonObject } from "../../../model/resource.js";
import type { TemplateResource } from "../template.js";
import type { NormalizeContext } from "./context.js";

/**
 * `AWS::IAM::AccessKey` as a key its user would have: active unless `Status` says otherwise (the
 * CloudFormation default), named by its logical id. The key does not exist yet, so it has no
 * creation date or last use: the rules take it as a new key.
 */

const ACCESS_KEY_PROPERTIES = new Set([
  "UserName",
  "Status",
  // An instruction to CloudFormation (raise it to replace the key), not something the key holds.
  "Serial",
]);

export function accessKey(context: NormalizeContext, resource: TemplateResource): void {
  const userName = context.text(resource, "UserName");
  const properties: JsonObject = {
    Name: resource.logicalId,
    UserName:
      userName === undefined || userName === ""
        ? context.r.unknown("UserName", "the key's user", "is not given")
        : userName,
    Status: "Active",
  };
  const build = context.add(resource, ResourceTypes.AccessKey, resource.logicalId, properties, true);
  build.recorder.set("UserName", context.propPosition(resource, "UserName"));
  build.recorder.set("Status", context.propPosition(resource, "Status"));
  context.copy(resource, build, "Status");
  context.keepUnmapped(resource, build, ACCESS_KEY_PROPERTIES);
}
