import type { CampaignView } from "./view.js";

/**
 * The campaign's charts as inline SVG, rendered when the HTML is written: a Vega-Lite
 * specification compiled to Vega, run headless (`renderer: "none"`), serialised to SVG. Nothing
 * is loaded when the page opens. vega and vega-lite are imported here and only here, when HTML is
 * asked for, so that no other command pays for loading them.
 *
 * Each SVG gets `role="img"` with a `<title>` and `<desc>`, and the page puts a table of the same
 * numbers next to it; lines are told apart by their labels and point shapes, not by colour alone.
 */

export interface RenderedChart {
  id: string;
  title: string;
  description: string;
  svg: string;
}

type VegaLiteSpec = Record<string, unknown>;

export async function renderCampaignCharts(view: CampaignView): Promise<RenderedChart[]> {
  const [vegaLite, vega] = await Promise.all([import("vega-lite"), import("vega")]);
  const toSvg = async (spec: VegaLiteSpec): Promise<string> => {
    // Warnings go nowhere: the command's standard error is for the user's problems, not the chart's.
    const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0], {
      logger: vega.logger(vega.Error),
    }).spec;
    const chartView = new vega.View(vega.parse(compiled), { renderer: "none" });
    try {
      return await chartView.toSVG();
    } finally {
      chartView.finalize();
    }
  };
  const charts: RenderedChart[] = [];
  const total = totalSpec(view);
  charts.push({
    id: "chart-total",
    title: "Open items across all owners, per run",
    description: `Open items per run, from ${view.points[0]!.open} in the first run to ${view.points.at(-1)!.open} in the newest.`,
    svg: await toSvg(total),
  });
  const ownerDescription = view.owners
    .map(
      (owner) =>
        `${owner.owner}: ${owner.peak} at most, ${owner.openItems} now${owner.done ? " (done)" : owner.openItems === 0 ? " (not known)" : ""}`,
    )
    .join("; ");
  charts.push({
    id: "chart-burn-down",
    title: "Burn-down of open items per owner",
    description: `One line per owner, open items per run. ${ownerDescription}.`,
    svg: await toSvg(burnDownSpec(view)),
  });
  return charts.map((chart) => ({ ...chart, svg: accessibleSvg(chart) }));
}

const BASE = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  background: "white",
  config: {
    font: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    axis: { labelFontSize: 12, titleFontSize: 12, labelColor: "#222", titleColor: "#222" },
    legend: { labelFontSize: 12, titleFontSize: 12, orient: "bottom" },
  },
};

function totalSpec(view: CampaignView): VegaLiteSpec {
  return {
    ...BASE,
    width: 560,
    height: 180,
    data: { values: view.points.map((point) => ({ run: point.createdAt.slice(0, 10), open: point.open })) },
    layer: [
      {
        mark: { type: "bar", color: "#35618f" },
        encoding: {
          x: { field: "run", type: "ordinal", title: "run", axis: { labelAngle: 0 } },
          y: { field: "open", type: "quantitative", title: "open items" },
        },
      },
      {
        mark: { type: "text", dy: -6, color: "#222" },
        encoding: {
          x: { field: "run", type: "ordinal" },
          y: { field: "open", type: "quantitative" },
          text: { field: "open", type: "quantitative" },
        },
      },
    ],
  };
}

/** Owners with the most open items at any point get their own line; beyond that, the table says it. */
const MAX_LINES = 12;

function burnDownSpec(view: CampaignView): VegaLiteSpec {
  const charted = new Set(
    [...view.owners]
      .sort((a, b) => b.peak - a.peak || a.owner.localeCompare(b.owner))
      .slice(0, MAX_LINES)
      .map((owner) => owner.owner),
  );
  const last = view.points.at(-1)!.createdAt;
  const done = new Set(view.owners.filter((owner) => owner.done).map((owner) => owner.owner));
  const values = view.burnDown
    .filter((point) => charted.has(point.owner))
    .map((point) => ({ owner: point.owner, run: point.createdAt, open: point.open, label: "" }));
  // Owners that end on the same count share one label, so that labels never print over each other.
  const byCount = new Map<number, (typeof values)[number][]>();
  for (const value of values.filter((candidate) => candidate.run === last)) {
    byCount.set(value.open, [...(byCount.get(value.open) ?? []), value]);
  }
  for (const tied of byCount.values()) {
    const names = (values: typeof tied) => values.map((value) => value.owner).join(", ");
    if (tied[0]!.open !== 0) tied[0]!.label = names(tied);
    else {
      // At zero, an owner whose resources a failed listing may hide is not done: labelled apart.
      const finished = tied.filter((value) => done.has(value.owner));
      const unknown = tied.filter((value) => !done.has(value.owner));
      tied[0]!.label = [
        ...(finished.length > 0 ? [`${names(finished)} — done`] : []),
        ...(unknown.length > 0 ? [`${names(unknown)} — not known`] : []),
      ].join("; ");
    }
  }
  // UTC throughout, and a tick at each run: the axis names the runs, whatever the time zone.
  const x = {
    field: "run",
    type: "temporal",
    title: "run",
    scale: { type: "utc" },
    axis: {
      format: "%Y-%m-%d",
      values: view.points.map((point) => Date.parse(point.createdAt)),
    },
  };
  const y = { field: "open", type: "quantitative", title: "open items" };
  const owner = { field: "owner", type: "nominal", title: "owner" };
  return {
    ...BASE,
    width: 560,
    height: 260,
    data: { values },
    layer: [
      { mark: { type: "line", strokeWidth: 2 }, encoding: { x, y, color: owner, strokeDash: owner } },
      { mark: { type: "point", filled: true, size: 60 }, encoding: { x, y, color: owner, shape: owner } },
      {
        transform: [{ filter: "datum.label !== ''" }],
        mark: { type: "text", align: "left", dx: 8, fontSize: 12, color: "#222" },
        encoding: { x, y, text: { field: "label" } },
      },
    ],
  };
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** Makes the SVG one image with a title and a description for assistive technology. */
function accessibleSvg(chart: RenderedChart): string {
  const open = chart.svg.indexOf("<svg");
  const end = chart.svg.indexOf(">", open);
  if (open === -1 || end === -1) throw new Error(`chart ${chart.id}: the renderer returned no SVG`);
  const tag = chart.svg.slice(open, end).replace(/\s(role|aria-[a-z]+)="[^"]*"/g, "");
  return (
    `${tag} role="img" aria-labelledby="${chart.id}-title ${chart.id}-desc">` +
    `<title id="${chart.id}-title">${escapeXml(chart.title)}</title>` +
    `<desc id="${chart.id}-desc">${escapeXml(chart.description)}</desc>` +
    chart.svg.slice(end + 1)
  );
}
