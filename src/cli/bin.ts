#!/usr/bin/env node
import { main } from "./main.js";
import { processIo } from "./io.js";
import { tuneForShortRun } from "./jit.js";

// Before any of the command's code is hot enough to be optimized.
tuneForShortRun();

// A report that could not be written (a full disk, a reader that closed the pipe) is reported by
// the command that wrote it, in one line, with exit code 2. The streams' own error events must
// then neither crash the process with a stack trace nor turn the failure into a success.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", () => {
    process.exitCode = 2;
  });
}

process.exitCode = await main(process.argv.slice(2), processIo());
