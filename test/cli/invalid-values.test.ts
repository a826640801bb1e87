import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

/**
 * A value written in a template that is not what its property takes must not pass as if it were
 * harmless: the run reports an error naming the value, and exits with 2.
 */

interface JsonReport {
  results: { ruleId: string; status: string; message: string; resource: { id: string } }[];
}

describe("an invalid CIDR in a template", () => {
  it("is an error naming the value, not a pass", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-invalid-"));
    await writeFile(
      join(dir, "stack.yaml"),
      [
        "Resources:",
        "  Admin:",
        "    Type: AWS::EC2::SecurityGroup",
        "    Properties:",
        "      GroupDescription: admin",
        "      SecurityGroupIngress:",
        "        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/00 }",
        "",
      ].join("\n"),
    );
    const run = await runCli(["check", "stack.yaml", "--format", "json"], { cwd: dir });
    const report = JSON.parse(run.stdout) as JsonReport;
    const errors = report.results.filter(
      (result) => result.resource.id === "Admin" && result.status === "error",
    );
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.message).toContain("0.0.0.0/00");
    expect(run.code).toBe(2);
  });
});
