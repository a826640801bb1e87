// Loaded into the measured child with `node --import`: on exit it records the child's peak resident
// set size, which the parent cannot read for itself without native code or extra packages.
import { readFileSync, writeFileSync } from "node:fs";

const output = process.env.BENCH_PROBE_OUTPUT;

if (output) {
  process.on("exit", () => {
    writeFileSync(output, JSON.stringify({ maxRssKb: peakRssKb() }));
  });
}

/**
 * The process's own peak. On Linux, VmHWM belongs to the memory of this program since it started;
 * getrusage's maxRSS also counts what the process held before exec, which for a child forked from
 * a large benchmark process is the parent's size, not the child's.
 */
function peakRssKb() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]);
  } catch {
    // Not Linux: fall back to getrusage.
  }
  // resourceUsage().maxRSS is in kilobytes on every platform Node supports.
  return process.resourceUsage().maxRSS;
}
