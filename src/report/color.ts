/**
 * Whether text written to `stream` should be coloured. Decided here, from the caller's stream and
 * environment, rather than by the colour library itself, so that the choice is explicit, testable
 * and the same for every command.
 *
 * - `NO_COLOR` set to anything but the empty string turns colour off (https://no-color.org).
 * - Otherwise `FORCE_COLOR` set to anything but `0` or `false` turns it on, even when piped (CI
 *   logs render ANSI escapes).
 * - Otherwise colour is on only for a terminal.
 */
export function shouldUseColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const noColor = env["NO_COLOR"];
  if (noColor !== undefined && noColor !== "") return false;
  const forceColor = env["FORCE_COLOR"];
  if (forceColor !== undefined && forceColor !== "0" && forceColor !== "false") return true;
  return stream.isTTY === true;
}
