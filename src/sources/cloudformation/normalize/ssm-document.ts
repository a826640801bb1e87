import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { parseDocumentContent } from "../../../model/ssm-document-content.js";
import type { TemplateResource } from "../template.js";
import type { NormalizeContext } from "./context.js";

/**
 * `AWS::SSM::Document` as `aws ssm get-document` shows it, its `Content` parsed. Session Manager
 * preferences are such a document, which is what the rules read.
 */

const SSM_DOCUMENT_PROPERTIES = new Set([
  "Name",
  "Content",
  "DocumentType",
  "DocumentFormat",
  "Tags",
  "TargetType",
  "VersionName",
  "Requires",
  // How CloudFormation applies a change (replace the document or add a version): an instruction
  // to the deployment, which AWS does not keep on the document.
  "UpdateMethod",
]);

export function ssmDocument(context: NormalizeContext, resource: TemplateResource): void {
  const name = context.text(resource, "Name");
  const id = typeof name === "string" && name !== "" ? name : resource.logicalId;
  const format = context.text(resource, "DocumentFormat");
  const properties: JsonObject = {
    Name: name === undefined || name === "" ? resource.logicalId : name,
    DocumentType: context.value(resource, "DocumentType") ?? "Command",
    DocumentFormat: typeof format === "string" ? format.toUpperCase() : "JSON",
    Status: "Active",
  };
  const build = context.add(resource, ResourceTypes.SessionPreferences, id, properties);
  build.recorder.set("Name", context.propPosition(resource, "Name"));
  const content = context.r.shallow(context.prop(resource, "Content"), "Content");
  build.recorder.set("Content", context.propPosition(resource, "Content"));
  if (typeof content === "string")
    properties.Content = parseContent(
      context,
      content,
      typeof format === "string" ? format.toUpperCase() : undefined,
    );
  else {
    const value = context.r.deep(content, "Content", "Content", build.recorder);
    if (value !== undefined) properties.Content = value;
  }
  for (const name of ["Tags", "TargetType", "VersionName", "Requires"]) context.copy(resource, build, name);
  context.keepUnmapped(resource, build, SSM_DOCUMENT_PROPERTIES);
}

/** Document content written as text, in the format the template declares (TEXT stays text). */
function parseContent(context: NormalizeContext, text: string, format: string | undefined): JsonValue {
  if (format === "TEXT") return text;
  const parsed = parseDocumentContent(text, format);
  return parsed.ok ? parsed.value : context.r.unknown("Content", "the document content", parsed.reason);
}
