import { describe, expect, it } from "vitest";
import { InvalidValueError } from "../../../src/engine/operators/invalid-value.js";
import { trailRecordsEvent } from "../../../src/engine/operators/trail-selectors.js";
import type { JsonValue } from "../../../src/model/resource.js";
import { UnknownValueError } from "../../../src/model/unknown.js";

const START_SESSION = { eventSource: "ssm.amazonaws.com", eventName: "StartSession", readOnly: false };
const DESCRIBE = { eventSource: "ssm.amazonaws.com", eventName: "DescribeSessions", readOnly: true };

describe("whether a trail's selectors record a management event", () => {
  const cases: [string, JsonValue, boolean, boolean][] = [
    // name, trail, records StartSession (a write), records DescribeSessions (a read)
    ["no selectors: CloudTrail's default, every management event", {}, true, true],
    [
      "all management events",
      { EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }] },
      true,
      true,
    ],
    [
      "write-only",
      { EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }] },
      true,
      false,
    ],
    [
      "read-only",
      { EventSelectors: [{ ReadWriteType: "ReadOnly", IncludeManagementEvents: true }] },
      false,
      true,
    ],
    [
      "management events excluded (data events only)",
      {
        EventSelectors: [
          {
            ReadWriteType: "All",
            IncludeManagementEvents: false,
            DataResources: [{ Type: "AWS::S3::Object" }],
          },
        ],
      },
      false,
      false,
    ],
    [
      "Systems Manager excluded as an event source",
      {
        EventSelectors: [
          {
            ReadWriteType: "All",
            IncludeManagementEvents: true,
            ExcludeManagementEventSources: ["ssm.amazonaws.com"],
          },
        ],
      },
      false,
      false,
    ],
    [
      "a second selector that records what the first does not",
      {
        EventSelectors: [
          { ReadWriteType: "ReadOnly", IncludeManagementEvents: true },
          { ReadWriteType: "WriteOnly", IncludeManagementEvents: true },
        ],
      },
      true,
      true,
    ],
    [
      "advanced: every management event",
      { AdvancedEventSelectors: [{ FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] }] },
      true,
      true,
    ],
    [
      "advanced: management writes",
      {
        AdvancedEventSelectors: [
          {
            FieldSelectors: [
              { Field: "eventCategory", Equals: ["Management"] },
              { Field: "readOnly", Equals: ["false"] },
            ],
          },
        ],
      },
      true,
      false,
    ],
    [
      "advanced: Systems Manager left out",
      {
        AdvancedEventSelectors: [
          {
            FieldSelectors: [
              { Field: "eventCategory", Equals: ["Management"] },
              { Field: "eventSource", NotEquals: ["kms.amazonaws.com", "ssm.amazonaws.com"] },
            ],
          },
        ],
      },
      false,
      false,
    ],
    [
      "advanced: data events only",
      {
        AdvancedEventSelectors: [
          {
            FieldSelectors: [
              { Field: "eventCategory", Equals: ["Data"] },
              { Field: "resources.type", Equals: ["AWS::S3::Object"] },
            ],
          },
        ],
      },
      false,
      false,
    ],
    [
      "advanced: event names starting with Start",
      {
        AdvancedEventSelectors: [
          {
            FieldSelectors: [
              { Field: "eventCategory", Equals: ["Management"] },
              { Field: "eventName", StartsWith: ["Start"] },
            ],
          },
        ],
      },
      true,
      false,
    ],
    [
      "advanced selectors win over an empty basic list",
      {
        EventSelectors: [],
        AdvancedEventSelectors: [{ FieldSelectors: [{ Field: "eventCategory", Equals: ["Data"] }] }],
      },
      false,
      false,
    ],
  ];
  for (const [name, trail, write, read] of cases) {
    it(name, () => {
      expect(trailRecordsEvent(trail, START_SESSION)).toBe(write);
      expect(trailRecordsEvent(trail, DESCRIBE)).toBe(read);
    });
  }

  it("refuses selectors that do not have CloudTrail's shape", () => {
    for (const trail of [
      { EventSelectors: [{ ReadWriteType: "Everything" }] },
      { EventSelectors: [{ IncludeManagementEvents: "yes" }] },
      { EventSelectors: "All" },
      { AdvancedEventSelectors: [{ FieldSelectors: [{ Equals: ["Management"] }] }] },
      { AdvancedEventSelectors: [{ FieldSelectors: [{ Field: "eventCategory", Matches: ["Management"] }] }] },
      { AdvancedEventSelectors: [{ Name: "no field selectors" }] },
    ] as JsonValue[]) {
      expect(() => trailRecordsEvent(trail, START_SESSION), JSON.stringify(trail)).toThrow(InvalidValueError);
    }
  });

  it("refuses a field selector condition named like a property every object has", () => {
    for (const name of ["toString", "constructor", "hasOwnProperty", "__proto__"]) {
      const trail = JSON.parse(
        `{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"], "${name}": ["x"]}]}]}`,
      ) as JsonValue;
      expect(() => trailRecordsEvent(trail, START_SESSION), name).toThrow(InvalidValueError);
    }
  });

  it("cannot decide on selectors that are not known", () => {
    expect(() => trailRecordsEvent({ EventSelectors: { $unknown: "not recorded" } }, START_SESSION)).toThrow(
      UnknownValueError,
    );
  });
});
