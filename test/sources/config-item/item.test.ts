import { describe, expect, it } from "vitest";
import { isUnknown } from "../../../src/model/unknown.js";
import {
  ConfigurationItemError,
  readConfigurationItem,
  readItemSummary,
} from "../../../src/sources/config-item/item.js";

const EVENT_MODEL = {
  configurationItemVersion: "1.3",
  configurationItemCaptureTime: "2026-11-20T10:00:00.000Z",
  configurationStateId: 1763632800000,
  awsAccountId: "111122223333",
  configurationItemStatus: "OK",
  resourceType: "AWS::EC2::SecurityGroup",
  resourceId: "sg-1",
  resourceName: "web",
  ARN: "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1",
  awsRegion: "us-east-1",
  availabilityZone: "Not Applicable",
  configurationStateMd5Hash: "",
  tags: { Name: "web" },
  relatedEvents: [],
  relationships: [{ resourceId: "vpc-1", resourceType: "AWS::EC2::VPC", name: "Is contained in Vpc" }],
  configuration: { groupId: "sg-1" },
  supplementaryConfiguration: {},
};

describe("readConfigurationItem", () => {
  it("reads the event model", () => {
    const item = readConfigurationItem(EVENT_MODEL);
    expect(item).toMatchObject({
      awsAccountId: "111122223333",
      ARN: "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1",
      configurationItemVersion: "1.3",
      relationships: [{ resourceId: "vpc-1", resourceType: "AWS::EC2::VPC", name: "Is contained in Vpc" }],
      configuration: { groupId: "sg-1" },
      tags: { Name: "web" },
    });
  });

  it("reads the API model's names, as published samples use them", () => {
    const item = readConfigurationItem({
      version: "1.2",
      accountId: "111122223333",
      configurationItemCaptureTime: "2016-06-09T08:59:59.139Z",
      configurationItemStatus: "OK",
      configurationItemMD5Hash: "d5256a780a70ecb28fbd02b10c2a1662",
      arn: "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1",
      resourceType: "AWS::EC2::SecurityGroup",
      resourceId: "sg-1",
      awsRegion: "us-east-1",
      relationships: [
        { resourceType: "AWS::EC2::VPC", resourceId: "vpc-1", relationshipName: "Is contained in Vpc" },
      ],
      configuration: { groupId: "sg-1" },
    });
    expect(item).toMatchObject({
      awsAccountId: "111122223333",
      ARN: "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1",
      configurationItemVersion: "1.2",
      configurationStateMd5Hash: "d5256a780a70ecb28fbd02b10c2a1662",
      relationships: [{ resourceType: "AWS::EC2::VPC", resourceId: "vpc-1", name: "Is contained in Vpc" }],
    });
  });

  it("converts GetResourceConfigHistory's objects: dates and JSON text", () => {
    const item = readConfigurationItem({
      version: "1.3",
      accountId: "111122223333",
      configurationItemCaptureTime: new Date("2026-11-20T12:00:00.000Z"),
      configurationItemStatus: "OK",
      arn: "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1",
      resourceType: "AWS::EC2::SecurityGroup",
      resourceId: "sg-1",
      awsRegion: "us-east-1",
      resourceCreationTime: new Date("2025-03-01T08:00:00.000Z"),
      configuration: '{"groupId":"sg-1","ipPermissions":[]}',
      supplementaryConfiguration: { Tags: '[{"key":"Name","value":"web"}]' },
    });
    expect(item.configurationItemCaptureTime).toBe("2026-11-20T12:00:00.000Z");
    expect(item.resourceCreationTime).toBe("2025-03-01T08:00:00.000Z");
    expect(item.configuration).toEqual({ groupId: "sg-1", ipPermissions: [] });
    expect(item.supplementaryConfiguration).toEqual({ Tags: [{ key: "Name", value: "web" }] });
  });

  it("never reads the configuration of an item that is not evaluable", () => {
    for (const status of ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]) {
      const item = readConfigurationItem({
        ...EVENT_MODEL,
        configurationItemStatus: status,
        configuration: "not JSON at all",
      });
      expect(item.configuration).toBeNull();
    }
    expect(
      readConfigurationItem({
        ...EVENT_MODEL,
        configurationItemStatus: "ResourceDeleted",
        configuration: null,
      }).configuration,
    ).toBeNull();
  });

  it("refuses an item that does not say what it is", () => {
    const { resourceId: _id, ...withoutId } = EVENT_MODEL;
    expect(() => readConfigurationItem(withoutId)).toThrow(ConfigurationItemError);
    expect(() => readConfigurationItem(withoutId)).toThrow("AWS::EC2::SecurityGroup has no resource id");
    expect(() => readConfigurationItem("item")).toThrow("not an object");
    expect(() => readConfigurationItem({ ...EVENT_MODEL, configuration: "{" })).toThrow(
      "configuration is not valid JSON",
    );
    expect(() =>
      readConfigurationItem({
        ...EVENT_MODEL,
        configuration: '{"groupId":"sg-1","ipPermissions":[],"ipPermissions":[]}',
      }),
    ).toThrow('AWS::EC2::SecurityGroup configuration writes the key "ipPermissions" twice');
  });

  it("refuses a status AWS Config does not write, rather than take it for a deleted resource", () => {
    for (const status of ["Whatever", "ok", "OK ", "resourceDeleted"]) {
      expect(() => readConfigurationItem({ ...EVENT_MODEL, configurationItemStatus: status })).toThrow(
        `AWS::EC2::SecurityGroup has configurationItemStatus ${JSON.stringify(status)}, which is not one AWS Config writes`,
      );
      expect(() =>
        readItemSummary({
          configurationItemCaptureTime: "2026-11-20T12:00:00.000Z",
          accountId: "111122223333",
          configurationItemStatus: status,
          resourceType: "AWS::EC2::SecurityGroup",
          resourceId: "sg-1",
          awsRegion: "us-east-1",
        }),
      ).toThrow(ConfigurationItemError);
    }
  });

  it("reads an oversized notification's summary in either model", () => {
    expect(
      readItemSummary({
        configurationItemCaptureTime: "2026-11-20T12:00:00.000Z",
        accountId: "111122223333",
        configurationItemStatus: "OK",
        resourceType: "AWS::EC2::SecurityGroup",
        resourceId: "sg-1",
        awsRegion: "us-east-1",
      }),
    ).toEqual({
      resourceType: "AWS::EC2::SecurityGroup",
      resourceId: "sg-1",
      captureTime: "2026-11-20T12:00:00.000Z",
      status: "OK",
      account: "111122223333",
      region: "us-east-1",
    });
  });
});

describe("a configuration holding a field named __proto__", () => {
  it("keeps it as a field, so the configuration never inherits from it", () => {
    const configuration = JSON.parse('{"groupId": "sg-1", "__proto__": {"$unknown": "x"}}') as unknown;
    const item = readConfigurationItem({ ...EVENT_MODEL, configuration });
    expect(Object.getPrototypeOf(item.configuration)).toBe(Object.prototype);
    expect(Object.keys(item.configuration as object)).toEqual(["groupId", "__proto__"]);
    expect(isUnknown(item.configuration)).toBe(false);
  });
});
