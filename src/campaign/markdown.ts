import { change, day, figureNow, money, ownerStatus, plural } from "./format.js";
import type { CampaignView } from "./view.js";

/**
 * The campaign in Markdown, short enough for a pull-request comment: the headline with its change
 * since the previous run, then one line per owner. The per-resource detail is in the HTML and CSV.
 */

/** Owners listed by name; the rest are counted, so a large organisation's comment stays short. */
const MAX_OWNERS = 25;

export function renderCampaignMarkdown(view: CampaignView): string {
  const lines: string[] = [];
  const runs = view.points.length;
  lines.push(`## SSH-free access campaign — ${day(view.generatedAt)}`, "");
  lines.push(
    `${plural(view.accounts.length, "account")}, ${plural(runs, "run")} (${day(view.points[0]!.createdAt)} to ${day(view.generatedAt)}); ` +
      `${plural(view.points.at(-1)!.open, "open item")}.`,
    "",
  );
  lines.push("| | now | since the previous run |", "| --- | ---: | --- |");
  for (const figure of view.headline)
    lines.push(`| ${cell(figure.label)} | ${figureNow(figure)} | ${change(figure)} |`);
  lines.push("");
  if (view.notEvaluated > 0) {
    lines.push(
      `**${plural(view.notEvaluated, "result")} could not be evaluated**: they count as open until they can.`,
      "",
    );
  }
  lines.push("| owner | open items | resources | status |", "| --- | ---: | ---: | --- |");
  const shown = [...view.owners].sort((a, b) => b.openItems - a.openItems || a.owner.localeCompare(b.owner));
  for (const owner of shown.slice(0, MAX_OWNERS)) {
    const status = owner.done ? "done ✓" : ownerStatus(owner);
    lines.push(`| ${cell(owner.owner)} | ${owner.openItems} | ${owner.resources} | ${status} |`);
  }
  if (shown.length > MAX_OWNERS) lines.push(`| … and ${shown.length - MAX_OWNERS} more owners | | | |`);
  lines.push("");
  const { cost } = view;
  if (cost.hosts.length > 0) {
    const unknown =
      cost.unknownPrices > 0 ? ` (${plural(cost.unknownPrices, "host")} of unknown price not included)` : "";
    lines.push(
      `Bastions and jump hosts: ${plural(cost.hosts.length, "instance")}, about ${money(cost.knownMonthly, cost.table.currency)} a month on demand${unknown} — an estimate from prices of ${cost.table.asOf}.`,
      "",
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * A table cell: no pipe or line break from a tag value can break the table, and no markup in it
 * (an image that loads from elsewhere, a link, emphasis) is rendered where the comment is read.
 */
export function cell(text: string): string {
  return text
    .replace(/[\\|`*_[\]!~]/g, (c) => `\\${c}`)
    .replace(/[\r\n]+/g, " ")
    .replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;"));
}
