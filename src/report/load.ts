import type { Report } from "../engine/result.js";
import { checkFormat, renderChunksWith, type Format, type RenderOptions, type Renderers } from "./options.js";

/**
 * `renderReportChunks` for the command line: loads the one renderer the format needs, so that a
 * run that writes text never loads the SARIF, ASFF or JUnit code.
 */
export async function renderReportLazily(
  format: string,
  report: Report,
  options: RenderOptions = {},
): Promise<Iterable<string>> {
  const known = checkFormat(format);
  return renderChunksWith(await loadRenderer(known), known, report, options);
}

async function loadRenderer(format: Format): Promise<Partial<Renderers>> {
  switch (format) {
    case "text":
      return { text: (await import("./text.js")).renderText };
    case "json":
      return { json: (await import("./json.js")).renderJsonChunks };
    case "sarif":
      return { sarif: (await import("./sarif.js")).renderSarifChunks };
    case "junit":
      return { junit: (await import("./junit.js")).renderJunitChunks };
    case "csv":
      return { csv: (await import("./csv.js")).renderCsvChunks };
    case "github":
      return { github: (await import("./github.js")).renderGithub };
    case "asff":
      return { asff: (await import("./asff.js")).renderAsffChunks };
  }
}
