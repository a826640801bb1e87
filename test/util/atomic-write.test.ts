import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { BatchPool, batchOutput, byteBatches, writeOutputFile } from "../../src/util/atomic-write.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "access-baseline-atomic-"));
});

describe("writeOutputFile with chunks", () => {
  it("writes the chunks in order, more than one batch of them", async () => {
    const path = join(dir, "report.json");
    // Numbered lines, so that a batch written out of turn (one is written while the next is
    // rendered) shows.
    const line = (index: number) => `${String(index).padStart(8, "0")}${"x".repeat(1015)}\n`;
    function* lines() {
      for (let index = 0; index < 3000; index += 1) yield line(index);
    }
    await writeOutputFile(path, lines());
    expect(await readFile(path, "utf8")).toBe(
      Array.from({ length: 3000 }, (_, index) => line(index)).join(""),
    );
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

describe("byteBatches", () => {
  it("encodes chunks as UTF-8 into batches, a chunk larger than a batch on its own", () => {
    const chunks = [
      "é",
      "😀",
      "\u2028",
      "a".repeat(300_000),
      "ü".repeat(500_000),
      "z",
      "x".repeat(2_000_000),
      "end",
    ];
    const batches = [...byteBatches(chunks)];
    expect(batches.length).toBeGreaterThan(2);
    const bytes = Buffer.concat(
      batches.map((batch) => (typeof batch === "string" ? Buffer.from(batch) : batch)),
    );
    expect(bytes.equals(Buffer.from(chunks.join("")))).toBe(true);
    expect([...byteBatches("whole")]).toEqual(["whole"]);
    expect([...byteBatches([])]).toEqual([]);
  });

  it("keeps the order and the bytes of small chunks gathered together, around large ones", () => {
    // Lines of every size around the groups small chunks are gathered into and around a batch,
    // in three scripts, with a few chunks larger than a batch among them.
    const chunks: string[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let index = 0; index < 4000; index += 1) {
      const size = [1, 200, 1300, 16_383, 16_384, 40_000][next() % 6]!;
      chunks.push(["a", "é", "😀"][next() % 3]!.repeat(Math.ceil(size / 2)) + `${index}\n`);
      if (index % 1000 === 999) chunks.push("x".repeat(1_200_000));
    }
    const batches = [...byteBatches(chunks)];
    const bytes = Buffer.concat(
      batches.map((batch) => (typeof batch === "string" ? Buffer.from(batch) : batch)),
    );
    expect(bytes.equals(Buffer.from(chunks.join("")))).toBe(true);
    expect(batches.filter((batch) => typeof batch === "string")).toHaveLength(4);
  });

  it("encodes into the buffers given back, and never into one still lent", () => {
    const chunks = Array.from({ length: 12_000 }, (_, index) => `${"é".repeat(index % 700)}${index}\n`);
    const pool = new BatchPool();
    const written: Buffer[] = [];
    const memories = new Set<ArrayBufferLike>();
    let held: Uint8Array | undefined;
    let heldCopy: Buffer | undefined;
    for (const batch of byteBatches(chunks, pool)) {
      expect(typeof batch).not.toBe("string");
      const bytes = batch as Uint8Array;
      written.push(Buffer.from(bytes));
      memories.add(bytes.buffer);
      // The first batch is kept and never given back: what it holds must stay as it was.
      if (held === undefined) {
        held = bytes;
        heldCopy = Buffer.from(bytes);
      } else pool.give(bytes);
    }
    expect(Buffer.concat(written).equals(Buffer.from(chunks.join("")))).toBe(true);
    expect(written.length).toBeGreaterThan(3);
    // The kept batch's buffer, and one more that every later batch was encoded into once given back.
    expect(memories.size).toBe(2);
    expect(Buffer.from(held!).equals(heldCopy!)).toBe(true);
  });
});

describe("BatchPool", () => {
  it("hands out a buffer again only once it is given back, and ignores what it did not lend", () => {
    const pool = new BatchPool();
    const first = pool.take();
    const second = pool.take();
    expect(second.buffer).not.toBe(first.buffer);
    pool.give("text");
    pool.give(new Uint8Array(8));
    pool.give(Buffer.from(first));
    expect(pool.take().buffer).not.toBe(first.buffer);
    pool.give(first.subarray(0, 10));
    pool.give(first.subarray(0, 10));
    const again = pool.take();
    expect(again.buffer).toBe(first.buffer);
    expect(again.length).toBe(first.length);
    // Given back twice, it was lent out once: the next one is new.
    expect(pool.take().buffer).not.toBe(first.buffer);
  });
});
