import { describe, expect, it } from "vitest";
import { canonicalShapeProblem } from "../../../src/model/canonical.js";
import { isUnknown } from "../../../src/model/unknown.js";
import { eventRuleResource, trailResource } from "../../../src/sources/aws/normalize-alerting.js";

const scope = { account: "111122223333", partition: "aws" };

describe("trails from DescribeTrails, GetTrailStatus and GetEventSelectors", () => {
  it("joins the three answers into one trail in its home region", () => {
    const trail = trailResource(
      {
        trail: {
          Name: "organization-trail",
          TrailARN: "arn:aws:cloudtrail:eu-west-1:999988887777:trail/organization-trail",
          HomeRegion: "eu-west-1",
          IsMultiRegionTrail: true,
          IsOrganizationTrail: true,
          HasCustomEventSelectors: true,
        },
        status: { IsLogging: true },
        selectors: {
          TrailARN: "arn:aws:cloudtrail:eu-west-1:999988887777:trail/organization-trail",
          EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true, DataResources: [] }],
          AdvancedEventSelectors: [],
        } as never,
      },
      scope,
      "us-east-1",
    );
    expect(trail).toMatchObject({
      type: "AWS::CloudTrail::Trail",
      id: "organization-trail",
      arn: "arn:aws:cloudtrail:eu-west-1:999988887777:trail/organization-trail",
      account: "111122223333",
      region: "eu-west-1",
      source: { kind: "aws-live" },
    });
    expect(trail.properties.IsLogging).toBe(true);
    expect(trail.properties.EventSelectors).toEqual([
      { ReadWriteType: "WriteOnly", IncludeManagementEvents: true, DataResources: [] },
    ]);
    expect(trail.properties.AdvancedEventSelectors).toBeUndefined();
    expect(trail.properties.TrailARN).toBe(
      "arn:aws:cloudtrail:eu-west-1:999988887777:trail/organization-trail",
    );
    expect(canonicalShapeProblem(trail)).toBeUndefined();
  });

  it("leaves the selectors unknown when GetEventSelectors answers none of either kind", () => {
    for (const selectors of [
      { TrailARN: "arn:aws:cloudtrail:eu-west-1:111122223333:trail/quiet" },
      { EventSelectors: [], AdvancedEventSelectors: [] },
      { EventSelectors: null },
    ]) {
      const trail = trailResource({ trail: { Name: "quiet" }, selectors: selectors }, scope, "eu-west-1");
      expect(isUnknown(trail.properties.EventSelectors), JSON.stringify(selectors)).toBe(true);
      expect(trail.properties.EventSelectors).toEqual({
        $unknown:
          "GetEventSelectors answered no event selectors for trail quiet, so what it records cannot be told",
      });
      expect(trail.properties.AdvancedEventSelectors).toBeUndefined();
    }
  });

  it("keeps advanced selectors alone when the basic list is empty", () => {
    const advanced = [{ FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] }];
    const trail = trailResource(
      { trail: { Name: "t" }, selectors: { EventSelectors: [], AdvancedEventSelectors: advanced } },
      scope,
      "eu-west-1",
    );
    expect(trail.properties.AdvancedEventSelectors).toEqual(advanced);
    expect(trail.properties.EventSelectors).toBeUndefined();
  });

  it("builds the ARN when the answer lacks it", () => {
    const trail = trailResource({ trail: { Name: "t" } }, scope, "ap-south-1");
    expect(trail.arn).toBe("arn:aws:cloudtrail:ap-south-1:111122223333:trail/t");
    expect(trail.region).toBe("ap-south-1");
  });
});

describe("event rules from ListRules and ListTargetsByRule", () => {
  it("decodes the pattern text and joins the targets", () => {
    const rule = eventRuleResource(
      {
        Name: "session-start-alert",
        Arn: "arn:aws:events:eu-west-1:111122223333:rule/session-start-alert",
        EventBusName: "default",
        State: "ENABLED",
        EventPattern: '{"source":["aws.ssm"],"detail":{"eventName":["StartSession"]}}',
      },
      [{ Id: "notify", Arn: "arn:aws:sns:eu-west-1:111122223333:alerts" }],
      scope,
      "eu-west-1",
    );
    expect(rule.properties.EventPattern).toEqual({
      source: ["aws.ssm"],
      detail: { eventName: ["StartSession"] },
    });
    expect(rule.properties.Targets).toEqual([
      { Id: "notify", Arn: "arn:aws:sns:eu-west-1:111122223333:alerts" },
    ]);
    expect(canonicalShapeProblem(rule)).toBeUndefined();
  });

  it("keeps a pattern that is not a JSON object, or writes a key twice, as text", () => {
    for (const pattern of [
      "{",
      '["aws.ssm"]',
      "null",
      // Decoded, it would keep only the second eventName, and pass for a pattern EventBridge may read otherwise.
      '{"source":["aws.ssm"],"detail":{"eventName":["Nothing"],"eventName":["StartSession"]}}',
    ]) {
      const rule = eventRuleResource({ Name: "r", EventPattern: pattern }, [], scope, "eu-west-1");
      expect(rule.properties.EventPattern).toBe(pattern);
    }
  });

  it("names a rule of another bus with the bus in its ARN", () => {
    const rule = eventRuleResource({ Name: "r", EventBusName: "security" }, [], scope, "eu-west-1");
    expect(rule.arn).toBe("arn:aws:events:eu-west-1:111122223333:rule/security/r");
  });
});
