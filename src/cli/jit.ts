import { setFlagsFromString } from "node:v8";

/**
 * How much V8's optimizing compiler may inline into one function, for the command line. The
 * default (920 bytes of bytecode) suits a server that runs for hours. A check runs for a second or
 * two: most of what gets optimized is compiled on the second core while the main thread waits on
 * it, and competes there with the garbage collector's helpers. A smaller budget compiles less and
 * sooner. Measured on a 2-core machine (medians of alternating runs): the 10,000-group template
 * 0.71 → 0.64 s, the 50,000-resource account 2.04 → 1.86–1.88 s (budgets from none to 300), with
 * less CPU in all; the 200 MB snapshot, which runs long enough for inlining to pay, within noise
 * at 300 but slower with none. The Config rule Lambda, which
 * stays warm between events, keeps V8's defaults.
 */
export const SHORT_RUN_V8_FLAGS = "--max-inlined-bytecode-size-cumulative=200";

/** Flags a user set for V8 (NODE_OPTIONS or node's own arguments) that this tuning must not override. */
const USER_INLINING_FLAG = /--(no-)?(turbo-inlining|max-inlined-bytecode-size)/;

export function tuneForShortRun(
  setFlags: (flags: string) => void = setFlagsFromString,
  userFlags: readonly string[] = [...process.execArgv, process.env.NODE_OPTIONS ?? ""],
): boolean {
  if (userFlags.some((flag) => USER_INLINING_FLAG.test(flag.replaceAll("_", "-")))) return false;
  try {
    setFlags(SHORT_RUN_V8_FLAGS);
  } catch {
    // A runtime that refuses V8 flags (another JavaScript engine behind node's API) runs the
    // check untuned: the budget is a matter of speed, never a reason not to check.
    return false;
  }
  return true;
}
