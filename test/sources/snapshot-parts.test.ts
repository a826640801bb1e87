import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSnapshot, snapshotBytesPass } from "../../src/sources/snapshot.js";
import { containers } from "../support/json-containers.js";

/**
 * A large snapshot is checked a part at a time on a second thread (`snapshotBytesPass`), and its
 * answer "passed" lets the run use data nobody else checked. It must therefore never pass what
 * reading the whole snapshot refuses; refusing what that accepts would only cost time, and is
 * still caught here.
 */

const root = join(import.meta.dirname, "..", "..");
const exampleText = readFileSync(join(root, "examples", "snapshot.json"), "utf8");
const example = (): Record<string, unknown> => JSON.parse(exampleText) as Record<string, unknown>;
const bytesOf = (text: string) => new TextEncoder().encode(text);

function wholeCheckPasses(text: string): boolean {
  try {
    parseSnapshot(text, "snapshot.json");
    return true;
  } catch {
    return false;
  }
}

/** The part-by-part answer for `text`, which must be the whole check's whenever there is one. */
function expectAgreement(text: string): void {
  const parts = snapshotBytesPass(bytesOf(text));
  if (parts !== undefined) expect(parts, text.slice(0, 200)).toBe(wholeCheckPasses(text));
}

const REPLACEMENTS: unknown[] = [null, 0, "", "x", [], { x: 1 }];

describe("checking a snapshot a part at a time", () => {
  it("passes the example snapshot, as written and as one line", () => {
    expect(snapshotBytesPass(bytesOf(exampleText))).toBe(true);
    expect(snapshotBytesPass(bytesOf(JSON.stringify(example())))).toBe(true);
    expect(snapshotBytesPass(bytesOf(`\uFEFF${exampleText}`))).toBe(true);
  });

  it("agrees with the whole check on values replaced, removed or added anywhere", () => {
    const document = example();
    let compared = 0;
    const agree = () => {
      expectAgreement(JSON.stringify(document, null, compared % 2 === 0 ? 2 : undefined));
      compared += 1;
    };
    // Every third container keeps the test short; each kind of place is still reached.
    containers(document).forEach((container, index) => {
      if (index % 3 !== 0) return;
      const record = container as Record<string, unknown>;
      for (const key of Object.keys(container).slice(0, 4)) {
        const original = record[key];
        for (const replacement of REPLACEMENTS) {
          record[key] = replacement;
          agree();
        }
        if (!Array.isArray(container)) {
          delete record[key];
          agree();
        }
        record[key] = original;
      }
    });
    expect(compared).toBeGreaterThan(1_000);
  });

  it("refuses what only the text shows: keys written twice, anywhere", () => {
    const resourceKey = exampleText.indexOf('"type"', exampleText.indexOf('"resources"'));
    const doubledInResource = `${exampleText.slice(0, resourceKey)}"type": "AWS::EC2::Instance", ${exampleText.slice(resourceKey)}`;
    const doubledInEnvelope = exampleText.replace('"version": 1,', '"version": 1, "version": 1,');
    const doubledList = exampleText.replace('"scopes":', '"resources": [], "scopes":');
    for (const text of [doubledInResource, doubledInEnvelope, doubledList]) {
      expect(wholeCheckPasses(text)).toBe(false);
      expect(snapshotBytesPass(bytesOf(text))).not.toBe(true);
    }
  });

  it("refuses a resource given twice, even in different groups", () => {
    const document = example() as { resources: unknown[] };
    const big = { ...document, resources: [...document.resources] };
    // Enough resources for several groups, the copy of the first one last.
    const filler = document.resources.map((resource, index) => ({
      ...(resource as object),
      id: `filler-${index}`,
    }));
    while (JSON.stringify(big).length < 3 * 1024 * 1024)
      big.resources.push(
        ...filler.map((item, at) => ({ ...item, id: `${item.id}-${big.resources.length + at}` })),
      );
    big.resources.push(document.resources[0]);
    const text = JSON.stringify(big);
    expect(wholeCheckPasses(text)).toBe(false);
    expect(snapshotBytesPass(bytesOf(text))).toBe(false);
    big.resources.pop();
    expectAgreement(JSON.stringify(big));
    expect(snapshotBytesPass(bytesOf(JSON.stringify(big)))).toBe(true);
  });

  it("refuses bytes that are not UTF-8 text, and leaves UTF-16 to the whole check", () => {
    const bytes = bytesOf(exampleText);
    const withNul = bytes.slice();
    withNul[exampleText.indexOf('"region"') + 2] = 0;
    expect(snapshotBytesPass(withNul)).toBe(false);
    const invalid = bytes.slice();
    invalid[exampleText.indexOf('"region"') + 2] = 0xc3;
    expect(snapshotBytesPass(invalid)).toBe(false);
    expect(snapshotBytesPass(new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]))).toBeUndefined();
  });

  it("relies on a schema whose resource list constrains only each resource", () => {
    // Checking the resources a group at a time is exact only while the list itself has no
    // constraint (a count, uniqueness): adding one must change how the parts are checked.
    const schema = JSON.parse(readFileSync(join(root, "schemas", "snapshot.schema.json"), "utf8")) as {
      properties: { resources: Record<string, unknown> };
    };
    expect(Object.keys(schema.properties.resources).sort()).toEqual(["items", "type"]);
    expect(schema.properties.resources.type).toBe("array");
  });
});
