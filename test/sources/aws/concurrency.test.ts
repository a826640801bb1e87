import { describe, expect, it } from "vitest";
import { ApiCallCounter } from "../../../src/sources/aws/call-counter.js";
import { mapLimit } from "../../../src/sources/aws/concurrency.js";
import { memoizeCredentials } from "../../../src/sources/aws/credentials.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("mapLimit", () => {
  it("keeps at most `limit` tasks in flight and returns results in input order", async () => {
    // Prepare
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 12 }, (_, index) => index);
    // Act: later items finish first.
    const results = await mapLimit(items, 3, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      for (let wait = 0; wait < 12 - item; wait += 1) await tick();
      running -= 1;
      return item * 10;
    });
    // Assess
    expect(peak).toBe(3);
    expect(results).toEqual(items.map((item) => item * 10));
  });

  it("rejects with the first failure after the tasks in flight settle, starting no new ones", async () => {
    const started: number[] = [];
    const run = mapLimit([1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await tick();
      if (item === 2) throw new Error("boom");
      return item;
    });
    await expect(run).rejects.toThrow("boom");
    expect(started).toEqual([1, 2, 3]);
  });
});

describe("memoizeCredentials", () => {
  function counting(expiresInMs: number, failFirst = false) {
    const state = { calls: 0 };
    const provider = memoizeCredentials(() => {
      state.calls += 1;
      if (failFirst && state.calls === 1) return Promise.reject(new Error("denied"));
      return Promise.resolve({
        accessKeyId: `AKIA${state.calls}`,
        secretAccessKey: "x",
        expiration: new Date(Date.now() + expiresInMs),
      });
    });
    return { state, provider };
  }

  it("fetches once for many simultaneous callers and reuses credentials that stay valid", async () => {
    const { state, provider } = counting(3600_000);
    const first = await Promise.all([provider(), provider(), provider()]);
    await provider();
    expect(state.calls).toBe(1);
    expect(new Set(first.map((credentials) => credentials.accessKeyId))).toEqual(new Set(["AKIA1"]));
  });

  it("fetches again when the credentials are about to expire", async () => {
    const { state, provider } = counting(60_000);
    await provider();
    await provider();
    expect(state.calls).toBe(2);
  });

  it("does not remember a failure", async () => {
    const { state, provider } = counting(3600_000, true);
    await expect(provider()).rejects.toThrow("denied");
    await expect(provider()).resolves.toMatchObject({ accessKeyId: "AKIA2" });
    expect(state.calls).toBe(2);
  });
});

describe("ApiCallCounter", () => {
  it("counts per service and operation, sorted", () => {
    const counter = new ApiCallCounter();
    counter.record("ssm", "GetDocument");
    counter.record("ec2", "DescribeRegions");
    counter.record("ec2", "DescribeInstances");
    counter.record("ec2", "DescribeInstances");
    expect(counter.total).toBe(4);
    expect(JSON.stringify(counter.snapshot())).toBe(
      '{"ec2":{"DescribeInstances":2,"DescribeRegions":1},"ssm":{"GetDocument":1}}',
    );
  });
});
