import { describe, expect, it } from "vitest";
import { ScopedIndex } from "../../src/util/scoped-index.js";

describe("ScopedIndex", () => {
  it("keeps values apart by account, region and id, whatever order they are asked in", () => {
    const index = new ScopedIndex<string>();
    index.set("111", "eu-west-1", "a", "111/eu-west-1/a");
    index.set("111", "us-east-1", "a", "111/us-east-1/a");
    index.set("222", "eu-west-1", "a", "222/eu-west-1/a");
    // Back to an account and region asked for before, past the ones kept at hand.
    index.set("111", "eu-west-1", "b", "111/eu-west-1/b");

    expect(index.get("111", "eu-west-1", "a")).toBe("111/eu-west-1/a");
    expect(index.get("222", "eu-west-1", "a")).toBe("222/eu-west-1/a");
    expect(index.get("111", "us-east-1", "a")).toBe("111/us-east-1/a");
    expect(index.get("111", "eu-west-1", "b")).toBe("111/eu-west-1/b");
    expect(index.get("222", "eu-west-1", "b")).toBeUndefined();
    expect(index.get("333", "eu-west-1", "a")).toBeUndefined();
    expect(index.get("111", "ap-south-1", "a")).toBeUndefined();
    expect(index.get("111", "eu-west-1", undefined)).toBeUndefined();
    expect([...(index.inScope("111", "eu-west-1")?.keys() ?? [])]).toEqual(["a", "b"]);
    expect(index.inScope("222", "us-east-1")).toBeUndefined();
  });

  it("gives the value already present, and sets one only where there is none", () => {
    const index = new ScopedIndex<number>();
    expect(index.setIfAbsent("111", "eu-west-1", "a", 0)).toBeUndefined();
    expect(index.setIfAbsent("222", "eu-west-1", "a", 1)).toBeUndefined();
    expect(index.setIfAbsent("111", "eu-west-1", "a", 2)).toBe(0);
    expect(index.get("111", "eu-west-1", "a")).toBe(0);
    // An account seen before, in a region new to it.
    expect(index.setIfAbsent("111", "us-east-1", "a", 3)).toBeUndefined();
    expect(index.get("111", "us-east-1", "a")).toBe(3);
  });
});
