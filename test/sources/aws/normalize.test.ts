import { describe, expect, it } from "vitest";
import { isUnknown } from "../../../src/model/unknown.js";
import {
  authorizationDetailsResources,
  decodePolicyDocument,
  preferencesResource,
  toJson,
} from "../../../src/sources/aws/normalize.js";

const SCOPE = { account: "111122223333", partition: "aws" };

describe("toJson", () => {
  it("turns dates into RFC 3339 strings and drops absent members and SDK bookkeeping", () => {
    // Prepare
    const output = {
      $metadata: { httpStatusCode: 200 },
      LaunchTime: new Date("2023-02-14T11:05:00Z"),
      KeyName: undefined,
      State: { Code: 16, Name: "running" },
      Tags: [{ Key: "a", Value: undefined }],
    };
    // Act
    const json = toJson(output);
    // Assess
    expect(json).toEqual({
      LaunchTime: "2023-02-14T11:05:00.000Z",
      State: { Code: 16, Name: "running" },
      Tags: [{ Key: "a" }],
    });
  });
});

describe("decodePolicyDocument", () => {
  const document = {
    Version: "2012-10-17",
    Statement: {
      Effect: "Allow",
      Action: "ssm:StartSession",
      Resource: "*",
      Condition: {
        StringEquals: {
          "aws:PrincipalTag/team": "ops+platform/on-call",
          "aws:PrincipalTag/site": "Zürich ☃",
        },
      },
    },
  };

  it("decodes %2B, %2F and UTF-8 escapes and makes Statement a list", () => {
    const wire = encodeURIComponent(JSON.stringify(document));
    expect(wire).toContain("%2B");
    expect(wire).toContain("%2F");
    expect(wire).toContain("%C3%BC");
    expect(decodePolicyDocument(wire)).toEqual({
      ok: true,
      value: { ...document, Statement: [document.Statement] },
    });
  });

  it("keeps a + that was sent encoded as %2B, never turning it into a space", () => {
    const decoded = decodePolicyDocument("%7B%22Statement%22%3A%5B%5D%2C%22Id%22%3A%22a%2Bb%22%7D");
    expect(decoded).toEqual({ ok: true, value: { Statement: [], Id: "a+b" } });
  });

  it("takes a document that is already JSON as it is, percent signs included", () => {
    const text = JSON.stringify({
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::a%b/*" }],
    });
    expect(decodePolicyDocument(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it("reports a key written twice as a problem, never keeping one of the two", () => {
    const text = '{"Statement": [{"Effect": "Allow", "Effect": "Deny", "Action": "ssm:StartSession"}]}';
    expect(decodePolicyDocument(encodeURIComponent(text))).toEqual({
      ok: false,
      problem:
        'the policy document writes the key "Effect" twice (again at line 1, column 36 of its text), and readers differ on which one counts',
    });
  });

  it("reports invalid escapes, invalid JSON and non-objects as problems", () => {
    expect(decodePolicyDocument("%E0%A4%A")).toMatchObject({
      ok: false,
      problem: expect.stringContaining("URL encoding"),
    });
    expect(decodePolicyDocument("%7Bnot%20json")).toMatchObject({
      ok: false,
      problem: expect.stringContaining("JSON"),
    });
    expect(decodePolicyDocument("%5B%5D")).toMatchObject({
      ok: false,
      problem: expect.stringContaining("object"),
    });
  });
});

describe("authorizationDetailsResources", () => {
  const trust = encodeURIComponent(
    JSON.stringify({
      Statement: { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    }),
  );
  const profile = {
    Path: "/",
    InstanceProfileId: "AIPAEXAMPLE",
    CreateDate: new Date("2025-03-10T10:00:00Z"),
    InstanceProfileName: "web",
    Arn: "arn:aws:iam::111122223333:instance-profile/web",
    Roles: [
      {
        Path: "/",
        RoleName: "web",
        RoleId: "AROAEXAMPLE",
        CreateDate: new Date("2025-03-10T10:00:00Z"),
        Arn: "arn:aws:iam::111122223333:role/web",
        AssumeRolePolicyDocument: trust,
      },
    ],
  };

  it("decodes every document and lists each instance profile once", () => {
    // Prepare
    const page = {
      RoleDetailList: [
        {
          RoleName: "web",
          Arn: "arn:aws:iam::111122223333:role/web",
          CreateDate: new Date("2025-03-10T10:00:00Z"),
          AssumeRolePolicyDocument: trust,
          InstanceProfileList: [profile],
          RolePolicyList: [{ PolicyName: "p", PolicyDocument: trust }],
        },
      ],
      Policies: [
        {
          PolicyName: "mine",
          Arn: "arn:aws:iam::111122223333:policy/mine",
          PolicyVersionList: [{ VersionId: "v1", IsDefaultVersion: true, Document: trust }],
        },
      ],
    };
    const seen = new Set<string>();
    // Act
    const first = authorizationDetailsResources(page, SCOPE, seen);
    const again = authorizationDetailsResources({ RoleDetailList: page.RoleDetailList }, SCOPE, seen);
    // Assess
    expect(first.problems).toEqual([]);
    expect(first.resources.map((resource) => [resource.type, resource.id, resource.region])).toEqual([
      ["AWS::IAM::Role", "web", "global"],
      ["AWS::IAM::InstanceProfile", "web", "global"],
      ["AWS::IAM::Policy", "arn:aws:iam::111122223333:policy/mine", "global"],
    ]);
    const role = first.resources[0]!.properties;
    expect(role.CreateDate).toBe("2025-03-10T10:00:00.000Z");
    expect(role.AssumeRolePolicyDocument).toMatchObject({ Statement: [{ Action: "sts:AssumeRole" }] });
    expect(role).toMatchObject({
      RolePolicyList: [{ PolicyDocument: { Statement: [{ Effect: "Allow" }] } }],
      InstanceProfileList: [{ Roles: [{ AssumeRolePolicyDocument: { Statement: [{ Effect: "Allow" }] } }] }],
    });
    expect(first.resources[1]!.properties).toMatchObject({
      Roles: [{ AssumeRolePolicyDocument: { Statement: [{ Effect: "Allow" }] } }],
    });
    expect(first.resources[2]!.properties).toMatchObject({
      PolicyVersionList: [{ Document: { Statement: [{ Effect: "Allow" }] } }],
    });
    expect(again.resources.map((resource) => resource.type)).toEqual(["AWS::IAM::Role"]);
  });

  it("leaves a document that cannot be decoded null and reports it", () => {
    const result = authorizationDetailsResources(
      {
        UserDetailList: [
          { UserName: "bob", UserPolicyList: [{ PolicyName: "bad", PolicyDocument: "%7Bnope" }] },
        ],
      },
      SCOPE,
    );
    expect(result.resources[0]!.properties).toMatchObject({
      UserPolicyList: [{ PolicyName: "bad", PolicyDocument: null }],
    });
    expect(result.problems).toEqual([
      { type: "AWS::IAM::User", id: "bob", detail: expect.stringContaining("inline policy bad") },
    ]);
  });
});

describe("preferencesResource", () => {
  it("parses the content and leaves out the attachments' signed URLs", () => {
    const result = preferencesResource(
      {
        Name: "SSM-SessionManagerRunShell",
        DocumentFormat: "YAML",
        DocumentType: "Session",
        CreatedDate: new Date("2026-06-02T08:30:00Z"),
        Content: "inputs:\n  kmsKeyId: alias/sessions\n",
        AttachmentsContent: [],
      },
      SCOPE,
      "eu-west-1",
    );
    expect(result).toEqual({
      ok: true,
      value: {
        type: "AWS::SSM::Document",
        id: "SSM-SessionManagerRunShell",
        arn: "arn:aws:ssm:eu-west-1:111122223333:document/SSM-SessionManagerRunShell",
        account: "111122223333",
        region: "eu-west-1",
        source: { kind: "aws-live" },
        properties: {
          Name: "SSM-SessionManagerRunShell",
          DocumentFormat: "YAML",
          DocumentType: "Session",
          CreatedDate: "2026-06-02T08:30:00.000Z",
          Content: { inputs: { kmsKeyId: "alias/sessions" } },
        },
      },
    });
  });
});

describe("toJson and a field named __proto__", () => {
  it("keeps it as a field: the answer does not inherit from what it holds", () => {
    const answer = JSON.parse('{"GroupId": "sg-1", "__proto__": {"$unknown": "x"}}') as unknown;
    const json = toJson(answer) as object;
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(Object.keys(json)).toEqual(["GroupId", "__proto__"]);
    expect(isUnknown(json)).toBe(false);
  });
});
