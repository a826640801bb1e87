import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../../src/assets.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import type { Rule } from "../../src/engine/rule.js";
import { isPlanned } from "../../src/model/source-kinds.js";
import { REPO } from "../support/cli.js";
import { casesOf, liveOnlyAllowance, runCase, type CaseRow } from "../support/parity/matrix.js";
import { kindOf, MATRIX_SOURCES, type MatrixSource } from "../support/parity/sources.js";

/**
 * Parity as one matrix. Covered: every case written beside every built-in rule (pass, fail, not
 * applicable and error) and the cases of a custom IMDSv2 rule written as a user would
 * (examples/rules, the rule docs/rule-authoring.md builds). Each case is taken apart into the resources an account holds
 * (test/support/parity/world.ts) and written, by converters independent of the readers
 * (test/support/parity/to-*.ts), as the input of each source: a snapshot file; a CloudFormation
 * template; a Terraform plan (`terraform show -json`), once creating the resources and once as the
 * in-place update of the same resources deployed; and AWS Config configuration items (types Config
 * does not record, or whose items lack what the rule reads — instance profiles, the Session
 * Manager preferences, an instance's agent record — are given as the Config rule's API readers
 * return them). Each input goes through its real reader, the relations stage and the engine.
 *
 * The snapshot's status must be the one the test file expects; every other source must give the
 * snapshot's status. Planned sources (templates, plans) may differ only for rules the registry
 * makes live-only (`liveOnlyAllowance`: the rule's `live-only` flag, a type only observed sources
 * produce, or a live-only property its condition reads). Cases a source has no way to state are
 * listed in EXCLUSIONS with the reason, and counted in the test names; disagreements that are bugs
 * not yet fixed are listed in KNOWN_DISAGREEMENTS, and the test fails once one of them agrees, so
 * that the list shrinks.
 */

/** What a source cannot state, by the reason its converter gives. */
const ALL: readonly MatrixSource[] = MATRIX_SOURCES;
const PLANNED: readonly MatrixSource[] = MATRIX_SOURCES.filter((source) => isPlanned(kindOf(source)));
const EXCLUSIONS: readonly { sources: readonly MatrixSource[]; reason: RegExp; why: string }[] = [
  {
    sources: ALL,
    reason: /^an unknown value/,
    why: "the case holds an unknown value ($unknown), which only the template and plan readers make; converters write what a source states",
  },
  {
    sources: ALL,
    reason: /^more than one session key/,
    why: "the case's keys come from several regions' preferences; each case is written as one account and region",
  },
  {
    sources: ALL,
    reason: /^an attachment that related\.Policies leaves out/,
    why: "the case attaches a managed policy that its related.Policies omits; relations resolve every attachment, so no data gives that related object",
  },
  {
    sources: ALL,
    reason: /^a customer managed policy with a null document/,
    why: "the case gives a customer policy the document null; relations make a policy the data lacks an unknown value, so no data gives null",
  },
  {
    sources: ["snapshot"],
    reason: /^outside the canonical schema/,
    why: "a snapshot holds resources to the canonical schema (State is required, IpProtocol is a string) and refuses the file; a Config item must then give error, templates and plans the test file's status",
  },
  {
    sources: PLANNED,
    reason: /^an instance in state /,
    why: "templates and plans create instances, which start running: no other state (or none) can be written",
  },
  {
    sources: PLANNED,
    reason: /^the agent's record of a running instance$/,
    why: "the SSM Agent's record exists only once an instance runs; templates and plans cannot hold one",
  },
  {
    sources: PLANNED,
    reason: /^the document of an AWS-managed policy/,
    why: "templates and plans attach AWS-managed policies by ARN; their documents come from the reader's known list, which lacks this one",
  },
  {
    sources: ALL,
    reason: /^a key a template or plan would create/,
    why: "the case's key has no creation date because it does not exist yet; an observed key without one has an unknown age, so no observed data gives the case",
  },
  {
    sources: PLANNED,
    reason: /^an access key's creation date or last use/,
    why: "templates and plans create keys: none has a creation date or a last use yet, so a key's age cannot be written",
  },
];

/** `rule › case › source`: a status that differs from the snapshot's because of a bug in src/. */
const KNOWN_DISAGREEMENTS: ReadonlyMap<string, string> = new Map<string, string>([]);

const dir = await mkdtemp(join(tmpdir(), "parity-matrix-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

const builtin = await loadRuleDirectories([BUILTIN_RULES_DIR]);
const custom = await loadRuleDirectories([join(REPO, "examples/rules")]);
const rules: Rule[] = [...builtin.rules, ...custom.rules];

const rows = new Map<Rule, CaseRow[]>();
let counter = 0;
for (const rule of rules) {
  const ruleRows: CaseRow[] = [];
  for (const ruleCase of await casesOf(rule)) {
    counter += 1;
    ruleRows.push(await runCase(rule, ruleCase, dir, `case-${counter}`));
  }
  rows.set(rule, ruleRows);
}

/**
 * The status the other sources must give: the snapshot's, or, for a case outside the canonical
 * schema that a snapshot cannot hold, the one the rule's test file expects.
 */
function referenceStatus(row: CaseRow, source: MatrixSource): string | undefined {
  const snapshot = row.cells.snapshot;
  if (snapshot.kind === "verdict") return snapshot.verdict.status;
  if (snapshot.kind === "inexpressible" && /^outside the canonical schema/.test(snapshot.reason))
    // Observed data outside the schema is refused: the snapshot as a whole, a Config item as an
    // error for its resource. Templates and plans are read into the canonical shapes.
    return isPlanned(kindOf(source)) ? row.case.expected : "error";
  return undefined;
}

function key(rule: Rule, row: CaseRow, source: MatrixSource): string {
  return `${rule.metadata.id} › ${row.case.name} › ${source}`;
}

const allRows = [...rows.values()].flat();
const cells = allRows.flatMap((row) =>
  MATRIX_SOURCES.map((source) => ({ row, source, cell: row.cells[source] })),
);
const excluded = cells.filter((entry) => entry.cell.kind === "inexpressible");
const compared = cells.filter(
  (entry) =>
    entry.cell.kind === "verdict" &&
    entry.source !== "snapshot" &&
    referenceStatus(entry.row, entry.source) !== undefined,
);

describe(`parity matrix: ${rules.length} rules, ${allRows.length} cases, ${MATRIX_SOURCES.length} sources, ${compared.length} comparisons with the snapshot, ${excluded.length} cells excluded`, () => {
  it("loads the rules", () => {
    expect([...builtin.problems, ...custom.problems]).toEqual([]);
    expect(custom.rules.map((rule) => rule.metadata.id)).toEqual(["imdsv2-required"]);
  });

  for (const [rule, ruleRows] of rows) {
    describe(rule.metadata.id, () => {
      it("snapshot: the status the rule's test file expects", () => {
        const actual = ruleRows.map((row) => {
          const cell = row.cells.snapshot;
          return `${row.case.name}: ${cell.kind === "verdict" ? cell.verdict.status : "excluded"}`;
        });
        expect(actual).toEqual(
          ruleRows.map(
            (row) =>
              `${row.case.name}: ${row.cells.snapshot.kind === "verdict" ? row.case.expected : "excluded"}`,
          ),
        );
      });
      for (const source of MATRIX_SOURCES.filter((kind) => kind !== "snapshot")) {
        const allowance = liveOnlyAllowance(rule, source);
        it(`${source}: the snapshot's status${allowance ? ` (may differ: ${allowance})` : ""}`, () => {
          const actual: string[] = [];
          const wanted: string[] = [];
          for (const row of ruleRows) {
            const cell = row.cells[source];
            if (cell.kind !== "verdict") continue;
            const reference = referenceStatus(row, source);
            if (reference === undefined) continue;
            const known = KNOWN_DISAGREEMENTS.get(key(rule, row, source));
            const line = (status: string) => `${row.case.name}: ${status}`;
            const agrees = cell.verdict.status === reference;
            actual.push(line(agrees ? "agrees" : `${cell.verdict.status} (${cell.verdict.message})`));
            if (allowance) wanted.push(actual.at(-1)!);
            else if (known !== undefined)
              wanted.push(agrees ? line(`still disagrees: ${known}`) : actual.at(-1)!);
            else wanted.push(line("agrees"));
          }
          expect(actual).toEqual(wanted);
        });
      }
    });
  }

  it(`${KNOWN_DISAGREEMENTS.size} known disagreements, each still a case of the matrix`, () => {
    const keys = new Set(
      [...rows].flatMap(([rule, ruleRows]) =>
        ruleRows.flatMap((row) => MATRIX_SOURCES.map((source) => key(rule, row, source))),
      ),
    );
    expect([...KNOWN_DISAGREEMENTS.keys()].filter((entry) => !keys.has(entry))).toEqual([]);
  });

  it("compares every status: pass, fail, not applicable and error", () => {
    const statuses = new Set(
      compared.map(({ cell }) => (cell.kind === "verdict" ? cell.verdict.status : undefined)),
    );
    expect([...statuses].sort()).toEqual(["error", "fail", "not_applicable", "pass"]);
  });

  it("every case reads through every source", () => {
    const broken = cells
      .filter((entry) => entry.cell.kind === "broken")
      .map(
        ({ row, source, cell }) =>
          `${row.case.ruleId} › ${row.case.name} › ${source}: ${cell.kind === "broken" ? cell.reason : ""}`,
      );
    expect(broken).toEqual([]);
  });

  for (const exclusion of EXCLUSIONS) {
    const count = excluded.filter(
      ({ source, cell }) =>
        cell.kind === "inexpressible" &&
        exclusion.sources.includes(source) &&
        exclusion.reason.test(cell.reason),
    ).length;
    it(`excludes ${count} cells (${exclusion.sources.join(", ")}): ${exclusion.why}`, () => {
      // An exclusion nothing needs any more must go.
      expect(count).toBeGreaterThan(0);
    });
  }

  it("every cell a source cannot state is a listed exclusion", () => {
    const unlisted = excluded
      .filter(
        ({ source, cell }) =>
          cell.kind === "inexpressible" &&
          !EXCLUSIONS.some(
            (exclusion) => exclusion.sources.includes(source) && exclusion.reason.test(cell.reason),
          ),
      )
      .map(
        ({ row, source, cell }) =>
          `${row.case.ruleId} › ${row.case.name} › ${source}: ${cell.kind === "inexpressible" ? cell.reason : ""}`,
      );
    expect(unlisted).toEqual([]);
  });
});
