import { ConfigError } from "../errors.js";
import type { Report } from "../engine/result.js";
import { renderAsff } from "./asff.js";
import type { Baseline } from "./baseline.js";
import { renderCsv } from "./csv.js";
import { renderGithub } from "./github.js";
import { renderJson, renderJsonChunks } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderSarif, type WaivedInSarif } from "./sarif.js";
import { renderText, type GroupBy } from "./text.js";

/** The output formats, chosen by name on the command line (`--format`). */
export const FORMATS = ["text", "json", "sarif", "junit", "csv", "github", "asff"] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  /** Text only: emit ANSI colours. Off unless the caller decided otherwise (`shouldUseColor`). */
  color?: boolean;
  /** Text only: the width to fit lines in; unbounded when unset. */
  width?: number;
  /** Text only: group findings by rule (default) or by resource. */
  groupBy?: GroupBy;
  /** SARIF only: the code-scanning category, overriding the one derived from the results. */
  category?: string;
  /** ASFF only: when the findings were produced (default: now). */
  now?: Date;
  /** ASFF only: the Security Hub region for resources without a region (default: us-east-1). */
  homeRegion?: string;
  /** ASFF only: the previous run, whose failures that are gone are archived. */
  previous?: Baseline;
  /**
   * GitHub only: the path from the repository root to the working directory (`infra/`), so that
   * annotations name files as the repository does when the run is not started at its root.
   */
  repositoryPath?: string;
  /** SARIF only: write waived results as suppressed results (the default), or leave them out. */
  waived?: WaivedInSarif;
  /** JSON only: write passes and not-applicable results in full rather than compact. */
  verbosePasses?: boolean;
}

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

/** Renders `report` in the format named `format`; an unknown name is a configuration error. */
export function renderReport(format: string, report: Report, options: RenderOptions = {}): string {
  return [...renderReportChunks(format, report, options)].join("");
}

/**
 * `renderReport` as a sequence of chunks, produced as they are taken, so that a large report goes
 * to its destination while it is rendered instead of being built as one string first. The JSON
 * output comes one result at a time; the other formats, whose size follows the findings rather
 * than every result, in one piece.
 */
export function renderReportChunks(
  format: string,
  report: Report,
  options: RenderOptions = {},
): Iterable<string> {
  if (!isFormat(format)) {
    throw new ConfigError(`unknown output format "${format}": expected one of ${FORMATS.join(", ")}`);
  }
  if (format === "json") {
    return renderJsonChunks(report, options.verbosePasses === true ? { verbosePasses: true } : {});
  }
  return {
    *[Symbol.iterator]() {
      yield renderWhole(format, report, options);
    },
  };
}

function renderWhole(format: Exclude<Format, "json">, report: Report, options: RenderOptions): string {
  switch (format) {
    case "text":
      return renderText(report, {
        color: options.color ?? false,
        groupBy: options.groupBy ?? "rule",
        ...(options.width !== undefined ? { width: options.width } : {}),
      });
    case "sarif":
      return renderSarif(report, {
        ...(options.category !== undefined ? { category: options.category } : {}),
        ...(options.waived !== undefined ? { waived: options.waived } : {}),
      });
    case "junit":
      return renderJunit(report);
    case "csv":
      return renderCsv(report);
    case "github":
      return renderGithub(report, options.repositoryPath ?? "");
    case "asff":
      return renderAsff(report, {
        now: options.now ?? new Date(),
        homeRegion: options.homeRegion ?? "us-east-1",
        ...(options.previous !== undefined ? { previous: options.previous } : {}),
      });
  }
}

export { shouldUseColor } from "./color.js";
export { GROUP_BY, type GroupBy } from "./text.js";
export { WAIVED_IN_SARIF, type WaivedInSarif } from "./sarif.js";
export { renderGithubSummary } from "./github.js";
export { buildAsffFindings, type AsffFinding } from "./asff.js";
export { DEFAULT_TEXT_WIDTH } from "./wrap.js";
export { renderCsv, renderGithub, renderJson, renderJsonChunks, renderJunit, renderSarif, renderText };
