import { basename } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument, stringify } from "yaml";
import { runCli } from "../support/cli.js";
import {
  awkwardValue,
  fuzzParameters,
  fuzzTimeout,
  replaceSubtree,
  scratchDirectory,
} from "../support/fuzz.js";
import { CONFIGURATION_TEXT, OPEN_PLAN, OPEN_SNAPSHOT, OPEN_TEMPLATE, SSH_RULE_TEXT } from "./seeds.js";

/**
 * Property (b) of the hardening suite, through the CLI in-process: input that does not parse
 * never gives exit 0 — it gives exit 2 with the file named on standard error or as an input
 * problem — and input that parses but is changed anywhere never makes an internal error, in the
 * readers or anywhere after them (normalizers, rules, reports). See test/support/fuzz.ts for the
 * fixed seed and ACCESS_BASELINE_FUZZ_RUNS.
 */

const TIMEOUT = fuzzTimeout(60_000);

interface InputKind {
  name: string;
  extension: string;
  valid: unknown;
  render: (value: unknown) => string;
  /** Whether text of this kind fails to parse, as the format itself defines it. */
  malformed: (text: string) => boolean;
  args: (file: string) => string[];
}

const notJson = (text: string) => {
  try {
    JSON.parse(text.replace(/^\uFEFF/, ""));
    return false;
  } catch {
    return true;
  }
};
const notYaml = (text: string) => parseDocument(text, { uniqueKeys: true }).errors.length > 0;
const asJson = (value: unknown) => JSON.stringify(value, null, 2) ?? "null";
const asYaml = (value: unknown) => stringify(value) ?? "";

const KINDS: InputKind[] = [
  {
    name: "CloudFormation JSON",
    extension: ".json",
    valid: OPEN_TEMPLATE,
    render: asJson,
    malformed: notJson,
    args: (file) => ["check", file],
  },
  {
    name: "CloudFormation YAML",
    extension: ".yaml",
    valid: OPEN_TEMPLATE,
    render: asYaml,
    malformed: notYaml,
    args: (file) => ["check", file],
  },
  {
    name: "Terraform plan",
    extension: ".json",
    valid: OPEN_PLAN,
    render: asJson,
    malformed: notJson,
    args: (file) => ["check", file],
  },
  {
    name: "snapshot",
    extension: ".json",
    valid: OPEN_SNAPSHOT,
    render: asJson,
    malformed: notJson,
    args: (file) => ["check", "--snapshot", file],
  },
  {
    name: "configuration file",
    extension: ".yml",
    valid: parseDocument(CONFIGURATION_TEXT).toJS() as unknown,
    render: asYaml,
    malformed: notYaml,
    args: (file) => ["check", "--snapshot", "snapshot.json", "--config", file],
  },
];

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let fileNumber = 0;

beforeAll(async () => {
  scratch = await scratchDirectory("malformed");
  await scratch.write("snapshot.json", asJson(OPEN_SNAPSHOT));
});
afterAll(async () => {
  await scratch.cleanup();
});

async function run(kind: InputKind, text: string) {
  fileNumber += 1;
  const file = await scratch.write(`input-${fileNumber}${kind.extension}`, text);
  const result = await runCli([...kind.args(basename(file)), "--format", "json"], { cwd: scratch.path });
  return { ...result, file: basename(file) };
}

/** The text cut short or with a few characters replaced, kept only when it no longer parses. */
function malformedText(kind: InputKind): fc.Arbitrary<string> {
  const text = kind.render(kind.valid);
  return fc
    .oneof(
      fc.nat({ max: text.length - 1 }).map((end) => text.slice(0, end)),
      fc
        .tuple(
          fc.nat({ max: text.length }),
          fc.constantFrom("{", "}", "[", "]", '"', ",", ":", "\\", "&a ", "*b", "\t", "- ", ": :"),
        )
        .map(([at, inserted]) => text.slice(0, at) + inserted + text.slice(at)),
    )
    .filter((candidate) => kind.malformed(candidate));
}

function expectNamedFailure(outcome: { code: number; stdout: string; stderr: string; file: string }): void {
  const context = JSON.stringify({ ...outcome, stdout: outcome.stdout.slice(0, 2000) });
  expect(outcome.code, context).toBe(2);
  expect(outcome.stderr, context).not.toMatch(/internal error/);
  if (outcome.stdout === "") {
    // Refused before any report: one line naming the file.
    expect(outcome.stderr.trim().split("\n"), context).toHaveLength(1);
    expect(outcome.stderr, context).toContain(outcome.file);
  } else {
    const report = JSON.parse(outcome.stdout) as { inputProblems: { file: string; message: string }[] };
    expect(
      report.inputProblems.map((problem) => problem.file),
      context,
    ).toContain(outcome.file);
  }
}

describe("input that does not parse never exits with 0", () => {
  for (const kind of KINDS) {
    it(
      `${kind.name}`,
      async () => {
        await fc.assert(
          fc.asyncProperty(malformedText(kind), async (text) => {
            expectNamedFailure(await run(kind, text));
          }),
          fuzzParameters(12),
        );
      },
      TIMEOUT,
    );
  }

  it(
    "rule file",
    async () => {
      const kind: InputKind = {
        name: "rule",
        extension: ".yaml",
        valid: parseDocument(SSH_RULE_TEXT).toJS() as unknown,
        render: asYaml,
        malformed: notYaml,
        args: () => [],
      };
      await fc.assert(
        fc.asyncProperty(malformedText(kind), async (text) => {
          fileNumber += 1;
          const directory = `rules-${fileNumber}`;
          await scratch.write(`${directory}/rule.yaml`, text);
          const result = await runCli(["check", "--snapshot", "snapshot.json", "--rules", directory], {
            cwd: scratch.path,
          });
          expectNamedFailure({ ...result, file: `${directory}/rule.yaml` });
        }),
        fuzzParameters(12),
      );
    },
    TIMEOUT,
  );
});

describe("input changed anywhere never makes an internal error", () => {
  for (const kind of KINDS) {
    it(
      `${kind.name}`,
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.nat(), awkwardValue, async (index, replacement) => {
            const text = kind.render(replaceSubtree(kind.valid, index, replacement));
            const outcome = await run(kind, text);
            const context = JSON.stringify({ text: text.slice(0, 3000), stderr: outcome.stderr });
            expect(outcome.stderr + outcome.stdout, context).not.toMatch(/internal error|Maximum call stack/);
            if (outcome.code === 2 && outcome.stdout === "")
              expect(outcome.stderr.trim().split("\n"), context).toHaveLength(1);
          }),
          fuzzParameters(15),
        );
      },
      TIMEOUT,
    );
  }
});
