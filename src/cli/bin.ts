#!/usr/bin/env node
import { main } from "./main.js";
import { processIo } from "./io.js";

// A reader that stops early (`access-baseline check … | head`) closes the pipe: that is the
// reader's choice, not an error to report with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2), processIo());
