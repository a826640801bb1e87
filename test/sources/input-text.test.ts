import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { parseCloudFormationYaml } from "../../src/sources/cloudformation/yaml.js";
import { parseSnapshot, readSnapshot } from "../../src/sources/snapshot.js";
import { ParseProblem } from "../../src/sources/positioned/node.js";

/**
 * Snapshots and templates as text: the encodings every input accepts, and a key written twice,
 * which JSON.parse and YAML readers would otherwise settle silently.
 */

const MINIMAL = join(import.meta.dirname, "..", "fixtures", "snapshots", "minimal.json");

async function snapshotFile(bytes: Buffer | string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "access-baseline-snapshot-"));
  const path = join(dir, "snapshot.json");
  await writeFile(path, bytes);
  return path;
}

async function readProblem(path: string): Promise<string> {
  try {
    await readSnapshot(path);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("reading a snapshot", () => {
  it("reads UTF-16 LE and BE with a byte-order mark", async () => {
    const text = `\uFEFF${await readFile(MINIMAL, "utf8")}`;
    for (const bytes of [Buffer.from(text, "utf16le"), Buffer.from(text, "utf16le").swap16()]) {
      const snapshot = await readSnapshot(await snapshotFile(bytes));
      expect(snapshot.resources.map((resource) => resource.id)).toEqual(["sg-0f1e2d3c4b5a69788"]);
    }
  });

  it("refuses UTF-16 without a byte-order mark and invalid UTF-8, naming the file", async () => {
    const text = await readFile(MINIMAL, "utf8");
    const utf16 = await snapshotFile(Buffer.from(text, "utf16le"));
    expect(await readProblem(utf16)).toBe(
      `${utf16}: not UTF-8 or UTF-16 text (it holds NUL bytes: binary data, or UTF-16 without a byte-order mark)`,
    );
    const latin1 = await snapshotFile(Buffer.from(text.replace("admin-ssh", "admin-sshé"), "latin1"));
    expect(await readProblem(latin1)).toBe(`${latin1}: not UTF-8 or UTF-16 text (invalid UTF-8)`);
  });

  it("refuses a resource with two IpPermissions keys rather than keeping the last", async () => {
    const text = (await readFile(MINIMAL, "utf8")).replace(
      '"GroupName": "admin-ssh",\n',
      '"GroupName": "admin-ssh",\n        "IpPermissions": [],\n',
    );
    expect(() => parseSnapshot(text, "s.json")).toThrow(
      new InputError('s.json:19:9: duplicate key "IpPermissions" (first written at line 18)'),
    );
  });

  it("treats escaped and plain spellings of a key as the same key, and colons in strings as text", async () => {
    const text = (await readFile(MINIMAL, "utf8")).replace(
      '"GroupName": "admin-ssh",',
      '"GroupName": "admin:ssh", "Group\\u004eame": "x",',
    );
    expect(() => parseSnapshot(text, "s.json")).toThrow(
      new InputError('s.json:17:35: duplicate key "GroupName" (first written at line 17)'),
    );
  });
});

describe("a key written twice in a YAML template", () => {
  it("is named with the line it was first written on", () => {
    let problem: ParseProblem | undefined;
    try {
      parseCloudFormationYaml(
        "Resources:\n  Web:\n    Type: AWS::EC2::SecurityGroup\n    Type: AWS::EC2::Instance\n",
      );
    } catch (error) {
      problem = error as ParseProblem;
    }
    expect(problem).toBeInstanceOf(ParseProblem);
    expect([problem?.message, problem?.line, problem?.column]).toEqual([
      'not valid YAML: duplicate key "Type" (first written at line 3)',
      4,
      5,
    ]);
  });
});
