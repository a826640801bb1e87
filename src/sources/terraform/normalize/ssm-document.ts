import { ResourceTypes, type JsonObject } from "../../../model/resource.js";
import { parseDocumentContent } from "../../../model/ssm-document-content.js";
import { isUnknown, unknownValue } from "../../../model/unknown.js";
import type { AttributeSchema } from "../attributes.js";
import type { PlanInstance } from "../reader.js";
import type { Normalization } from "./context.js";

/** SSM documents in the `get-document` shape, their `Content` parsed from JSON or YAML. */

export const SSM_DOCUMENT_SCHEMA: AttributeSchema = {
  name: "string",
  content: "string",
  document_format: "string",
  document_type: "string",
  target_type: "string",
  version_name: "string",
  tags: { map: "string" },
};

export function ssmDocument(n: Normalization, instance: PlanInstance): void {
  const name = n.plan.value(instance, ["name"]);
  const id = typeof name === "string" && name !== "" ? name : instance.address;
  const format = n.plan.value(instance, ["document_format"]);
  const documentFormat = typeof format === "string" ? format.toUpperCase() : "JSON";
  const type = n.plan.value(instance, ["document_type"]);
  const properties: JsonObject = {
    Name: name ?? id,
    DocumentType: type ?? "Command",
    DocumentFormat: isUnknown(format) ? format : documentFormat,
    Status: "Active",
  };
  const build = n.add(instance, ResourceTypes.SessionPreferences, id, properties);
  n.locate(build, "Name", instance, ["name"]);
  for (const [attribute, key] of [
    ["target_type", "TargetType"],
    ["version_name", "VersionName"],
  ] as const) {
    const value = n.plan.value(instance, [attribute]);
    if (value !== undefined && value !== null) properties[key] = value;
  }
  n.tags(instance, build);
  n.locate(build, "Content", instance, ["content"]);
  const content = n.plan.value(instance, ["content"]);
  if (typeof content !== "string") {
    if (content !== undefined && content !== null) properties.Content = content;
    return;
  }
  const parsed = parseDocumentContent(content, typeof format === "string" ? format : undefined);
  properties.Content = parsed.ok
    ? parsed.value
    : unknownValue(`content of ${instance.address} ${parsed.reason}`);
}
