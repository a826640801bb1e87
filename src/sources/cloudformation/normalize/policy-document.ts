import { normalizePolicyDocument } from "../../../iam/document.js";
import type { JsonObject, JsonValue } from "../../../model/resource.js";
import { fieldPath, indexPath, type PositionRecorder } from "../../iac.js";
import { isMapNode, positionAt } from "../../positioned/node.js";
import { NO_VALUE, type Resolved } from "../intrinsics.js";
import type { NormalizeContext } from "./context.js";
import { defineField } from "../../../util/own-field.js";
import { duplicateKeyState, readJsonText } from "../../../util/json-duplicates.js";

/**
 * An IAM policy document (a mapping, or a JSON string) as the IAM API returns it decoded: with
 * `Statement` always a list, and the position of every statement recorded under `path`.
 */
export function policyDocument(
  context: NormalizeContext,
  value: Resolved | undefined,
  what: string,
  path: string,
  recorder: PositionRecorder,
): JsonValue | undefined {
  const resolved = context.r.shallow(value, what);
  if (resolved === undefined || resolved === NO_VALUE) return undefined;
  if (typeof resolved === "string") {
    const read = readJsonText(resolved);
    if ("syntax" in read)
      return context.r.unknown(what, "the policy document", "is text that is not valid JSON");
    // A reader that keeps the first of two equal keys would see another statement (a Condition
    // without the safeguard), so neither reading is taken.
    if ("duplicate" in read)
      return context.r.unknown(what, "the policy document", duplicateKeyState(read.duplicate));
    return normalizePolicyDocument(read.value as JsonValue) as JsonValue;
  }
  if (!isMapNode(resolved)) return context.r.deep(resolved, what, path, recorder);
  const document: JsonObject = {};
  resolved.keys.forEach((key, index) => {
    const keyPath = fieldPath(path, key);
    const position = positionAt(resolved, index);
    if (key === "Statement") {
      const statements = context.r.shallow(resolved.values[index], key);
      if (isMapNode(statements)) {
        // A single statement is stored as a list of one, so its paths gain the `[0]`.
        const statement = context.r.deep(statements, key, indexPath(keyPath, 0), recorder);
        recorder.set(keyPath, position);
        recorder.set(indexPath(keyPath, 0), position);
        if (statement !== undefined) document.Statement = [statement];
        return;
      }
    }
    const child = context.r.deep(resolved.values[index], key, keyPath, recorder);
    if (child === undefined) return;
    recorder.set(keyPath, position);
    defineField(document, key, child);
  });
  return normalizePolicyDocument(document);
}
