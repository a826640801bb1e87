import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Evidence, ResourceRef } from "../../src/engine/result.js";
import {
  appendLiveResourceUri,
  fileUri,
  liveResourceUri,
  locateResult,
  locationJson,
  pathPrefixes,
} from "../../src/report/location.js";
import { LIVE_FAIL, TEMPLATE_FAIL } from "./fixtures.js";

describe("pathPrefixes", () => {
  it.each([
    [
      "IpPermissions[0].IpRanges[1].CidrIp",
      [
        "IpPermissions[0].IpRanges[1].CidrIp",
        "IpPermissions[0].IpRanges[1]",
        "IpPermissions[0].IpRanges",
        "IpPermissions[0]",
        "IpPermissions",
      ],
    ],
    ["GroupId", ["GroupId"]],
    ["", []],
    ['Tags."aws:cloudformation:stack-name"', ['Tags."aws:cloudformation:stack-name"', "Tags"]],
    ['Policy."a.b"[2]', ['Policy."a.b"[2]', 'Policy."a.b"', "Policy"]],
    [
      "Statement[0].(Action || NotAction)",
      ["Statement[0].(Action || NotAction)", "Statement[0]", "Statement"],
    ],
  ])("%s", (path, expected) => {
    expect(pathPrefixes(path)).toEqual(expected);
  });
});

describe("locateResult", () => {
  const template = TEMPLATE_FAIL.resource;
  const withSource = (source: Partial<ResourceRef["source"]>): ResourceRef => ({
    ...template,
    source: { ...template.source, ...source },
  });
  const evidence = (...paths: string[]): Evidence[] => paths.map((path) => ({ path, value: null }));

  it.each<[string, ResourceRef, Evidence[], ReturnType<typeof locateResult>]>([
    [
      "the exact evidence path",
      template,
      evidence("IpPermissions[0].IpRanges[0]"),
      { uri: "templates/web%20stack.yaml", file: "templates/web stack.yaml", line: 14, column: 13 },
    ],
    [
      "the longest recorded prefix of the evidence path",
      template,
      evidence("IpPermissions[0].IpRanges[0].CidrIp"),
      { uri: "templates/web%20stack.yaml", file: "templates/web stack.yaml", line: 14, column: 13 },
    ],
    [
      "the focus inside the matching element before the element itself",
      template,
      [{ path: "IpPermissions[0]", focus: "IpPermissions[0].IpRanges[0].CidrIp", value: null }],
      { uri: "templates/web%20stack.yaml", file: "templates/web stack.yaml", line: 14, column: 13 },
    ],
    [
      "a shorter prefix when the longer ones were not recorded",
      template,
      evidence("IpPermissions[0].FromPort"),
      { uri: "templates/web%20stack.yaml", file: "templates/web stack.yaml", line: 10, column: 9 },
    ],
    [
      "the first evidence that can be placed",
      template,
      evidence("Tags[0]", "IpPermissions[3]"),
      { uri: "templates/web%20stack.yaml", file: "templates/web stack.yaml", line: 9, column: 7 },
    ],
    [
      "the resource's own line when no evidence can be placed",
      template,
      evidence("GroupDescription"),
      { uri: "templates/web%20stack.yaml", file: "templates/web stack.yaml", line: 5, column: 3 },
    ],
    [
      "line 1 when the source recorded no line",
      withSource({ line: undefined, column: undefined, positions: undefined }),
      evidence("IpPermissions[0]"),
      { uri: "templates/web%20stack.yaml", file: "templates/web stack.yaml", line: 1 },
    ],
    [
      "a position without a column",
      withSource({ positions: { "IpPermissions[0]": { line: 30 } } }),
      evidence("IpPermissions[0]"),
      { uri: "templates/web%20stack.yaml", file: "templates/web stack.yaml", line: 30 },
    ],
    [
      "a live resource by its identity",
      LIVE_FAIL.resource,
      LIVE_FAIL.evidence,
      { uri: "aws/111122223333/eu-west-1/AWS-EC2-SecurityGroup/sg-0123456789abcdef0" },
    ],
  ])("points at %s", (_name, resource, items, expected) => {
    expect(locateResult(resource, items)).toEqual(expected);
  });
});

describe("liveResourceUri", () => {
  it.each([
    [
      "an ARN id is encoded into a single segment",
      {
        type: "AWS::IAM::Policy",
        id: "arn:aws:iam::aws:policy/AdministratorAccess",
        account: "111122223333",
        region: "global",
      },
      "aws/111122223333/global/AWS-IAM-Policy/arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess",
    ],
    [
      "the account pseudo-type",
      { type: "AWS::::Account", id: "111122223333", account: "111122223333", region: "eu-west-1" },
      "aws/111122223333/eu-west-1/AWS-Account/111122223333",
    ],
    [
      "an empty segment is replaced so the path keeps its shape",
      { type: "AWS::SSM::Document", id: "SSM-SessionManagerRunShell", account: "", region: "eu-west-1" },
      "aws/_/eu-west-1/AWS-SSM-Document/SSM-SessionManagerRunShell",
    ],
    [
      "a lone surrogate, which has no UTF-8 form, is written as U+FFFD; a pair stays itself",
      { type: "AWS::EC2::SecurityGroup", id: "sg-0\udbff-\ud83d\ude00-\udc00", account: "1", region: "r" },
      "aws/1/r/AWS-EC2-SecurityGroup/sg-0%EF%BF%BD-%F0%9F%98%80-%EF%BF%BD",
    ],
  ] as const)("%s", (_name, resource, expected) => {
    expect(liveResourceUri(resource)).toBe(expected);
  });
});

describe("liveResourceUri of any id", () => {
  it("percent-encodes the id as encodeURIComponent does, lone surrogates as U+FFFD, an empty one as _", () => {
    // Ids of only unreserved characters are written as they are, without encoding: the two ways
    // must give the same path for every id.
    const reference = (id: string): string =>
      id === "" ? "_" : encodeURIComponent(id.replace(/\p{Surrogate}/gu, "\uFFFD"));
    const piece = fc.oneof(
      fc.constantFrom(
        "i-0abc",
        "sg-",
        "_",
        ".",
        "!",
        "~",
        "*",
        "'",
        "(",
        ")",
        "-",
        "/",
        ":",
        "%",
        " ",
        "\ud800",
        "\udfff",
      ),
      fc.string({ unit: "binary", maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        const id = pieces.join("");
        const resource = { type: "AWS::EC2::Instance" as const, id, account: "1", region: "r" };
        expect(liveResourceUri(resource)).toBe(`aws/1/r/AWS-EC2-Instance/${reference(id)}`);
      }),
    );
  });
});

describe("liveResourceUri in a run of resources", () => {
  it("gives each resource its own path when the account, region or type changes from one to the next", () => {
    // The path up to the id is remembered from the resource before: a change of any one part,
    // and a return to an earlier scope, must each be noticed.
    const scopes: Omit<Parameters<typeof liveResourceUri>[0], "id">[] = [
      { type: "AWS::EC2::SecurityGroup", account: "111122223333", region: "eu-west-1" },
      { type: "AWS::EC2::SecurityGroup", account: "111122223333", region: "eu-west-1" },
      { type: "AWS::EC2::SecurityGroup", account: "111122223333", region: "us-east-1" },
      { type: "AWS::EC2::SecurityGroup", account: "444455556666", region: "us-east-1" },
      { type: "AWS::IAM::Role", account: "444455556666", region: "us-east-1" },
      { type: "AWS::EC2::SecurityGroup", account: "111122223333", region: "eu-west-1" },
      { type: "" as ResourceRef["type"], account: "", region: "" },
      { type: "AWS::EC2::SecurityGroup", account: "a/b", region: "eu-west-1" },
    ];
    expect(scopes.map((scope, index) => liveResourceUri({ ...scope, id: `r${index}` }))).toEqual([
      "aws/111122223333/eu-west-1/AWS-EC2-SecurityGroup/r0",
      "aws/111122223333/eu-west-1/AWS-EC2-SecurityGroup/r1",
      "aws/111122223333/us-east-1/AWS-EC2-SecurityGroup/r2",
      "aws/444455556666/us-east-1/AWS-EC2-SecurityGroup/r3",
      "aws/444455556666/us-east-1/AWS-IAM-Role/r4",
      "aws/111122223333/eu-west-1/AWS-EC2-SecurityGroup/r5",
      "aws/_/_/_/r6",
      "aws/a%2Fb/eu-west-1/AWS-EC2-SecurityGroup/r7",
    ]);
  });
});

describe("appendLiveResourceUri", () => {
  it("appends what liveResourceUri gives, for each resource of a run", () => {
    const resources = [
      { type: "AWS::IAM::Role", account: "111122223333", region: "global", id: "r/1" },
      { type: "AWS::IAM::Role", account: "111122223333", region: "global", id: "\ud800" },
      { type: "AWS::EC2::Instance", account: "111122223333", region: "eu-west-1", id: "" },
    ] as const;
    for (const resource of resources) {
      expect(appendLiveResourceUri("before:", resource)).toBe(`before:${liveResourceUri(resource)}`);
    }
  });
});

describe("locationJson", () => {
  it("is the location stringified, for live and file resources, with or without placed evidence", () => {
    const oddLive: ResourceRef = {
      ...LIVE_FAIL.resource,
      id: 'sg-"quoted"\\back\u0007\ud800',
      account: 'acc"ount',
    };
    const oddFile: ResourceRef = {
      ...TEMPLATE_FAIL.resource,
      source: { ...TEMPLATE_FAIL.resource.source, file: 'dir\\"odd" name.yaml' },
    };
    for (const resource of [LIVE_FAIL.resource, TEMPLATE_FAIL.resource, oddLive, oddFile]) {
      for (const evidence of [[], TEMPLATE_FAIL.evidence, LIVE_FAIL.evidence]) {
        expect(locationJson(resource, evidence)).toBe(JSON.stringify(locateResult(resource, evidence)));
      }
    }
  });
});

describe("fileUri", () => {
  it.each([
    ["templates/app.yaml", "templates/app.yaml"],
    ["./templates/app.yaml", "templates/app.yaml"],
    ["templates\\nested dir\\app.yaml", "templates/nested%20dir/app.yaml"],
    ["plans/tf#1.json", "plans/tf%231.json"],
    ["/home/ci/repo/app.yaml", "file:///home/ci/repo/app.yaml"],
    ["C:\\repo\\app.yaml", "file:///C:/repo/app.yaml"],
  ])("%s → %s", (file, expected) => {
    expect(fileUri(file)).toBe(expected);
  });
});
