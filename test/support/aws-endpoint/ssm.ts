import { assertKnownFields, epochSeconds, FakeError, pageOf, type Request } from "./protocol.js";

/** SSM over JSON 1.1: `DescribeInstanceInformation` and `GetDocument`; timestamps in epoch seconds. */
export function handleSsm(request: Request): unknown {
  switch (request.operation) {
    case "DescribeInstanceInformation":
      return describeInstanceInformation(request);
    case "GetDocument":
      return getDocument(request);
    default:
      throw new FakeError("InvalidAction", `the loopback SSM does not implement ${request.operation}`, 400);
  }
}

const TIMESTAMPS = [
  "LastPingDateTime",
  "RegistrationDate",
  "LastAssociationExecutionDate",
  "LastSuccessfulAssociationExecutionDate",
];

function describeInstanceInformation(request: Request): unknown {
  const managed = request.account.regions[request.region]?.managedInstances ?? [];
  const page = pageOf(
    managed,
    "ssm:DescribeInstanceInformation",
    request,
    request.params.NextToken,
    request.params.MaxResults,
    { min: 5, max: 50, default: 50, invalidCode: "InvalidNextToken" },
  );
  const list = page.items.map((item) => {
    assertKnownFields(
      item,
      [
        "InstanceId",
        "PingStatus",
        "AgentVersion",
        "IsLatestVersion",
        "PlatformType",
        "PlatformName",
        "PlatformVersion",
        "ResourceType",
        "IPAddress",
        "ComputerName",
        "IamRole",
        ...TIMESTAMPS,
      ],
      "managed instance",
    );
    const wire: Record<string, unknown> = { ...item };
    for (const name of TIMESTAMPS) if (name in wire) wire[name] = epochSeconds(wire[name]);
    return wire;
  });
  return { InstanceInformationList: list, ...(page.next ? { NextToken: page.next } : {}) };
}

function getDocument(request: Request): unknown {
  const name = request.params.Name;
  const preferences = request.account.regions[request.region]?.preferences;
  if (name !== "SSM-SessionManagerRunShell" || !preferences) {
    throw new FakeError("InvalidDocument", "The specified document does not exist.", 400);
  }
  return {
    Name: name,
    CreatedDate: epochSeconds(preferences.CreatedDate ?? "2026-06-02T08:30:00.000Z"),
    DocumentVersion: preferences.DocumentVersion ?? "1",
    Status: "Active",
    DocumentType: "Session",
    DocumentFormat: preferences.DocumentFormat,
    Content: preferences.Content,
  };
}
