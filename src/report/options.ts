import { ConfigError } from "../errors.js";
import type { Report } from "../engine/result.js";
import type { renderAsffChunks } from "./asff.js";
import type { Baseline } from "./baseline.js";
import type { renderCsvChunks } from "./csv.js";
import type { renderGithub } from "./github.js";
import type { renderJsonChunks } from "./json.js";
import type { renderJunitChunks } from "./junit.js";
import type { renderSarifChunks } from "./sarif.js";
import type { renderText } from "./text.js";

/**
 * The output formats and their options, and the one place that turns options into a renderer's
 * arguments. Nothing here loads a renderer: the command line declares its options from this module
 * and loads only the renderer of each format it writes (`report/load.ts`).
 */

export const FORMATS = ["text", "json", "sarif", "junit", "csv", "github", "asff"] as const;
export type Format = (typeof FORMATS)[number];

export const GROUP_BY = ["rule", "resource"] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const WAIVED_IN_SARIF = ["suppress", "omit"] as const;
export type WaivedInSarif = (typeof WAIVED_IN_SARIF)[number];

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

export function checkFormat(format: string): Format {
  if (!isFormat(format)) {
    throw new ConfigError(`unknown output format "${format}": expected one of ${FORMATS.join(", ")}`);
  }
  return format;
}

/** The renderer of each format; a caller may hold only the one it is about to use. */
export interface Renderers {
  text: typeof renderText;
  json: typeof renderJsonChunks;
  sarif: typeof renderSarifChunks;
  junit: typeof renderJunitChunks;
  csv: typeof renderCsvChunks;
  github: typeof renderGithub;
  asff: typeof renderAsffChunks;
}

/**
 * Renders `report` as a sequence of chunks with `renderers[format]`, produced as they are taken, so
 * that a large report goes to its destination while it is rendered instead of being built as one
 * string first. JSON, SARIF, ASFF, CSV and JUnit come a result at a time (a large account has a
 * hundred thousand results); the other formats in one piece.
 */
export function renderChunksWith(
  renderers: Partial<Renderers>,
  format: Format,
  report: Report,
  options: RenderOptions,
): Iterable<string> {
  const renderer = <F extends Format>(name: F): Renderers[F] => {
    const found = renderers[name];
    if (found === undefined) throw new Error(`the ${name} renderer is not loaded`);
    return found;
  };
  if (format === "json") {
    return renderer("json")(report, options.verbosePasses === true ? { verbosePasses: true } : {});
  }
  if (format === "sarif") {
    return renderer("sarif")(report, {
      ...(options.category !== undefined ? { category: options.category } : {}),
      ...(options.waived !== undefined ? { waived: options.waived } : {}),
    });
  }
  if (format === "csv") return renderer("csv")(report);
  if (format === "junit") return renderer("junit")(report);
  if (format === "asff") {
    return renderer("asff")(report, {
      now: options.now ?? new Date(),
      homeRegion: options.homeRegion ?? "us-east-1",
      ...(options.previous !== undefined ? { previous: options.previous } : {}),
    });
  }
  const whole = (): string => {
    switch (format) {
      case "text":
        return renderer("text")(report, {
          color: options.color ?? false,
          groupBy: options.groupBy ?? "rule",
          ...(options.width !== undefined ? { width: options.width } : {}),
        });
      case "github":
        return renderer("github")(report, options.repositoryPath ?? "");
    }
  };
  return {
    *[Symbol.iterator]() {
      yield whole();
    },
  };
}
