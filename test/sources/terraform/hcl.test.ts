import { describe, expect, it } from "vitest";
import { findResources } from "../../../src/sources/terraform/hcl.js";
import { positionInBlock } from "../../../src/sources/terraform/locations.js";

const TEXT = `# A comment with resource "aws_fake" "x" {
locals {
  template = <<-EOT
    resource "aws_heredoc" "ignored" {
      name = "not code"
    }
  EOT
}

/* resource "aws_commented" "out" { } */
resource "aws_security_group" "web" {
  name        = "web-\${var.env}-{not a block}"
  description = "braces } in a string"
  tags = {
    Name = "web"
  }
  policy = jsonencode({
    Statement = [{ Effect = "Allow" }]
  })

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"] # internal
  }

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  dynamic "egress" {
    for_each = var.egress
    content {
      from_port = egress.value
    }
  }
}

module "m" {
  source = "./m"
}

resource "aws_instance" "app" {
  key_name = "ops"
}
`;

describe("finding resource blocks in .tf files", () => {
  const resources = findResources(TEXT);

  it("finds each resource with its line, skipping comments, strings and heredocs", () => {
    expect(
      resources.map((resource) => [
        resource.type,
        resource.name,
        resource.position.line,
        resource.position.column,
      ]),
    ).toEqual([
      ["aws_security_group", "web", 11, 1],
      ["aws_instance", "app", 47, 1],
    ]);
  });

  it("records top-level attributes, not the keys of object values", () => {
    const web = resources[0]!;
    expect([...web.attributes.keys()]).toEqual(["name", "description", "tags", "policy"]);
    expect(web.attributes.get("tags")).toEqual({ line: 14, column: 3 });
    expect([...web.blocks.keys()]).toEqual(["ingress", "dynamic"]);
  });

  it("records nested blocks with their attributes and literal values", () => {
    const [https, ssh] = resources[0]!.blocks.get("ingress")!;
    expect(https!.position).toEqual({ line: 21, column: 3 });
    expect(ssh!.attributes.get("cidr_blocks")).toEqual({ line: 32, column: 5 });
    expect(Object.fromEntries(ssh!.literals)).toEqual({ from_port: "22", to_port: "22", protocol: "tcp" });
  });

  it("matches a plan's set element to the block with the same literal values", () => {
    const web = resources[0]!;
    const plan = [
      { from_port: 22, to_port: 22, protocol: "tcp" },
      { from_port: 443, to_port: 443, protocol: "tcp" },
    ];
    const nested = (name: string, index: number) => (name === "ingress" ? plan[index] : undefined);
    expect(positionInBlock(web, ["ingress", 0, "cidr_blocks", 0], { nested })).toEqual({
      line: 32,
      column: 5,
    });
    expect(positionInBlock(web, ["ingress", 1, "cidr_blocks"], { nested })).toEqual({ line: 25, column: 5 });
    expect(positionInBlock(web, ["ingress", 1], { nested })).toEqual({ line: 21, column: 3 });
    expect(positionInBlock(web, ["description"])).toEqual({ line: 13, column: 3 });
    expect(positionInBlock(web, ["ingress", 0])).toBeUndefined();
    expect(positionInBlock(web, ["vpc_id"])).toBeUndefined();
  });
});
