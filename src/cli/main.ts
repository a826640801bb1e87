import { Command, CommanderError } from "commander";
import { PACKAGE } from "../assets.js";
import { UserError } from "../errors.js";
import { EXIT_INCOMPLETE } from "../engine/summary.js";
import type { CliIo } from "./io.js";

type Register = (program: Command, io: CliIo, done: (code: number) => void) => void;

/**
 * The commands, in the order help lists them, each loaded only when it is registered: a command's
 * module brings everything it uses, and a run of one command should not load the others.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  check: async () => (await import("./commands/check.js")).registerCheck,
  collect: async () => (await import("./commands/collect.js")).registerCollect,
  rules: async () => (await import("./commands/rules.js")).registerRules,
  report: async () => (await import("./commands/report.js")).registerReport,
};

/**
 * The commands a run needs: the one it names, or all of them when it names none (help, the
 * version, an unknown command and its suggestions). The program's own options take no values,
 * so the first word that is not an option is the command.
 */
function commandsFor(argv: readonly string[]): string[] {
  const named = argv.find((arg) => !arg.startsWith("-"));
  return named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
}

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
  const registers = await Promise.all(commandsFor(argv).map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program, io, done);
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
