import { renderCampaignCharts, type RenderedChart } from "./charts.js";
import { change, day, figureNow, minute, money, ownerStatus, plural } from "./format.js";
import type { NextStep } from "./next-steps.js";
import type { CampaignView, OwnerView, RegionGroup, ResourceRow } from "./view.js";

/**
 * The campaign as one self-contained HTML page: styles inline, charts as inline SVG, no script,
 * no font, no request of any kind, so it opens from the file system and as a CI artifact alike.
 * Headings go h1 → h2 → h3 → h4 without gaps; every table has header cells with `scope`; every
 * chart has a text alternative and a table of its numbers; nothing is said by colour alone.
 */

/**
 * A table of more rows than this starts collapsed (`<details>`), so the page of a large estate
 * opens on its summary; beyond `MAX_ROWS_PER_GROUP` rows the CSV output carries the rest.
 */
const COLLAPSE_ABOVE = 25;
/** A report of more resources than this opens with every owner's tables collapsed. */
const COLLAPSE_OWNERS_ABOVE = 300;
const MAX_ROWS_PER_GROUP = 2000;

export async function renderCampaignHtml(view: CampaignView): Promise<string> {
  const charts = await renderCampaignCharts(view);
  const title = `SSH-free access campaign — ${day(view.generatedAt)}`;
  const parts = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No request may leave the page: the policy says so to the browser as well.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    '<a class="skip" href="#main">Skip to the report</a>',
    "<header>",
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(
      `${plural(view.accounts.length, "account")} (${view.accounts.join(", ")}), ${plural(view.points.length, "run")} from ${minute(view.points[0]!.createdAt)} to ${minute(view.generatedAt)}. ` +
        `Owners come from the tag ${view.ownerTags.join(", then ")}; resources without one are under “no owner”.`,
    )}</p>`,
    "</header>",
    '<main id="main">',
    '<nav aria-label="Contents"><ul>' +
      '<li><a href="#headline">Headline</a></li><li><a href="#progress">Progress over time</a></li>' +
      '<li><a href="#owners">Owners</a></li><li><a href="#cost">Cost of bastions and jump hosts</a></li>' +
      '<li><a href="#runs">Runs</a></li></ul></nav>',
    `<div class="overview">${headlineSection(view)}${progressSection(view, charts)}</div>`,
    ownersSection(view),
    costSection(view),
    runsSection(view),
    "</main>",
    `<footer><p>Written by access-baseline from the runs listed above. Commands are built from each finding's evidence; read them before running them.</p></footer>`,
    "</body>",
    "</html>",
  ];
  return `${parts.join("\n")}\n`;
}

function headlineSection(view: CampaignView): string {
  const rows = view.headline
    .map((figure) => {
      const delta = figure.previous === undefined ? 0 : figure.current - figure.previous;
      const trend = figure.notEvaluated > 0 ? "unknown" : delta < 0 ? "better" : delta > 0 ? "worse" : "same";
      return (
        `<tr data-metric="${escapeHtml(figure.id)}"><th scope="row">${escapeHtml(figure.label)}</th>` +
        `<td class="num">${escapeHtml(figureNow(figure))}</td><td class="${trend}">${escapeHtml(change(figure))}</td></tr>`
      );
    })
    .join("");
  const incomplete =
    view.notEvaluated > 0
      ? `<p class="warning" role="note"><strong>Incomplete:</strong> ${escapeHtml(plural(view.notEvaluated, "result"))} could not be evaluated in the newest runs. They count as open items until they can be evaluated; see “Not evaluated” in the owners' tables.</p>`
      : "";
  return (
    '<section aria-labelledby="headline"><h2 id="headline">Headline</h2>' +
    incomplete +
    `<table class="headline"><caption>Now, and the change since the previous run${view.points.length > 1 ? ` (${escapeHtml(minute(view.points.at(-2)!.createdAt))})` : ""}</caption>` +
    '<thead><tr><th scope="col">What</th><th scope="col">Now</th><th scope="col">Since the previous run</th></tr></thead>' +
    `<tbody>${rows}</tbody></table></section>`
  );
}

function chartFigure(chart: RenderedChart, table: string): string {
  return (
    `<figure aria-labelledby="${chart.id}-caption"><div class="chart">${chart.svg}</div>` +
    `<figcaption id="${chart.id}-caption">${escapeHtml(chart.title)}. ${escapeHtml(chart.description)}</figcaption></figure>` +
    `<details class="data"><summary>The numbers of this chart as a table</summary>${table}</details>`
  );
}

function progressSection(view: CampaignView, charts: RenderedChart[]): string {
  const [total, burnDown] = charts;
  const runHeaders = view.points
    .map((point) => `<th scope="col">${escapeHtml(day(point.createdAt))}</th>`)
    .join("");
  const totalTable =
    '<table><caption>Open items per run</caption><thead><tr><th scope="col">Run</th><th scope="col">Open items</th><th scope="col">Not evaluated</th></tr></thead><tbody>' +
    view.points
      .map(
        (point) =>
          `<tr><th scope="row">${escapeHtml(minute(point.createdAt))}</th><td class="num">${point.open}</td><td class="num">${point.notEvaluated}</td></tr>`,
      )
      .join("") +
    "</tbody></table>";
  const byOwner = new Map<string, number[]>();
  for (const point of view.burnDown)
    byOwner.set(point.owner, [...(byOwner.get(point.owner) ?? []), point.open]);
  const burnDownTable =
    `<table class="burn-down"><caption>Open items per owner and run</caption><thead><tr><th scope="col">Owner</th>${runHeaders}<th scope="col">Status</th></tr></thead><tbody>` +
    view.owners
      .map((owner) => {
        const counts = byOwner.get(owner.owner) ?? [];
        return (
          `<tr data-owner="${escapeHtml(owner.owner)}"><th scope="row">${escapeHtml(owner.owner)}</th>` +
          counts.map((count) => `<td class="num">${count}</td>`).join("") +
          `<td>${owner.done ? '<span class="done">✓ done</span>' : escapeHtml(owner.openItems > 0 ? `${owner.openItems} open` : ownerStatus(owner))}</td></tr>`
        );
      })
      .join("") +
    "</tbody></table>";
  const done = view.owners.filter((owner) => owner.done).map((owner) => owner.owner);
  return (
    '<section aria-labelledby="progress"><h2 id="progress">Progress over time</h2>' +
    `<p>${escapeHtml(
      done.length > 0
        ? `At zero: ${done.join(", ")}. ${plural(view.owners.length - done.length, "owner")} still with open items or not evaluated.`
        : `${plural(view.owners.length, "owner")} with open items; none at zero yet.`,
    )}</p>` +
    chartFigure(burnDown!, burnDownTable) +
    chartFigure(total!, totalTable) +
    "</section>"
  );
}

function ownersSection(view: CampaignView): string {
  const totalOpen = view.owners.reduce((sum, owner) => sum + owner.openItems, 0);
  const totalResources = view.owners.reduce((sum, owner) => sum + owner.resources, 0);
  const summary =
    '<table class="owners"><caption>Open items per owner in the newest runs</caption><thead><tr><th scope="col">Owner</th><th scope="col">Open items</th><th scope="col">Resources</th><th scope="col">Status</th></tr></thead><tbody>' +
    view.owners
      .map(
        (owner) =>
          `<tr data-owner="${escapeHtml(owner.owner)}" data-open-items="${owner.openItems}" data-resources="${owner.resources}">` +
          `<th scope="row"><a href="#${ownerAnchor(owner)}">${escapeHtml(owner.owner)}</a></th><td class="num">${owner.openItems}</td><td class="num">${owner.resources}</td>` +
          `<td>${owner.done ? '<span class="done">✓ done</span>' : escapeHtml(ownerStatus(owner))}</td></tr>`,
      )
      .join("") +
    `</tbody><tfoot><tr data-total-open-items="${totalOpen}" data-total-resources="${totalResources}"><th scope="row">Total</th><td class="num">${totalOpen}</td><td class="num">${totalResources}</td><td></td></tr></tfoot></table>`;
  return (
    '<section aria-labelledby="owners"><h2 id="owners">Owners</h2>' +
    summary +
    view.owners.map((owner) => ownerSection(owner, totalResources > COLLAPSE_OWNERS_ABOVE)).join("") +
    "</section>"
  );
}

function ownerAnchor(owner: OwnerView): string {
  return `owner-${[...owner.owner].map((c) => (/[A-Za-z0-9_-]/.test(c) ? c : `.${c.codePointAt(0)!.toString(16)}`)).join("")}`;
}

function ownerSection(owner: OwnerView, collapsed: boolean): string {
  const anchor = ownerAnchor(owner);
  const heading = `<h3 id="${anchor}">${escapeHtml(owner.owner)}${owner.done ? " — done" : ""}</h3>`;
  if (owner.done) {
    return `<section aria-labelledby="${anchor}" data-owner="${escapeHtml(owner.owner)}">${heading}<p class="done">✓ No open items: every item this owner had is closed.</p></section>`;
  }
  if (owner.openItems === 0) {
    return `<section aria-labelledby="${anchor}" data-owner="${escapeHtml(owner.owner)}">${heading}<p class="warning">${escapeHtml(`No open items in the newest runs, but ${plural(owner.unjudged, "result")} could not be evaluated in the accounts and regions of this owner's resources (a listing failed): whether they are fixed is not known.`)}</p></section>`;
  }
  return (
    `<section aria-labelledby="${anchor}" data-owner="${escapeHtml(owner.owner)}">${heading}` +
    `<p>${escapeHtml(`${plural(owner.openItems, "open item")} on ${plural(owner.resources, "resource")}, in ${plural(owner.groups.length, "account and region", "accounts and regions")}.`)}</p>` +
    (collapsed
      ? `<details><summary>${escapeHtml(`Show the ${plural(owner.resources, "resource")} and what to do next`)}</summary>${groups(owner, anchor, false)}</details>`
      : groups(owner, anchor, true)) +
    "</section>"
  );
}

function groups(owner: OwnerView, anchor: string, collapsible: boolean): string {
  return owner.groups.map((group, index) => groupSection(group, `${anchor}-${index}`, collapsible)).join("");
}

function groupSection(group: RegionGroup, anchor: string, collapsible: boolean): string {
  const shown = group.resources.slice(0, MAX_ROWS_PER_GROUP);
  const more = group.resources.length - shown.length;
  const table =
    `<table class="resources"><caption>${escapeHtml(`Resources of ${group.account} in ${group.region} with open items`)}</caption>` +
    '<thead><tr><th scope="col">Resource</th><th scope="col">Name</th><th scope="col">Open items</th><th scope="col">What to do next</th></tr></thead><tbody>' +
    shown.map(resourceRow).join("") +
    "</tbody></table>" +
    (more > 0
      ? `<p>${escapeHtml(`… and ${plural(more, "more resource")}: the CSV output (--format csv=FILE) lists every one.`)}</p>`
      : "");
  const groupSteps =
    group.groupSteps.length > 0 ? `<h5 class="sr">For the whole group</h5>${stepList(group.groupSteps)}` : "";
  const sessionManager =
    group.sessionManager.length > 0
      ? `<details class="ssm"><summary>For people who used SSH here: Session Manager instead</summary>${stepList(group.sessionManager)}<p>Replace the instance id with the one you need; port forwarding reaches any host the target instance can reach.</p></details>`
      : "";
  const body =
    collapsible && group.resources.length > COLLAPSE_ABOVE
      ? `<details><summary>${escapeHtml(`Show the ${plural(group.resources.length, "resource")}`)}</summary>${table}</details>`
      : table;
  return (
    `<section aria-labelledby="${anchor}" data-account="${escapeHtml(group.account)}" data-region="${escapeHtml(group.region)}">` +
    `<h4 id="${anchor}">${escapeHtml(`Account ${group.account}, ${group.region}`)}</h4>${groupSteps}${sessionManager}${body}</section>`
  );
}

function resourceRow(row: ResourceRow): string {
  // Kept short: a large estate has tens of thousands of rows (messages are in the JSON results).
  const items = row.items
    .map(
      (item) =>
        `<li>${escapeHtml(item.ruleId)} <small>${item.status === "error" ? "not evaluated" : item.severity}, since ${escapeHtml(day(item.firstSeen))}</small></li>`,
    )
    .join("");
  return (
    `<tr><th scope="row">${escapeHtml(row.id)} <small>${escapeHtml(row.type.split("::").at(-1) ?? row.type)}</small></th>` +
    `<td>${escapeText(row.name)}</td><td><ul>${items}</ul></td><td>${stepList(row.steps)}</td></tr>`
  );
}

function stepList(steps: readonly NextStep[]): string {
  return `<ul>${steps
    .map(
      (step) =>
        `<li>${escapeText(step.text)}${step.command !== undefined ? `<code>${escapeText(step.command)}</code>` : ""}</li>`,
    )
    .join("")}</ul>`;
}

function costSection(view: CampaignView): string {
  const { cost } = view;
  const { table } = cost;
  const intro =
    `<p><strong>An estimate.</strong> On-demand ${escapeHtml(table.currency)} prices of ${escapeHtml(table.asOf)} (${escapeHtml(table.source)}), ` +
    `${table.hoursPerMonth} hours a month, US East prices for every region, plus each public IPv4 address (Elastic or not). ` +
    "Reserved instances, savings plans, storage and traffic are not included. A type the bundled table does not list says “price unknown”.</p>";
  if (cost.hosts.length === 0) {
    return `<section aria-labelledby="cost"><h2 id="cost">Cost of bastions and jump hosts</h2>${intro}<p>No running exposed bastion or jump host in the newest runs.</p></section>`;
  }
  const rows = cost.hosts
    .map((host) => {
      const instance =
        host.instanceMonthly !== undefined ? money(host.instanceMonthly, table.currency) : "price unknown";
      const total =
        host.instanceMonthly !== undefined
          ? money(host.instanceMonthly + host.addressMonthly, table.currency)
          : "price unknown";
      return (
        `<tr><th scope="row">${escapeHtml(host.id)}</th><td>${escapeHtml(host.role)}</td><td>${escapeHtml(`${host.account} ${host.region}`)}</td>` +
        `<td>${escapeHtml(host.instanceType ?? "type unknown")}</td><td class="num">${escapeHtml(instance)}</td>` +
        `<td class="num">${escapeHtml(host.publicIp !== undefined ? `${money(host.addressMonthly, table.currency)} (${host.publicIp})` : "none")}</td><td class="num">${escapeHtml(total)}</td></tr>`
      );
    })
    .join("");
  const unknown =
    cost.unknownPrices > 0 ? `, plus ${plural(cost.unknownPrices, "host")} of unknown price` : "";
  return (
    '<section aria-labelledby="cost"><h2 id="cost">Cost of bastions and jump hosts</h2>' +
    intro +
    '<table class="cost"><caption>Monthly cost of the hosts SSH needs (estimate)</caption><thead><tr><th scope="col">Instance</th><th scope="col">Serves as</th><th scope="col">Account and region</th><th scope="col">Type</th><th scope="col">Instance a month</th><th scope="col">Public IPv4 a month</th><th scope="col">Total a month</th></tr></thead>' +
    `<tbody>${rows}</tbody><tfoot><tr><th scope="row">Total</th><td colspan="5"></td><td class="num">${escapeHtml(money(cost.knownMonthly, table.currency) + unknown)}</td></tr></tfoot></table></section>`
  );
}

function runsSection(view: CampaignView): string {
  const rows = view.runs
    .map(
      (run) =>
        `<tr><th scope="row">${escapeHtml(minute(run.createdAt))}</th><td>${escapeHtml(run.file)}</td><td>${escapeHtml(run.accounts.join(", "))}</td><td>${escapeHtml(run.toolVersion)}</td></tr>`,
    )
    .join("");
  return (
    '<section aria-labelledby="runs"><h2 id="runs">Runs</h2>' +
    "<p>Runs are merged per account: at each run's time, every account counts with its newest run so far.</p>" +
    '<table><caption>The runs this report is drawn from, oldest first</caption><thead><tr><th scope="col">Run</th><th scope="col">File</th><th scope="col">Accounts</th><th scope="col">Tool version</th></tr></thead>' +
    `<tbody>${rows}</tbody></table></section>`
  );
}

/** Element content: quotes need no escaping there, and commands are full of them. */
function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const STYLE = `
:root{color-scheme:light;--ink:#1b1b1b;--muted:#555;--line:#c8c8c8;--accent:#35618f}
*{box-sizing:border-box}
body{margin:0 auto;max-width:80rem;padding:1rem 1.5rem 3rem;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin:1.6rem 0 .5rem;border-bottom:2px solid var(--ink)}
.overview{display:grid;grid-template-columns:minmax(0,1fr);gap:0 2rem}
@media (min-width:1100px){.overview{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}h3{font-size:1.15rem;margin:1.6rem 0 .4rem}h4{font-size:1rem;margin:1.2rem 0 .4rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.3rem;outline:2px solid var(--accent)}
a{color:var(--accent)}a:focus,summary:focus{outline:2px solid var(--accent);outline-offset:2px}
nav ul{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;padding:0;list-style:none}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}thead th{background:#eef1f5}
.num{text-align:right;font-variant-numeric:tabular-nums}
table.headline td.better::before{content:"▼ "}table.headline td.worse::before{content:"▲ "}
.done{font-weight:600}.warning{border:2px solid var(--ink);padding:.5rem}
small{color:var(--muted);font-size:.85em}
ul{margin:0;padding-left:1.1rem}td li{margin-bottom:.3rem}
code{display:block;font:12.5px/1.35 ui-monospace,Menlo,Consolas,monospace;background:#f3f3f3;padding:.1rem .25rem;word-break:break-all}
figure{margin:1rem 0}.chart svg{max-width:100%;height:auto}figcaption{color:var(--muted)}
details{margin:.3rem 0 1rem}summary{cursor:pointer;color:var(--accent)}
.sr{position:absolute;left:-999px}
footer{margin-top:3rem;color:var(--muted)}
@media print{details{display:block}summary{display:none}}
`.trim();
