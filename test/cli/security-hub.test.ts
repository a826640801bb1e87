import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { awsTestEnv } from "../support/aws-endpoint/env.js";
import { exampleWorld } from "../support/aws-endpoint/fixtures.js";
import { startAwsEndpoint, type AwsEndpoint } from "../support/aws-endpoint/server.js";
import type { FakeWorld } from "../support/aws-endpoint/world.js";
import { runCli } from "../support/cli.js";

/**
 * `check --account --security-hub` end to end: the scan and the import both go to the loopback
 * endpoint; what Security Hub refuses is listed and makes the run exit 2.
 */

const endpoints: AwsEndpoint[] = [];

async function serve(world: FakeWorld): Promise<AwsEndpoint> {
  const endpoint = await startAwsEndpoint(world);
  endpoints.push(endpoint);
  return endpoint;
}

beforeAll(() => {
  for (const [name, value] of Object.entries(awsTestEnv(exampleWorld()))) vi.stubEnv(name, value);
});
afterAll(async () => {
  await Promise.all(endpoints.map((endpoint) => endpoint.close()));
  vi.unstubAllEnvs();
});

const CHECK = ["check", "--account", "--quiet", "--format", "json", "--security-hub"];

describe("check --security-hub", () => {
  it("imports every finding of the run in batches, and keeps the exit code of the findings", async () => {
    const world = exampleWorld();
    const endpoint = await serve(world);
    const run = await runCli([...CHECK, "--endpoint-url", endpoint.url]);
    expect(run.code).toBe(1);
    const results = (JSON.parse(run.stdout) as { results: { status: string }[] }).results;
    const verdicts = results.filter((result) => result.status !== "not_applicable").length;
    expect(world.securityHub!.imported).toHaveLength(verdicts);
    const batches = endpoint.counts()["securityhub:BatchImportFindings"];
    expect(run.stderr).toBe(
      `access-baseline: Security Hub imported ${verdicts} findings in ${batches} batches\n`,
    );
  });

  it("lists each refused finding, one line each, and exits 2", async () => {
    const probe = exampleWorld();
    await runCli([...CHECK, "--endpoint-url", (await serve(probe)).url]);
    const ids = probe.securityHub!.imported.map((finding) => String(finding.Id)).slice(0, 2);

    const world = exampleWorld({ securityHub: { imported: [], refuse: ids } });
    const run = await runCli([...CHECK, "--endpoint-url", (await serve(world)).url]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual(
      ids.map(
        (id) =>
          `access-baseline: Security Hub refused ${id}: InvalidInput: Finding ${id} was refused (scripted)`,
      ),
    );
    expect(lines[2]).toMatch(/^access-baseline: Security Hub imported \d+ of \d+ findings; 2 failed/);
  });

  it("caps the list of refusals and counts the rest", async () => {
    const world = exampleWorld({
      faults: [{ service: "securityhub", code: "AccessDeniedException", status: 403 }],
    });
    const run = await runCli([...CHECK, "--endpoint-url", (await serve(world)).url]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines.filter((line) => line.includes("Security Hub refused"))).toHaveLength(20);
    expect(lines).toContainEqual(expect.stringMatching(/^access-baseline: … and \d+ more refused findings$/));
    expect(lines.at(-1)).toMatch(
      /imported 0 of \d+ findings; \d+ failed \(requires securityhub:BatchImportFindings\)$/,
    );
  });
});
