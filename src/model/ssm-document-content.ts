import { readJsonText } from "../util/json-duplicates.js";
import { singleSpaced } from "../util/one-line.js";
import { isScalar, visit } from "yaml";
import { parseYaml, positionAt, toJs, type ParsedYaml } from "../util/yaml-position.js";
import type { JsonObject } from "./resource.js";

/**
 * An SSM document's `Content` as text (what `GetDocument` returns and what templates and plans
 * may write) made into the object the canonical shape holds. Every source parses it here, so a
 * document refused by one is refused by all, with the same YAML limits as every other YAML input
 * (duplicate keys, alias bombs) and in the same words.
 */

export type ParsedDocumentContent =
  | { ok: true; value: JsonObject }
  /** `reason` completes a sentence whose subject the caller names; `problem` is that sentence for the content itself. */
  | { ok: false; reason: string; problem: string };

const SUBJECT = "the document content";

/**
 * Parses `text` in the document's `format` (`JSON` or `YAML`); without a format, as JSON and then
 * as YAML, since a document written without one may be either.
 */
export function parseDocumentContent(text: string, format: string | undefined): ParsedDocumentContent {
  const upper = format?.toUpperCase();
  const attempts: ("JSON" | "YAML")[] =
    upper === "YAML" ? ["YAML"] : upper === "JSON" ? ["JSON"] : ["JSON", "YAML"];
  let reason = "";
  for (const attempt of attempts) {
    const parsed = attempt === "JSON" ? parseJson(text) : parseYamlContent(text);
    if ("reason" in parsed) {
      reason = parsed.reason;
      // Text that is JSON is not read again as YAML: the YAML reading would report the same
      // problem as if the document were YAML.
      if (parsed.isJson === true) break;
      continue;
    }
    const { value } = parsed;
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      return { ok: true, value: value as JsonObject };
    reason = `is not a ${attempt} object`;
  }
  return { ok: false, reason, problem: `${SUBJECT} ${reason}` };
}

function parseJson(text: string): { value: unknown } | { reason: string; isJson?: true } {
  const read = readJsonText(text);
  if ("syntax" in read) return { reason: `is not valid JSON: ${singleSpaced(read.syntax)}` };
  // Systems Manager's reading of a key written twice is not documented, so a flag written both
  // off and on is refused rather than read as on.
  if ("duplicate" in read) {
    const { duplicate } = read;
    return {
      reason: `is not valid JSON: duplicate key ${JSON.stringify(duplicate.key)} (first written at line ${duplicate.firstLine}) (line ${duplicate.line}, column ${duplicate.column} of the content)`,
      isJson: true,
    };
  }
  return { value: read.value };
}

function parseYamlContent(text: string): { value: unknown } | { reason: string; isJson?: true } {
  const parsed = parseYaml(text);
  if (parsed.problem) {
    const { message, line, column } = parsed.problem;
    return {
      reason: `is not valid YAML: ${singleSpaced(message)} (line ${line}, column ${column} of the content)`,
    };
  }
  const merge = mergeKeyOffset(parsed);
  if (merge !== undefined) {
    const { line, column } = positionAt(parsed, merge);
    return {
      reason: `uses a YAML merge key (<<), which Systems Manager may or may not apply (line ${line}, column ${column} of the content)`,
    };
  }
  return { value: toJs(parsed) };
}

/**
 * Where the first merge key (`<<: *shared`) is. Read as a plain key, as here, the inputs it
 * brings in are missing and take Session Manager's defaults (an idle timeout of 20 minutes);
 * read as YAML 1.1 readers do, they hold whatever the anchor says. Which one Systems Manager does
 * is not documented, so the content is not read either way.
 */
function mergeKeyOffset(parsed: ParsedYaml): number | undefined {
  let offset: number | undefined;
  visit(parsed.document, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.type === "PLAIN" && pair.key.source === "<<") {
        offset = pair.key.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}
