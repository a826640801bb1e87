import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/result.js";
import { shouldUseColor } from "../../src/report/color.js";
import { renderText } from "../../src/report/text.js";
import {
  ACCOUNT_A,
  ACCOUNT_B,
  COLLECTION_ERROR,
  LIVE_ERROR,
  LIVE_FAIL,
  ROLE_RULE,
  SSH_RULE,
  TEMPLATE_FAIL,
  buildReport,
  liveReport,
  mixedReport,
} from "./fixtures.js";

const ESCAPE = "\u001b[";

function lines(text: string): string[] {
  return text.split("\n");
}

describe("renderText grouped by rule", () => {
  const text = renderText(mixedReport(), { color: false });

  it("heads each rule with severity, id and title, worst severity first", () => {
    const headings = lines(text).filter((line) => line !== "" && !line.startsWith(" "));
    expect(headings.slice(0, 2)).toEqual([
      `error    ${SSH_RULE.id}  ${SSH_RULE.title}  (2)`,
      `warning  ${ROLE_RULE.id}  ${ROLE_RULE.title}  (1)`,
    ]);
  });

  it("lists each failing resource under its rule, with file:line for templates", () => {
    const body = lines(text);
    const start = body.indexOf(`error    ${SSH_RULE.id}  ${SSH_RULE.title}  (2)`);
    expect(body.slice(start + 1, start + 5)).toEqual([
      `  Fix: ${SSH_RULE.remediation}`,
      `  Docs: ${SSH_RULE.helpUri}`,
      `  sg-0123456789abcdef0  eu-west-1  ${LIVE_FAIL.message}`,
      `  WebSecurityGroup      us-east-1  ${TEMPLATE_FAIL.message}  templates/web stack.yaml:14:13`,
    ]);
  });

  it("shows no placeholder region for template resources, which their file places", () => {
    const unplaced = { ...TEMPLATE_FAIL, resource: { ...TEMPLATE_FAIL.resource, region: "unknown" } };
    const alone = lines(renderText(buildReport({ results: [unplaced] }), { color: false }));
    expect(alone).toContain(`  WebSecurityGroup  ${TEMPLATE_FAIL.message}  templates/web stack.yaml:14:13`);
    const mixed = lines(renderText(buildReport({ results: [unplaced, LIVE_FAIL] }), { color: false }));
    expect(mixed).toContain(`  sg-0123456789abcdef0  eu-west-1  ${LIVE_FAIL.message}`);
    expect(mixed).toContain(
      `  WebSecurityGroup                 ${TEMPLATE_FAIL.message}  templates/web stack.yaml:14:13`,
    );
    expect(mixed.join("\n")).not.toContain("unknown");
  });

  it("says plainly when a rule could not be evaluated", () => {
    expect(text).toContain(`  web-instance-role  global  could not evaluate: ${LIVE_ERROR.message}`);
  });

  it("leaves passes out of the listing", () => {
    expect(text).not.toContain("sg-0aaaaaaaaaaaaaaaa");
  });

  it("ends with the counts and the collection errors", () => {
    expect(text).toContain(
      "Results: 2 failed, 1 not evaluated, 1 passed, 0 not applicable (4 resources, 2 rules)\n",
    );
    expect(text).toContain("Failures by severity: 2 error, 0 warning, 0 note\n");
    expect(text).toContain(
      `1 collection error:\n  ${ACCOUNT_B} global  iam ListAttachedRolePolicies  AccessDenied: ` +
        "User is not authorized to perform iam:ListAttachedRolePolicies (requires iam:ListAttachedRolePolicies)\n",
    );
    expect(text.endsWith("\n")).toBe(true);
  });
});

describe("renderText grouped by resource", () => {
  const text = renderText(mixedReport(), { color: false, groupBy: "resource" });

  it.each([
    [
      `sg-0123456789abcdef0  AWS::EC2::SecurityGroup  ${ACCOUNT_A} eu-west-1`,
      `  error  ${SSH_RULE.id}  ${LIVE_FAIL.message}`,
    ],
    [
      `web-instance-role  AWS::IAM::Role  ${ACCOUNT_B} global`,
      `  warning  ${ROLE_RULE.id}  could not evaluate: ${LIVE_ERROR.message}`,
    ],
    [
      "WebSecurityGroup  AWS::EC2::SecurityGroup  templates/web stack.yaml:5",
      `  error  ${SSH_RULE.id}  ${TEMPLATE_FAIL.message}  templates/web stack.yaml:14:13`,
    ],
  ])("heads %s with its findings below", (heading, finding) => {
    const body = lines(text);
    const index = body.indexOf(heading);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(body[index + 1]).toBe(finding);
  });

  it("gathers the findings of one resource under one heading", () => {
    const twoRules = buildReport({
      rules: [SSH_RULE, ROLE_RULE],
      results: [LIVE_FAIL, { ...LIVE_FAIL, ruleId: ROLE_RULE.id, severity: "warning", message: "second" }],
    });
    const body = lines(renderText(twoRules, { color: false, groupBy: "resource" }));
    expect(body.filter((line) => line.startsWith("sg-0123456789abcdef0"))).toHaveLength(1);
    const howToFix = body.indexOf("How to fix:");
    expect(body.slice(0, howToFix).filter((line) => line.startsWith("  "))).toEqual([
      `  error    ${SSH_RULE.id.padEnd(ROLE_RULE.id.length)}  ${LIVE_FAIL.message}`,
      `  warning  ${ROLE_RULE.id}  second`,
    ]);
    // How to fix each rule is said once, after the resources, not under each of them.
    expect(body.slice(howToFix + 1, howToFix + 6)).toEqual([
      `  ${SSH_RULE.id}`,
      `    Fix: ${SSH_RULE.remediation}`,
      `    Docs: ${SSH_RULE.helpUri}`,
      `  ${ROLE_RULE.id}`,
      `    Fix: ${ROLE_RULE.remediation}`,
    ]);
  });
});

describe("renderText colour", () => {
  it.each<[string, Report]>([
    ["mixed", mixedReport()],
    ["clean", buildReport()],
  ])("%s: no escape sequences when colour is off", (_name, report) => {
    expect(renderText(report, { color: false })).not.toContain(ESCAPE);
    expect(renderText(report, { color: false, groupBy: "resource" })).not.toContain(ESCAPE);
  });

  it("colours when asked, whatever the environment", () => {
    const coloured = renderText(liveReport(), { color: true });
    expect(coloured).toContain(ESCAPE);
    // Stripping the escapes gives back the plain rendering: colour never changes the layout.
    expect(stripVTControlCharacters(coloured)).toBe(renderText(liveReport(), { color: false }));
  });

  it("says so when nothing failed", () => {
    expect(renderText(buildReport(), { color: false })).toMatch(/^No failing results\.\n\nResults: 0 failed/);
  });

  it.each([
    [
      "an input problem",
      buildReport({ inputProblems: [{ file: "stack.yaml", line: 3, message: "not valid YAML" }] }),
    ],
    ["a collection error", buildReport({ collectionErrors: [COLLECTION_ERROR] })],
  ])("does not say nothing failed when the run is incomplete: %s", (_name, report) => {
    const text = renderText(report, { color: false });
    expect(text).not.toContain("No failing results");
    expect(text).toMatch(
      /^Incomplete run: some inputs could not be read \(listed below\)\.\n\nResults: 0 failed/,
    );
  });
});

describe("shouldUseColor", () => {
  it.each<[string, { isTTY?: boolean }, NodeJS.ProcessEnv, boolean]>([
    ["a terminal", { isTTY: true }, {}, true],
    ["a pipe", { isTTY: false }, {}, false],
    ["a stream that does not say", {}, {}, false],
    ["NO_COLOR on a terminal", { isTTY: true }, { NO_COLOR: "1" }, false],
    ["an empty NO_COLOR on a terminal", { isTTY: true }, { NO_COLOR: "" }, true],
    ["FORCE_COLOR on a pipe", { isTTY: false }, { FORCE_COLOR: "1" }, true],
    ["an empty FORCE_COLOR on a pipe", { isTTY: false }, { FORCE_COLOR: "" }, true],
    ["FORCE_COLOR=0 on a terminal", { isTTY: true }, { FORCE_COLOR: "0" }, true],
    ["FORCE_COLOR=0 on a pipe", { isTTY: false }, { FORCE_COLOR: "0" }, false],
    ["FORCE_COLOR=false on a pipe", { isTTY: false }, { FORCE_COLOR: "false" }, false],
    ["NO_COLOR and FORCE_COLOR together", { isTTY: true }, { NO_COLOR: "1", FORCE_COLOR: "1" }, false],
  ])("%s", (_name, stream, env, expected) => {
    expect(shouldUseColor(stream, env)).toBe(expected);
  });
});

describe("renderText with control characters in the inputs", () => {
  // A carriage return and "erase line, cursor up" would let a resource id wipe its own finding off a terminal.
  const hostileId = "sg-1\r\u001b[2K\u001b[1Ahidden";
  const hostile = {
    ...TEMPLATE_FAIL,
    resource: {
      ...TEMPLATE_FAIL.resource,
      id: hostileId,
      source: { ...TEMPLATE_FAIL.resource.source, file: "templates/a\rb.yaml" },
    },
  };
  it.each(["rule", "resource"] as const)("shows them escaped, grouped by %s", (groupBy) => {
    const text = renderText(buildReport({ results: [hostile] }), { color: false, groupBy });
    expect(text).not.toContain("\r");
    expect(text).not.toContain("\u001b");
    expect(text).toContain("sg-1\\r\\u001b[2K\\u001b[1Ahidden");
    expect(text).toContain("templates/a\\rb.yaml");
  });
});

describe("renderText with control characters in a snapshot's collection errors", () => {
  it("shows them escaped", () => {
    const report = buildReport({
      collectionErrors: [
        { ...COLLECTION_ERROR, message: "denied\r\u001b[2K\u001b[1A", code: "Denied\u001b[8m" },
      ],
    });
    const text = renderText(report, { color: false });
    expect(text).not.toContain("\r");
    expect(text).not.toContain("\u001b");
    expect(text).toContain("Denied\\u001b[8m: denied\\r\\u001b[2K\\u001b[1A");
  });
});

describe("renderText with control characters in an input problem's message", () => {
  it("shows them escaped", () => {
    // A template's own names (a condition's) are quoted in the message about them.
    const name = "C\r\u001b[2K\u001b[1A\n::stop-commands::token\n";
    const report = buildReport({
      inputProblems: [
        {
          file: "templates/a.yaml",
          line: 3,
          message: `condition ${name} refers to condition Missing, which is not defined in Conditions`,
        },
      ],
    });
    const text = renderText(report, { color: false });
    expect(text).not.toContain("\r");
    expect(text).not.toContain("\u001b");
    expect(text).not.toMatch(/^::/m);
    expect(text).toContain(
      "  templates/a.yaml:3: condition C\\r\\u001b[2K\\u001b[1A\\n::stop-commands::token\\n refers to",
    );
  });
});
