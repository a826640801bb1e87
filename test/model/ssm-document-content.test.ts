import { describe, expect, it } from "vitest";
import { parseDocumentContent } from "../../src/model/ssm-document-content.js";
import { MAX_ALIAS_NODES } from "../../src/util/yaml-position.js";

describe("parseDocumentContent", () => {
  it("parses JSON and YAML documents as their format says", () => {
    expect(parseDocumentContent('{"inputs":{"idleSessionTimeout":"20"}}', "JSON")).toEqual({
      ok: true,
      value: { inputs: { idleSessionTimeout: "20" } },
    });
    expect(
      parseDocumentContent('inputs:\n  idleSessionTimeout: "20"\n  s3EncryptionEnabled: true\n', "YAML"),
    ).toEqual({
      ok: true,
      value: { inputs: { idleSessionTimeout: "20", s3EncryptionEnabled: true } },
    });
  });

  it("tries JSON then YAML when the format is not given, and reports what does not parse", () => {
    expect(parseDocumentContent("sessionType: Standard_Stream", undefined)).toEqual({
      ok: true,
      value: { sessionType: "Standard_Stream" },
    });
    expect(parseDocumentContent("{ broken", "JSON")).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^the document content is not valid JSON: /),
    });
    expect(parseDocumentContent("- a list", "YAML")).toEqual({
      ok: false,
      reason: "is not a YAML object",
      problem: "the document content is not a YAML object",
    });
  });

  it("refuses what every YAML input refuses, naming the line in the content", () => {
    expect(parseDocumentContent("inputs:\n  a: 1\n  a: 2\n", "YAML")).toEqual({
      ok: false,
      reason:
        'is not valid YAML: duplicate key "a" (first written at line 2) (line 3, column 3 of the content)',
      problem:
        'the document content is not valid YAML: duplicate key "a" (first written at line 2) (line 3, column 3 of the content)',
    });
    const twice = '{"inputs": {"s3EncryptionEnabled": false,\n  "s3EncryptionEnabled": true}}';
    expect(parseDocumentContent(twice, "JSON")).toEqual({
      ok: false,
      reason:
        'is not valid JSON: duplicate key "s3EncryptionEnabled" (first written at line 1) (line 2, column 3 of the content)',
      problem:
        'the document content is not valid JSON: duplicate key "s3EncryptionEnabled" (first written at line 1) (line 2, column 3 of the content)',
    });
    expect(parseDocumentContent(twice, undefined)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^is not valid JSON: duplicate key "s3EncryptionEnabled"/),
    });
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level <= 6; level += 1)
      bomb.push(
        `${"abcdefg"[level]}: &${"abcdefg"[level]} [${Array(10)
          .fill(`*${"abcdefg"[level - 1]}`)
          .join(", ")}]`,
      );
    const refused = parseDocumentContent(bomb.join("\n"), "YAML");
    expect(refused).toMatchObject({
      ok: false,
      reason: expect.stringContaining(`more than ${MAX_ALIAS_NODES} nodes`),
    });
  });

  it("refuses a merge key, which YAML readers apply or not", () => {
    const merged =
      'shared: &shared\n  idleSessionTimeout: "60"\ninputs:\n  <<: *shared\n  maxSessionDuration: "60"\n';
    expect(parseDocumentContent(merged, "YAML")).toEqual({
      ok: false,
      reason:
        "uses a YAML merge key (<<), which Systems Manager may or may not apply (line 4, column 3 of the content)",
      problem:
        "the document content uses a YAML merge key (<<), which Systems Manager may or may not apply (line 4, column 3 of the content)",
    });
    // A quoted "<<" is an ordinary key for every reader.
    expect(parseDocumentContent('inputs:\n  "<<": x\n', "YAML")).toEqual({
      ok: true,
      value: { inputs: { "<<": "x" } },
    });
  });

  it("accepts more than a hundred aliases, as every other YAML input does", () => {
    const lines = ["shared: &shared standard", "inputs:"];
    for (let index = 0; index < 150; index += 1) lines.push(`  key${index}: *shared`);
    const parsed = parseDocumentContent(lines.join("\n"), "YAML");
    expect(parsed).toMatchObject({ ok: true });
    expect(parsed.ok && (parsed.value.inputs as Record<string, string>).key149).toBe("standard");
  });
});
