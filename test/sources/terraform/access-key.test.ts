import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { InputFile } from "../../../src/sources/files.js";
import { parseJson } from "../../../src/sources/positioned/json.js";
import type { MapNode } from "../../../src/sources/positioned/node.js";
import { readPlan } from "../../../src/sources/terraform/plan.js";
import { REPO } from "../../support/cli.js";

function inputFile(display: string): InputFile {
  return { path: join(REPO, display), display, explicit: true, argument: display };
}

function readText(plan: unknown) {
  return readPlan(
    parseJson(JSON.stringify(plan, null, 2)) as MapNode,
    inputFile("synthetic/plan.json"),
    REPO,
  );
}

const change = (address: string, after: unknown, afterUnknown: unknown = {}) => ({
  address,
  mode: "managed",
  type: address.split(".")[0],
  name: address.split(".")[1],
  provider_name: "registry.terraform.io/hashicorp/aws",
  change: {
    actions: ["create"],
    before: null,
    after,
    after_unknown: afterUnknown,
    before_sensitive: false,
    after_sensitive: {},
  },
});

describe("Terraform plans: access keys", () => {
  it("become keys of their user, active unless status says otherwise, without dates", async () => {
    const { resources, problems } = await readText({
      format_version: "1.2",
      terraform_version: "1.9.8",
      planned_values: { root_module: {} },
      resource_changes: [
        change(
          "aws_iam_access_key.ci",
          { user: "ci", pgp_key: null },
          { id: true, create_date: true, secret: true },
        ),
        change("aws_iam_access_key.old", { user: "ci", status: "Inactive" }),
        change("aws_iam_access_key.later", {}, { user: true }),
      ],
    });
    expect(problems).toEqual([]);
    const keys = resources.filter((resource) => resource.type === "AWS::IAM::AccessKey");
    expect(keys.map((key) => [key.id, key.region, key.source.kind, key.properties])).toEqual([
      [
        "aws_iam_access_key.ci",
        "global",
        "terraform-plan",
        { Name: "aws_iam_access_key.ci", UserName: "ci", Status: "Active" },
      ],
      [
        "aws_iam_access_key.old",
        "global",
        "terraform-plan",
        { Name: "aws_iam_access_key.old", UserName: "ci", Status: "Inactive" },
      ],
      [
        "aws_iam_access_key.later",
        "global",
        "terraform-plan",
        {
          Name: "aws_iam_access_key.later",
          UserName: { $unknown: expect.stringMatching(/aws_iam_access_key\.later/) },
          Status: "Active",
        },
      ],
    ]);
  });

  it("keep a status other than Active or Inactive unknown rather than read it as inactive", async () => {
    const { resources } = await readText({
      format_version: "1.2",
      resource_changes: [
        change("aws_iam_access_key.lower", { user: "ci", status: "active" }),
        change("aws_iam_access_key.spaced", { user: "ci", status: "Active " }),
      ],
    });
    for (const key of resources.filter((resource) => resource.type === "AWS::IAM::AccessKey"))
      expect(key.properties.Status).toEqual({
        $unknown: expect.stringMatching(
          /^status of aws_iam_access_key\.\w+ is ".*", not Active or Inactive$/,
        ),
      });
  });
});
