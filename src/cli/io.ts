/** The process's streams and environment, passed in so the CLI can be driven in-process by tests. */
export interface CliIo {
  /** `done` is called once the text is written, or with the error that kept it from being written. */
  stdout: {
    write(text: string, done?: (error?: Error | null) => void): unknown;
    isTTY?: boolean;
    columns?: number;
  };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
