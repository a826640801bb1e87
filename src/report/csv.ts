import type { Report } from "../engine/result.js";
import { fingerprintResults } from "./fingerprint.js";
import { locateResult } from "./location.js";
import { resultMessage } from "./message.js";

/**
 * CSV (RFC 4180), for spreadsheets: a header row, then one row per result — passes and
 * not-applicable results included, like the JSON output, so that a sheet can count coverage as
 * well as failures — then an error row per input problem and collection error. Rows end with CRLF; a field with a comma, a quote or a line break is quoted,
 * its quotes doubled. A field that a spreadsheet would read as a formula (starting with `=`, `+`,
 * `-`, `@` or their full-width forms, after any blanks, or with a tab or a carriage return) gets
 * a leading `'`, so a resource name cannot run code.
 */

export const CSV_COLUMNS = [
  "rule",
  "severity",
  "status",
  "resource type",
  "id",
  "account",
  "region",
  "file",
  "line",
  "message",
  "fingerprint",
] as const;

export function renderCsv(report: Report): string {
  return [...renderCsvChunks(report)].join("");
}

/** The CSV text a row at a time: a large account has a row for each of its hundred thousand results. */
export function* renderCsvChunks(report: Report): Generator<string> {
  const fingerprints = fingerprintResults(report.results);
  yield csvRow(CSV_COLUMNS);
  for (const result of report.results) {
    const location = locateResult(result.resource, result.evidence);
    yield csvRow([
      result.ruleId,
      result.severity,
      result.status,
      result.resource.type,
      result.resource.id,
      result.resource.account,
      result.resource.region,
      location.file ?? "",
      location.line !== undefined ? String(location.line) : "",
      resultMessage(result),
      fingerprints.get(result) ?? "",
    ]);
  }
  // What the run could not read is no result, but a sheet of results alone would look complete:
  // each becomes an error row, as JUnit gives them a suite of errors.
  for (const problem of report.inputProblems) {
    yield csvRow([
      "",
      "error",
      "error",
      "",
      "",
      "",
      "",
      problem.file,
      problem.line !== undefined ? String(problem.line) : "",
      `cannot use ${problem.file}: ${problem.message}`,
      "",
    ]);
  }
  for (const error of report.collectionErrors) {
    const permission = error.iamAction !== undefined ? ` (requires ${error.iamAction})` : "";
    yield csvRow([
      "",
      "error",
      "error",
      error.resourceTypes.join(" "),
      "",
      error.account,
      error.region,
      "",
      "",
      `could not collect ${error.service} ${error.operation}: ${error.code}: ${error.message}${permission}`,
      "",
    ]);
  }
}

function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

/**
 * Spreadsheets skip leading blanks (and invisible format characters) before reading a formula,
 * and some read the full-width signs (＝ ＋ － ＠) as their ASCII forms, so those start a formula too.
 */
const FORMULA_START = /^[\t\r]|^[\s\p{Cf}]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/u;

export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
