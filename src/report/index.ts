import type { Report } from "../engine/result.js";
import { renderAsffChunks } from "./asff.js";
import { renderCsv, renderCsvChunks } from "./csv.js";
import { renderGithub } from "./github.js";
import { renderJson, renderJsonChunks } from "./json.js";
import { renderJunit, renderJunitChunks } from "./junit.js";
import { checkFormat, renderChunksWith, type RenderOptions, type Renderers } from "./options.js";
import { renderSarif, renderSarifChunks } from "./sarif.js";
import { renderText } from "./text.js";

const RENDERERS: Renderers = {
  text: renderText,
  json: renderJsonChunks,
  sarif: renderSarifChunks,
  junit: renderJunitChunks,
  csv: renderCsvChunks,
  github: renderGithub,
  asff: renderAsffChunks,
};

/** Renders `report` in the format named `format`; an unknown name is a configuration error. */
export function renderReport(format: string, report: Report, options: RenderOptions = {}): string {
  return [...renderReportChunks(format, report, options)].join("");
}

/** `renderReport` as a sequence of chunks (see `renderChunksWith`). */
export function renderReportChunks(
  format: string,
  report: Report,
  options: RenderOptions = {},
): Iterable<string> {
  return renderChunksWith(RENDERERS, checkFormat(format), report, options);
}

export { shouldUseColor } from "./color.js";
export {
  FORMATS,
  GROUP_BY,
  WAIVED_IN_SARIF,
  isFormat,
  type Format,
  type GroupBy,
  type RenderOptions,
  type WaivedInSarif,
} from "./options.js";
export { renderGithubSummary } from "./github.js";
export { buildAsffFindings, type AsffFinding } from "./asff.js";
export { DEFAULT_TEXT_WIDTH } from "./wrap.js";
export { renderCsv, renderGithub, renderJson, renderJsonChunks, renderJunit, renderSarif, renderText };
