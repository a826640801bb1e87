import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigurationSources } from "../../../src/sources/terraform/locations.js";

const MAIN_TF = ["# web tier", 'resource "aws_security_group" "web" {', '  name = "web"', "}", ""].join("\n");

function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
}

describe("ConfigurationSources", () => {
  it("finds resources in .tf files written as UTF-16 with a byte-order mark, like every other input", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-tf-utf16-"));
    await writeFile(join(dir, "main.tf"), utf16le(MAIN_TF));

    const found = await new ConfigurationSources(dir, dir, new Map()).find([], "aws_security_group", "web");

    expect(found?.file).toBe("main.tf");
    expect(found?.block.position.line).toBe(2);
    expect(found?.block.attributes.get("name")).toEqual({ line: 3, column: 3 });
  });

  it("reads where terraform init put registry modules when modules.json starts with a byte-order mark", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-tf-modules-"));
    await mkdir(join(dir, ".terraform", "modules", "net"), { recursive: true });
    const registry = JSON.stringify({ Modules: [{ Key: "net", Dir: ".terraform/modules/net" }] });
    await writeFile(join(dir, ".terraform", "modules", "modules.json"), `\uFEFF${registry}`);
    await writeFile(join(dir, ".terraform", "modules", "net", "main.tf"), MAIN_TF);

    const sources = new ConfigurationSources(dir, dir, new Map([["net", "example/net/aws"]]));
    const found = await sources.find(["net"], "aws_security_group", "web");

    expect(found?.file).toBe(".terraform/modules/net/main.tf");
  });
});
