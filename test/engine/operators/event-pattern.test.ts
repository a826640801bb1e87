import { describe, expect, it } from "vitest";
import {
  compileEventPattern,
  eventPatternMatches,
  InvalidEventPatternError,
} from "../../../src/engine/operators/event-pattern.js";
import type { JsonValue } from "../../../src/model/resource.js";

/** Systems Manager's StartSession API call as EventBridge receives it from CloudTrail. */
const START_SESSION: JsonValue = {
  version: "0",
  source: "aws.ssm",
  "detail-type": "AWS API Call via CloudTrail",
  account: "111122223333",
  region: "eu-west-1",
  resources: [],
  detail: {
    eventVersion: "1.08",
    eventSource: "ssm.amazonaws.com",
    eventName: "StartSession",
    awsRegion: "eu-west-1",
    sourceIPAddress: "203.0.113.7",
    readOnly: false,
    managementEvent: true,
    eventCategory: "Management",
    userIdentity: { type: "AssumedRole", arn: "arn:aws:sts::111122223333:assumed-role/Ops/alice" },
    requestParameters: { target: "i-0123456789abcdef0" },
    responseElements: { sessionId: "alice-0a1b2c3d4e5f" },
    tlsDetails: { tlsVersion: "TLSv1.3" },
    apiVersion: 20141106,
  },
};

const CANONICAL = {
  source: ["aws.ssm"],
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: { eventSource: ["ssm.amazonaws.com"], eventName: ["StartSession"] },
};

function detail(filter: Record<string, JsonValue>): JsonValue {
  return { source: ["aws.ssm"], detail: filter };
}

describe("EventBridge event patterns against the StartSession event", () => {
  const cases: [string, JsonValue, boolean][] = [
    ["the canonical pattern", CANONICAL, true],
    ["the pattern as the JSON text AWS stores", JSON.stringify(CANONICAL), true],
    ["a list of values is an OR", { detail: { eventName: ["ResumeSession", "StartSession"] } }, true],
    ["only the source", { source: ["aws.ssm"] }, true],
    ["a look-alike event name", { detail: { eventName: ["StartSessions"] } }, false],
    ["a source with a trailing space", { source: ["aws.ssm "] }, false],
    ["the source in another case", { source: ["AWS.SSM"] }, false],
    ["the event name in another case", { detail: { eventName: ["startsession"] } }, false],
    [
      "equals-ignore-case on the name",
      detail({ eventName: [{ "equals-ignore-case": "startSESSION" }] }),
      true,
    ],
    ["prefix Start", detail({ eventName: [{ prefix: "Start" }] }), true],
    ["prefix Stop", detail({ eventName: [{ prefix: "Stop" }] }), false],
    ["prefix ignoring case", detail({ eventName: [{ prefix: { "equals-ignore-case": "start" } }] }), true],
    ["suffix Session", detail({ eventName: [{ suffix: "Session" }] }), true],
    ["suffix Sessions", detail({ eventName: [{ suffix: "Sessions" }] }), false],
    ["anything-but TerminateSession", detail({ eventName: [{ "anything-but": "TerminateSession" }] }), true],
    ["anything-but StartSession", detail({ eventName: [{ "anything-but": "StartSession" }] }), false],
    [
      "anything-but a list holding StartSession",
      detail({ eventName: [{ "anything-but": ["TerminateSession", "StartSession"] }] }),
      false,
    ],
    ["anything-but prefix Start", detail({ eventName: [{ "anything-but": { prefix: "Start" } }] }), false],
    ["anything-but prefix Stop", detail({ eventName: [{ "anything-but": { prefix: "Stop" } }] }), true],
    [
      "anything-but suffix Session",
      detail({ eventName: [{ "anything-but": { suffix: "Session" } }] }),
      false,
    ],
    [
      "anything-but ignoring case",
      detail({ eventName: [{ "anything-but": { "equals-ignore-case": ["startsession"] } }] }),
      false,
    ],
    [
      "anything-but on a field the event lacks",
      detail({ errorCode: [{ "anything-but": "AccessDenied" }] }),
      false,
    ],
    ["a field the event lacks", detail({ errorCode: ["AccessDenied"] }), false],
    ["exists false on a field the event lacks", detail({ errorCode: [{ exists: false }] }), true],
    ["exists true on a field the event lacks", detail({ errorCode: [{ exists: true }] }), false],
    ["exists true on a field it has", detail({ eventName: [{ exists: true }] }), true],
    ["a nested object", detail({ userIdentity: { type: ["AssumedRole"] } }), true],
    ["a nested object that differs", detail({ userIdentity: { type: ["IAMUser"] } }), false],
    ["wildcard", detail({ eventName: [{ wildcard: "Start*ion" }] }), true],
    ["wildcard that needs more", detail({ eventName: [{ wildcard: "*Sessions" }] }), false],
    ["wildcard with two stars", detail({ eventName: [{ wildcard: "S*r*n" }] }), true],
    ["wildcard without a star is exact", detail({ eventName: [{ wildcard: "StartSession" }] }), true],
    ["a false JSON boolean", detail({ readOnly: [false] }), true],
    ["the text false is not the boolean", detail({ readOnly: ["false"] }), false],
    ["numeric range", detail({ apiVersion: [{ numeric: [">", 20000000, "<=", 20141106] }] }), true],
    ["numeric equality", detail({ apiVersion: [{ numeric: ["=", 20141106] }] }), true],
    ["numeric outside the range", detail({ apiVersion: [{ numeric: ["<", 100] }] }), false],
    ["numeric on text", detail({ eventName: [{ numeric: [">", 0] }] }), false],
    ["cidr containing the caller", detail({ sourceIPAddress: [{ cidr: "203.0.113.0/24" }] }), true],
    ["cidr not containing the caller", detail({ sourceIPAddress: [{ cidr: "10.0.0.0/8" }] }), false],
    [
      "$or where one branch matches",
      {
        source: ["aws.ssm"],
        $or: [{ detail: { eventName: ["Nope"] } }, { "detail-type": ["AWS API Call via CloudTrail"] }],
      },
      true,
    ],
    [
      "$or where no branch matches",
      { $or: [{ detail: { eventName: ["Nope"] } }, { source: ["aws.ec2"] }] },
      false,
    ],
    ["a list in the event matches any element", { resources: [{ exists: false }] }, false],
  ];

  for (const [name, pattern, expected] of cases) {
    it(`${name}: ${expected ? "matches" : "does not match"}`, () => {
      expect(eventPatternMatches(pattern, START_SESSION)).toBe(expected);
    });
  }

  it("matches a list value in the event when one element matches", () => {
    const event = { source: "aws.ec2", resources: ["arn:a", "arn:b"] };
    expect(eventPatternMatches({ resources: ["arn:b"] }, event)).toBe(true);
    expect(eventPatternMatches({ resources: ["arn:c"] }, event)).toBe(false);
  });

  it("matches null only where the event holds null", () => {
    expect(eventPatternMatches({ detail: { errorCode: [null] } }, { detail: { errorCode: null } })).toBe(
      true,
    );
    expect(eventPatternMatches({ detail: { errorCode: [null] } }, { detail: {} })).toBe(false);
  });

  it("finds no field the event lacks, also one named like a property every object has", () => {
    for (const name of ["constructor", "toString", "__proto__"]) {
      const pattern = JSON.parse(
        `{"source": ["aws.ssm"], "detail": {"${name}": [{"exists": true}]}}`,
      ) as unknown;
      expect(eventPatternMatches(pattern, START_SESSION), name).toBe(false);
      const nested = JSON.parse(
        `{"source": ["aws.ssm"], "${name}": {"name": [{"exists": false}]}}`,
      ) as unknown;
      expect(eventPatternMatches(nested, START_SESSION), name).toBe(true);
    }
  });
});

describe("invalid event patterns are errors, never a non-match", () => {
  const invalid: [string, unknown, RegExp][] = [
    ["text that is not JSON", '{"source": ["aws.ssm"', /the text is not JSON/],
    [
      "text that writes a key twice",
      '{"source": ["aws.ssm"], "detail": {"eventName": ["Nothing"],\n "eventName": ["StartSession"]}}',
      /the key "eventName" is written twice \(line 1 and line 2\)/,
    ],
    ["a list at the top", [CANONICAL], /a pattern is an object/],
    [
      "a value not in a list",
      { source: "aws.ssm" },
      /^not a valid EventBridge event pattern: source: a value to match is written in a list/,
    ],
    ["an empty pattern", {}, /an empty object/],
    ["an empty list", { source: [] }, /source: an empty list/],
    ["an unknown filter", { source: [{ contains: "ssm" }] }, /source\[0\]: unknown filter "contains"/],
    ["two operators in one filter", { source: [{ prefix: "a", suffix: "b" }] }, /exactly one operator/],
    ["exists with text", { source: [{ exists: "yes" }] }, /"exists" takes true or false/],
    ["prefix with a number", { source: [{ prefix: 1 }] }, /"prefix" takes text/],
    ["a mixed anything-but list", { source: [{ "anything-but": ["a", 1] }] }, /only text or only numbers/],
    [
      "an unknown anything-but form",
      { source: [{ "anything-but": { contains: "a" } }] },
      /"anything-but" takes/,
    ],
    ["numeric with an unknown operator", { n: [{ numeric: ["!=", 1] }] }, /"numeric" takes/],
    ["numeric with the bounds reversed", { n: [{ numeric: ["<", 5, ">", 1] }] }, /"numeric" takes/],
    ["numeric with a text limit", { n: [{ numeric: [">", "1"] }] }, /"numeric" takes/],
    ["cidr that is not a CIDR", { ip: [{ cidr: "10.0.0.0/33" }] }, /"cidr" takes a CIDR/],
    ["wildcard with consecutive stars", { s: [{ wildcard: "a**b" }] }, /consecutive stars/],
    ["$or with one branch", { $or: [{ source: ["aws.ssm"] }] }, /"\$or" takes a list of at least two/],
    ["an invalid branch of $or", { $or: [{ source: ["a"] }, { source: "b" }] }, /\$or\[1\]\.source/],
    [
      "a mistake deep in a nested object",
      { detail: { userIdentity: { type: "x" } } },
      /detail\.userIdentity\.type/,
    ],
  ];
  for (const [name, pattern, message] of invalid) {
    it(name, () => {
      expect(() => compileEventPattern(pattern)).toThrow(InvalidEventPatternError);
      expect(() => compileEventPattern(pattern)).toThrow(message);
    });
  }

  it("refuses an invalid pattern even when another part would already not match", () => {
    expect(() => eventPatternMatches({ source: ["aws.ec2"], detail: { x: "y" } }, START_SESSION)).toThrow(
      InvalidEventPatternError,
    );
  });
});
