/**
 * Structured logs: one JSON object per line on standard output, which the Lambda runtime sends to
 * CloudWatch Logs as it is, so Logs Insights can query the fields (`filter verdict =
 * "NON_COMPLIANT"`). Lines carry identities, verdicts, counts, durations and the short messages of
 * findings; never credentials, request signatures or whole documents — a message is cut at
 * `MAX_TEXT` characters.
 */

export interface LogSink {
  write(line: string): void;
}

export type LogLevel = "info" | "warn" | "error";

export type LogFields = Record<
  string,
  string | number | boolean | null | undefined | readonly string[] | object
>;

const MAX_TEXT = 512;

export class Logger {
  constructor(
    private readonly sink: LogSink,
    private readonly base: LogFields = {},
  ) {}

  /** A logger whose lines also carry `fields` (the invocation's request id and Config rule). */
  with(fields: LogFields): Logger {
    return new Logger(this.sink, { ...this.base, ...fields });
  }

  info(event: string, fields: LogFields = {}): void {
    this.write("info", event, fields);
  }

  warn(event: string, fields: LogFields = {}): void {
    this.write("warn", event, fields);
  }

  error(event: string, fields: LogFields = {}): void {
    this.write("error", event, fields);
  }

  private write(level: LogLevel, event: string, fields: LogFields): void {
    const line: Record<string, unknown> = { level, event };
    for (const [key, value] of Object.entries({ ...this.base, ...fields })) {
      if (value === undefined) continue;
      line[key] = typeof value === "string" ? clip(value) : value;
    }
    this.sink.write(`${JSON.stringify(line)}\n`);
  }
}

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

/** Standard output, written directly so that the runtime adds no prefix to the JSON. */
export const STDOUT_SINK: LogSink = { write: (line) => void process.stdout.write(line) };
