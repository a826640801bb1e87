/**
 * The migration campaign: a stage after the report. It reads the results of several runs (or
 * snapshots evaluated through the pipeline), merges them into a history per account, and renders
 * the campaign as HTML, Markdown or CSV. See docs/campaign-report.md.
 */
import { renderCampaignCsv } from "./csv.js";
import { renderCampaignMarkdown } from "./markdown.js";
import type { CampaignView } from "./view.js";

export {
  historyDirectoryFiles,
  loadRuns,
  mergeRuns,
  type Campaign,
  type RunFile,
  type SnapshotEvaluator,
} from "./history.js";
export { runFromReport } from "./run-file.js";
export { buildCampaignView, type CampaignView } from "./view.js";
export { DEFAULT_OWNER_TAGS } from "./model.js";

export const CAMPAIGN_FORMATS = ["html", "markdown", "csv"] as const;
export type CampaignFormat = (typeof CAMPAIGN_FORMATS)[number];

export function isCampaignFormat(name: string): name is CampaignFormat {
  return (CAMPAIGN_FORMATS as readonly string[]).includes(name);
}

export async function renderCampaign(format: CampaignFormat, view: CampaignView): Promise<string> {
  switch (format) {
    case "markdown":
      return renderCampaignMarkdown(view);
    case "csv":
      return renderCampaignCsv(view);
    case "html": {
      // Loaded only for HTML: the charts bring vega and vega-lite with them.
      const { renderCampaignHtml } = await import("./html.js");
      return renderCampaignHtml(view);
    }
  }
}
