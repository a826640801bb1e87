import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SHORT_RUN_V8_FLAGS, tuneForShortRun } from "../../src/cli/jit.js";
import { REPO } from "../support/cli.js";

describe("V8's inlining budget for a short run", () => {
  it("is set when the user set none", () => {
    const set: string[] = [];
    expect(tuneForShortRun((flags) => set.push(flags), ["--enable-source-maps", ""])).toBe(true);
    expect(set).toEqual(["--max-inlined-bytecode-size-cumulative=200"]);
  });

  it.each([
    "--max-inlined-bytecode-size-cumulative=920",
    "--max_inlined_bytecode_size=460",
    "--no-turbo-inlining",
    "--turbo-inlining",
  ])("leaves the user's own %s alone", (flag) => {
    const set: string[] = [];
    expect(tuneForShortRun((flags) => set.push(flags), [flag])).toBe(false);
    expect(set).toEqual([]);
  });

  it("is given up, not an error, where V8 flags cannot be set", () => {
    const refuse = () => {
      throw new Error("setFlagsFromString is not implemented");
    };
    expect(tuneForShortRun(refuse, [])).toBe(false);
  });

  it("is set by the command's entry before it runs the command", () => {
    const source = readFileSync(join(REPO, "src", "cli", "bin.ts"), "utf8");
    expect(source.indexOf("tuneForShortRun();")).toBeGreaterThan(-1);
    expect(source.indexOf("tuneForShortRun();")).toBeLessThan(source.indexOf("await main("));
    expect(readFileSync(join(REPO, "dist", "cli", "bin.js"), "utf8")).toContain(SHORT_RUN_V8_FLAGS);
  });
});
