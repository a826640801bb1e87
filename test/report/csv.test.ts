import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, csvField, renderCsv, renderCsvChunks } from "../../src/report/csv.js";
import { fingerprintResults } from "../../src/report/fingerprint.js";
import {
  COLLECTION_ERROR,
  LIVE_FAIL,
  SSH_RULE,
  TEMPLATE_FAIL,
  buildReport,
  mixedReport,
} from "./fixtures.js";

/** A small RFC 4180 reader: enough to prove the output parses back into the same fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 1;
    } else field += char;
  }
  expect(field).toBe("");
  return rows;
}

describe("renderCsv", () => {
  it("writes a header and one row per result, every row ending with CRLF", () => {
    const report = mixedReport();
    const text = renderCsv(report);
    expect(text.endsWith("\r\n")).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(report.results.length + report.collectionErrors.length + 1);
    expect(rows.every((row) => row.length === CSV_COLUMNS.length)).toBe(true);
    const fingerprint = fingerprintResults(report.results).get(TEMPLATE_FAIL)!;
    expect(rows[1]).toEqual([
      SSH_RULE.id,
      "error",
      "fail",
      "AWS::EC2::SecurityGroup",
      "WebSecurityGroup",
      "000000000000",
      "us-east-1",
      "templates/web stack.yaml",
      "14",
      TEMPLATE_FAIL.message,
      fingerprint,
    ]);
  });

  it("adds an error row for each input problem and collection error, so an incomplete run shows", () => {
    const report = buildReport({
      results: [LIVE_FAIL],
      inputProblems: [{ file: "templates/db.yaml", line: 7, column: 3, message: "not valid YAML" }],
      collectionErrors: [COLLECTION_ERROR],
    });
    const rows = parseCsv(renderCsv(report));
    expect(rows).toHaveLength(4);
    expect(rows.slice(2)).toEqual([
      [
        "",
        "error",
        "error",
        "",
        "",
        "",
        "",
        "templates/db.yaml",
        "7",
        "cannot use templates/db.yaml: not valid YAML",
        "",
      ],
      [
        "",
        "error",
        "error",
        "AWS::IAM::Role",
        "",
        COLLECTION_ERROR.account,
        "global",
        "",
        "",
        "could not collect iam ListAttachedRolePolicies: AccessDenied: User is not authorized to perform iam:ListAttachedRolePolicies (requires iam:ListAttachedRolePolicies)",
        "",
      ],
    ]);
  });

  it("quotes commas, quotes and line breaks so that the fields survive", () => {
    const hostile = { ...LIVE_FAIL, message: 'one, "two"\r\nthree' };
    const rows = parseCsv(renderCsv(buildReport({ rules: [SSH_RULE], results: [hostile] })));
    expect(rows[1]![9]).toBe('one, "two"\r\nthree');
  });

  it.each([
    '=HYPERLINK("http://x")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\tx",
    // Full-width signs and leading blanks: spreadsheets read these as formulas too.
    '\uFF1DHYPERLINK("http://x")',
    "\uFF0B1",
    "\uFF0D1",
    "\uFF20SUM(A1)",
    ' =HYPERLINK("http://x")',
    "\u00A0=1+1",
    "\u3000\uFF1D1+1",
    "\u200B=1+1",
    "\n=1+1",
  ])("defuses a cell a spreadsheet would run as a formula: %j", (value) => {
    expect(csvField(value).replace(/^"|"$/g, "").startsWith("'")).toBe(true);
    const hostile = { ...LIVE_FAIL, resource: { ...LIVE_FAIL.resource, id: value } };
    const rows = parseCsv(renderCsv(buildReport({ rules: [SSH_RULE], results: [hostile] })));
    expect(rows[1]![4]).toBe(`'${value}`);
  });

  it.each(["web team", "a=b", "1-2", "sg-0123 (ssh)"])("leaves an ordinary cell as it is: %j", (value) => {
    expect(csvField(value)).toBe(value);
  });
});

describe("renderCsvChunks", () => {
  it("gives the header, then each result's row as a piece of its own, in the order of renderCsv", () => {
    const report = mixedReport();
    const pieces = [...renderCsvChunks(report)];
    expect(pieces).toHaveLength(report.results.length + report.collectionErrors.length + 1);
    expect(parseCsv(pieces[0]!)).toEqual([[...CSV_COLUMNS]]);
    for (const piece of pieces.slice(1)) expect(parseCsv(piece)).toHaveLength(1);
    expect(pieces.join("")).toBe(renderCsv(report));
  });
});
