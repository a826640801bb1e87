import { Command, CommanderError } from "commander";
import { PACKAGE } from "../assets.js";
import { UserError } from "../errors.js";
import { EXIT_INCOMPLETE } from "../engine/summary.js";
import { registerCheck } from "./commands/check.js";
import { registerCollect } from "./commands/collect.js";
import { registerRules } from "./commands/rules.js";
import { registerReport } from "./commands/report.js";
import type { CliIo } from "./io.js";

/**
 * The command-line entry: parses arguments and runs one command. Every failure the user can act
 * on ends as one line on standard error and exit code 2; a stack trace only with `--debug`.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const done = (code: number) => {
    exitCode = code;
  };
  const program = new Command()
    .name("access-baseline")
    .description("Check AWS accounts, snapshots and templates against the SSH-free access baseline.")
    .version(PACKAGE.version, "-V, --version")
    .option("--debug", "print stack traces for unexpected errors")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  registerCheck(program, io, done);
  registerCollect(program, io, done);
  registerRules(program, io, done);
  registerReport(program, io, done);
  program.commands.forEach((command) => command.exitOverride());
  for (const command of program.commands.flatMap((c) => c.commands)) command.exitOverride();

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit with 0; usage errors have already been printed by commander.
      return error.exitCode === 0 ? 0 : EXIT_INCOMPLETE;
    }
    const debug = argv.includes("--debug");
    if (error instanceof UserError) {
      io.stderr.write(`access-baseline: ${error.message}\n`);
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
    } else {
      io.stderr.write(
        `access-baseline: internal error: ${(error as Error).message ?? String(error)}` +
          (debug ? `\n${(error as Error).stack ?? ""}\n` : " (run with --debug for details)\n"),
      );
    }
    return EXIT_INCOMPLETE;
  }
}
