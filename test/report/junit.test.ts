import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { renderJunit, renderJunitChunks } from "../../src/report/junit.js";
import {
  LIVE_ERROR,
  LIVE_FAIL,
  ROLE_RULE,
  SSH_RULE,
  TEMPLATE_FAIL,
  buildReport,
  mixedReport,
  waiverReport,
} from "./fixtures.js";

const JUNIT_XSD = readFileSync(new URL("../fixtures/report/junit.xsd", import.meta.url), "utf8");

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: { fileName: "report.xml", contents: xml },
    schema: { fileName: "junit.xsd", contents: JUNIT_XSD },
  });
  return result.errors.map((error) => error.rawMessage);
}

describe("renderJunit", () => {
  it.each([
    ["mixed", mixedReport()],
    ["waivers", waiverReport()],
    ["clean", buildReport()],
  ])("%s: valid against the JUnit schema CI servers read", async (_name, report) => {
    expect(await schemaErrors(renderJunit(report))).toEqual([]);
  });

  it("makes one suite per rule and one case per rule and resource, a failure per fail and an error per unevaluated rule", () => {
    const xml = renderJunit(mixedReport());
    expect(xml).toContain(`<testsuite name="${SSH_RULE.id}" tests="3" failures="2" errors="0" skipped="0"`);
    expect(xml).toContain(`<testsuite name="${ROLE_RULE.id}" tests="1" failures="0" errors="1" skipped="0"`);
    expect(xml).toContain(`<failure message="${LIVE_FAIL.message}" type="error"/>`);
    expect(xml).toContain(`type="not-evaluated"`);
    expect(xml).toContain(`classname="${LIVE_ERROR.ruleId}"`);
    expect(xml).toContain(`name="AWS::EC2::SecurityGroup WebSecurityGroup (templates/web stack.yaml:14:13)"`);
  });

  it("counts waived results as skipped, never as passes or failures", () => {
    const xml = renderJunit(waiverReport());
    expect(xml).toMatch(/<skipped message="waived until \d{4}-\d{2}-\d{2}: /);
  });

  it("reports collection errors as errors of their own suite, so an incomplete run is never green", () => {
    expect(renderJunit(mixedReport())).toMatch(
      /<testsuite name="access-baseline" tests="1" failures="0" errors="1"[\s\S]*AccessDenied/,
    );
  });

  it("comes a test case at a time, each case whole, with every count known before it", () => {
    const report = mixedReport();
    const chunks = [...renderJunitChunks(report)];
    expect(chunks.join("")).toBe(renderJunit(report));
    const cases = chunks.filter((chunk) => chunk.startsWith("    <testcase "));
    expect(cases).toHaveLength(report.results.length + report.collectionErrors.length);
    for (const chunk of cases)
      expect(chunk).toMatch(/^ {4}<testcase [^\n]*(\/>\n|>\n[\s\S]*<\/testcase>\n)$/);
    expect(chunks[1]).toBe(
      '<testsuites name="access-baseline" tests="5" failures="2" errors="2" skipped="0" time="0">\n',
    );
  });

  it("writes an empty run as one empty element", () => {
    expect(renderJunit(buildReport({ rules: [] }))).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="access-baseline" tests="0" failures="0" errors="0" skipped="0" time="0"/>\n',
    );
  });

  it("escapes what XML cannot carry as is", async () => {
    const hostile = { ...TEMPLATE_FAIL, message: `a <b> & "c" 'd'\u0001\n` };
    const xml = renderJunit(buildReport({ rules: [SSH_RULE], results: [hostile] }));
    expect(xml).toContain("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;\uFFFD&#10;");
    expect(await schemaErrors(xml)).toEqual([]);
  });
});
