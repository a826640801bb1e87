import { describe, expect, it } from "vitest";
import { builtinRuleSources } from "../../src/lambda/builtin-rules.js";
import { InputParametersError } from "../../src/lambda/errors.js";
import { checkOverrides, paramsFor, parseRuleParameters, selectRules } from "../../src/lambda/parameters.js";
import { RuleCatalog } from "../../src/lambda/rule-catalog.js";

const catalog = new RuleCatalog(builtinRuleSources());

describe("parseRuleParameters", () => {
  it('reads JSON text, and takes missing, null, "" and {} as no parameters', () => {
    expect(parseRuleParameters('{"rules":"ssh-from-internet"}')).toEqual({ rules: "ssh-from-internet" });
    for (const empty of [undefined, null, "", "  ", "{}"]) expect(parseRuleParameters(empty)).toEqual({});
    expect(parseRuleParameters({ rules: "a" })).toEqual({ rules: "a" });
  });

  it("refuses anything but a JSON object", () => {
    expect(() => parseRuleParameters("[1]")).toThrow(InputParametersError);
    expect(() => parseRuleParameters("rules=a")).toThrow("ruleParameters is not valid JSON");
  });
});

describe("selectRules", () => {
  it("selects every rule by default, or the listed ones in the pack's order", () => {
    expect(selectRules({}, catalog)).toMatchObject({ explicit: false, ruleIds: catalog.ids });
    expect(selectRules({ rules: " ssh-from-internet , rdp-from-internet," }, catalog).ruleIds).toEqual([
      "rdp-from-internet",
      "ssh-from-internet",
    ]);
    expect(selectRules({ rules: ["ssm-agent-version"] }, catalog).ruleIds).toEqual(["ssm-agent-version"]);
    expect(selectRules({ rules: "" }, catalog).explicit).toBe(false);
  });

  it("layers overrides: the rule's default, then a bare name, then rule-id.name", () => {
    const selection = selectRules({ rules: "ssm-agent-version", minimumVersion: "3.0.0.0" }, catalog);
    expect(paramsFor(selection, catalog, "ssm-agent-version")).toEqual({ minimumVersion: "3.0.0.0" });
    const both = selectRules(
      {
        rules: "ssm-agent-version",
        minimumVersion: "3.0.0.0",
        "ssm-agent-version.minimumVersion": "3.1.0.0",
      },
      catalog,
    );
    expect(paramsFor(both, catalog, "ssm-agent-version")).toEqual({ minimumVersion: "3.1.0.0" });
    expect(paramsFor(selectRules({}, catalog), catalog, "session-timeouts")).toEqual({
      maxIdleMinutes: 20,
      maxSessionMinutes: 480,
      requireMaxDuration: true,
    });
  });

  it("converts values by the declared type, as the CLI does", () => {
    const selection = selectRules(
      { "session-timeouts.maxIdleMinutes": "15", "session-timeouts.requireMaxDuration": "false" },
      catalog,
    );
    expect(paramsFor(selection, catalog, "session-timeouts")).toMatchObject({
      maxIdleMinutes: 15,
      requireMaxDuration: false,
    });
    const bad = selectRules({ "session-timeouts.maxIdleMinutes": "90" }, catalog);
    expect(() => checkOverrides(bad, catalog)).toThrow(
      'parameter "session-timeouts.maxIdleMinutes" must be at most 60',
    );
  });

  it("refuses unknown, ambiguous and misplaced names", () => {
    expect(() => selectRules({ rules: "nope" }, catalog)).toThrow('rules: unknown rule "nope"');
    expect(() => selectRules({ "nope.port": "1" }, catalog)).toThrow('nope.port: unknown rule "nope"');
    expect(() => selectRules({ rules: "ssh-from-internet", "rdp-from-internet.port": "1" }, catalog)).toThrow(
      'rule "rdp-from-internet" is not among the rules this Config rule runs',
    );
    expect(() => selectRules({ rules: "ssh-from-internet", minimumVersion: "1.0" }, catalog)).toThrow(
      "none of the rules this Config rule runs",
    );
    expect(() => selectRules({ port: "22" }, catalog)).toThrow('"port" is a parameter of');
    expect(() => selectRules({ "Not A Key": 1 }, catalog)).toThrow(
      'expected "rules", "rule-id.name" or a parameter name',
    );
  });
});
