import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { documentAllowsAction, statementsOf } from "../../src/iam/index.js";
import { IMPORT_ACTION } from "../../src/cli/security-hub.js";
import { REPO } from "../support/cli.js";

/**
 * `--security-hub` writes findings, so its permission is a policy of its own, given only to the
 * identity that imports: never part of the read-only scanner policy.
 */

const read = async (file: string): Promise<unknown> => JSON.parse(await readFile(join(REPO, file), "utf8"));
const importPolicy = await read("policies/security-hub-import-policy.json");
const scanner = await read("policies/scanner-policy.json");

describe("the Security Hub import policy", () => {
  it("allows exactly BatchImportFindings, on the account's own default product", () => {
    const actions = statementsOf(importPolicy).flatMap((statement) => statement.Action ?? []);
    expect(actions).toEqual([IMPORT_ACTION]);
    const product = "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default";
    expect(documentAllowsAction(importPolicy, IMPORT_ACTION, { resource: product }).allowed).toBe(true);
    expect(
      documentAllowsAction(importPolicy, "securityhub:BatchUpdateFindings", { resource: product }).allowed,
    ).toBe(false);
    expect(documentAllowsAction(importPolicy, "securityhub:DeleteInsight", { resource: "*" }).allowed).toBe(
      false,
    );
  });

  it("is not part of the read-only scanner policy", () => {
    expect(documentAllowsAction(scanner, IMPORT_ACTION, { resource: "*" }).allowed).toBe(false);
  });
});
