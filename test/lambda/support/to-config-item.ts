import type { JsonObject, JsonValue, Resource } from "../../../src/model/resource.js";

/**
 * The configuration item AWS Config would record for a canonical resource: the inverse of
 * `src/sources/config-item/normalize.ts`, written independently so that the parity test checks
 * one against the other. Keys become camelCase, IAM documents URL-encoded JSON, IPv4 sources of
 * security groups appear twice (as plain strings and as `ipv4Ranges`), and an SSM managed
 * instance becomes an inventory item holding its `AWS:InstanceInformation`.
 */

const DOCUMENT_FIELDS = new Set(["AssumeRolePolicyDocument", "PolicyDocument", "Document"]);

/** The id AWS Config knows each type by. */
const CONFIG_ID: Record<string, string> = {
  "AWS::EC2::SecurityGroup": "GroupId",
  "AWS::EC2::Instance": "InstanceId",
  "AWS::IAM::Role": "RoleId",
  "AWS::IAM::User": "UserId",
  "AWS::IAM::Group": "GroupId",
  "AWS::IAM::Policy": "PolicyId",
  "AWS::SSM::ManagedInstanceInventory": "InstanceId",
  "AWS::CloudTrail::Trail": "Name",
  "AWS::Events::Rule": "Name",
};

export function configIdOf(resource: Resource): string {
  const id = resource.properties[CONFIG_ID[resource.type]!];
  return typeof id === "string" ? id : resource.id;
}

function camel(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(camel);
  if (value === null || typeof value !== "object") return value;
  const result: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    const name = key.charAt(0).toLowerCase() + key.slice(1);
    result[name] =
      DOCUMENT_FIELDS.has(key) && member !== null
        ? encodeURIComponent(JSON.stringify(member))
        : camel(member);
  }
  return result;
}

function securityGroup(properties: JsonObject): JsonValue {
  const configuration = camel(properties) as JsonObject;
  for (const field of ["ipPermissions", "ipPermissionsEgress"]) {
    const permissions = configuration[field];
    if (!Array.isArray(permissions)) continue;
    configuration[field] = permissions.map((permission) => {
      const entry = permission as JsonObject;
      const ranges = Array.isArray(entry.ipRanges) ? (entry.ipRanges as JsonObject[]) : [];
      return { ...entry, ipRanges: ranges.map((range) => range.cidrIp ?? null), ipv4Ranges: ranges };
    });
  }
  return configuration;
}

function inventory(properties: JsonObject): JsonValue {
  const {
    IPAddress,
    PingStatus: _ping,
    LastPingDateTime: _last,
    IsLatestVersion: _latest,
    IamRole: _role,
    ...fields
  } = properties;
  return {
    "AWS:InstanceInformation": {
      SchemaVersion: "1.0",
      Content: {
        [typeof properties.InstanceId === "string" ? properties.InstanceId : "?"]: {
          ...fields,
          ...(IPAddress !== undefined ? { IpAddress: IPAddress } : {}),
        },
      },
    },
  };
}

/** Config records an EventBridge rule with the API's PascalCase names and its pattern as JSON text. */
function eventRule(properties: JsonObject): JsonValue {
  const { EventPattern, ...fields } = properties;
  return {
    ...fields,
    ...(EventPattern === undefined
      ? {}
      : { EventPattern: typeof EventPattern === "string" ? EventPattern : JSON.stringify(EventPattern) }),
  };
}

export function toConfigItem(resource: Resource): Record<string, unknown> {
  const configuration =
    resource.type === "AWS::EC2::SecurityGroup"
      ? securityGroup(resource.properties)
      : resource.type === "AWS::SSM::ManagedInstanceInventory"
        ? inventory(resource.properties)
        : resource.type === "AWS::Events::Rule"
          ? eventRule(resource.properties)
          : camel(resource.properties);
  return {
    relatedEvents: [],
    relationships: [],
    configuration,
    supplementaryConfiguration: {},
    tags: {},
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-20T10:00:00.000Z",
    configurationStateId: 1763632800000,
    awsAccountId: resource.account,
    configurationItemStatus: "OK",
    resourceType: resource.type,
    resourceId: configIdOf(resource),
    resourceName: resource.id,
    ARN: resource.arn ?? null,
    awsRegion: resource.region,
    availabilityZone: "Not Applicable",
    configurationStateMd5Hash: "",
    resourceCreationTime: null,
  };
}

export function changeEvent(item: Record<string, unknown>, ruleParameters = ""): Record<string, unknown> {
  return {
    version: "1.0",
    invokingEvent: JSON.stringify({
      configurationItemDiff: null,
      configurationItem: item,
      notificationCreationTime: "2026-11-20T10:00:05.000Z",
      messageType: "ConfigurationItemChangeNotification",
      recordVersion: "1.3",
    }),
    ruleParameters,
    resultToken: "parity-token",
    eventLeftScope: false,
    configRuleName: "access-baseline-parity",
    accountId: item.awsAccountId,
  };
}

export function scheduledEvent(account: string, ruleParameters = ""): Record<string, unknown> {
  return {
    version: "1.0",
    invokingEvent: JSON.stringify({
      awsAccountId: account,
      notificationCreationTime: "2026-11-20T13:00:00.000Z",
      messageType: "ScheduledNotification",
      recordVersion: "1.0",
    }),
    ruleParameters,
    resultToken: "parity-token",
    eventLeftScope: false,
    configRuleName: "access-baseline-parity",
    accountId: account,
  };
}
