// Loaded into the measured child with `node --import`: on exit it records the child's peak resident
// set size, which the parent cannot read for itself without native code or extra packages.
import { writeFileSync } from "node:fs";

const output = process.env.BENCH_PROBE_OUTPUT;

if (output) {
  process.on("exit", () => {
    // resourceUsage().maxRSS is in kilobytes on every platform Node supports.
    writeFileSync(output, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  });
}
