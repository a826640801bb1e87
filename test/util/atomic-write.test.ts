import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { batchOutput, writeOutputFile } from "../../src/util/atomic-write.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "access-baseline-atomic-"));
});

describe("writeOutputFile with chunks", () => {
  it("writes the chunks in order, more than one batch of them", async () => {
    const path = join(dir, "report.json");
    const line = `${"x".repeat(1023)}\n`;
    function* lines() {
      for (let index = 0; index < 3000; index += 1) yield line;
    }
    await writeOutputFile(path, lines());
    expect(await readFile(path, "utf8")).toBe(line.repeat(3000));
  });

  it("leaves the old file and no temporary file when producing a chunk fails", async () => {
    const path = join(dir, "report.json");
    await writeFile(path, "old");
    function* failing(): Generator<string> {
      yield "x".repeat(2 << 20);
      throw new Error("rendering failed");
    }
    await expect(writeOutputFile(path, failing())).rejects.toThrow("rendering failed");
    expect(await readFile(path, "utf8")).toBe("old");
    expect(await readdir(dir)).toEqual(["report.json"]);
  });
});

describe("batchOutput", () => {
  it("passes whole text through and gathers small chunks into one batch", () => {
    expect([...batchOutput("whole")]).toEqual(["whole"]);
    expect([...batchOutput(["a", "b", "c"])]).toEqual(["abc"]);
    expect([...batchOutput([])]).toEqual([]);
  });
});
