/**
 * Errors the user can act on: bad input, a bad rule, a file that cannot be read or written. The
 * CLI prints their message on one line and exits with code 2; no stack trace unless `--debug`.
 */
export class UserError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An input file that is malformed or fails its schema; the message names file, line and column. */
export class InputError extends UserError {}

/** A rule file or rule directory that cannot be loaded. */
export class RuleError extends UserError {}

/** A configuration file or command-line option that cannot be used. */
export class ConfigError extends UserError {}

/** A location in a text file, 1-based, for error messages (`file:line:column`). */
export function formatLocation(file: string, line?: number, column?: number): string {
  if (line === undefined) return file;
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}
