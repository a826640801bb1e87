import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, runCli } from "../support/cli.js";

/**
 * The campaign report in a real browser: headless Chromium (puppeteer-core) opens the HTML from
 * the file system, with every request that is not `data:` or `file:` intercepted and refused. The
 * page's owner rows and totals are checked against the results files themselves, its charts for
 * their text alternatives, its structure for what assistive technology needs. A screenshot at
 * 1280×800 goes to test-artifacts/campaign-report.png (and, with
 * ACCESS_BASELINE_UPDATE_SCREENSHOT=1, to docs/images/campaign-report.png for the README).
 *
 * Without a browser the test is skipped with a message, except under CI=true, where a missing
 * browser fails it: CI must not pass by not looking.
 */

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const HAVE_BROWSER = existsSync(CHROMIUM);
const IN_CI = process.env.CI === "true";
const HISTORY = join(REPO, "examples", "history");
const OWNER_TAGS = ["Team", "Owner"];

if (!HAVE_BROWSER && !IN_CI) {
  console.warn(`campaign-report browser test skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
}

describe("a browser is available under CI", () => {
  it.runIf(IN_CI)("finds Chromium", () => {
    expect(HAVE_BROWSER, `no Chromium at ${CHROMIUM}: .ci/run installs it, or set CHROMIUM_PATH`).toBe(true);
  });
});

interface ResultsFile {
  results: { status: string; resource: { type: string; id: string; account: string; region: string } }[];
  resources?: { type: string; id: string; account: string; region: string; tags?: Record<string, string> }[];
}

/** Open items per owner in the newest results file, counted from the file alone. */
async function expectedOwners(): Promise<Map<string, number>> {
  const newest = (await readdir(HISTORY))
    .filter((name) => name.endsWith(".json"))
    .sort()
    .at(-1)!;
  const json = JSON.parse(await readFile(join(HISTORY, newest), "utf8")) as ResultsFile;
  const tags = new Map(
    (json.resources ?? []).map((fact) => [
      `${fact.type}|${fact.account}|${fact.region}|${fact.id}`,
      fact.tags ?? {},
    ]),
  );
  const counts = new Map<string, number>();
  for (const result of json.results) {
    if (result.status !== "fail" && result.status !== "error") continue;
    const { type, account, region, id } = result.resource;
    const own =
      tags.get(`${type}|${account}|${region}|${id}`) ??
      (type === "AWS::SSM::ManagedInstanceInventory"
        ? tags.get(`AWS::EC2::Instance|${account}|${region}|${id}`)
        : undefined) ??
      {};
    const owner =
      OWNER_TAGS.map((key) => own[key]).find((value) => value !== undefined && value !== "") ?? "no owner";
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}

/** Runs an expression in the page (the tests compile without the DOM's types). */
async function inPage<T>(page: Page, expression: string): Promise<T> {
  return (await page.evaluate(expression)) as T;
}

describe.runIf(HAVE_BROWSER)("the campaign report in Chromium", () => {
  let browser: Browser;
  let page: Page;
  const leaving: string[] = [];

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-campaign-browser-"));
    const file = join(dir, "campaign.html");
    const run = await runCli(["report", "--history", HISTORY, "--format", `html=${file}`]);
    expect(run.code, run.stderr).toBe(0);
    const { default: puppeteer } = await import("puppeteer-core");
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = request.url();
      if (url.startsWith("data:") || url.startsWith("file:")) {
        void request.continue();
      } else {
        leaving.push(url);
        void request.abort();
      }
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    await mkdir(join(REPO, "test-artifacts"), { recursive: true });
    await page.screenshot({ path: join(REPO, "test-artifacts", "campaign-report.png") });
    if (process.env.ACCESS_BASELINE_UPDATE_SCREENSHOT === "1") {
      await page.screenshot({ path: join(REPO, "docs", "images", "campaign-report.png") });
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("sends no request off the page", () => {
    expect(leaving).toEqual([]);
  });

  it("shows every owner's open items and the total as the results file has them", async () => {
    const expected = await expectedOwners();
    const rows = await inPage<{ owner: string; shownOwner: string; open: number }[]>(
      page,
      `[...document.querySelectorAll("table.owners tbody tr")].map((tr) => ({
        owner: tr.getAttribute("data-owner"),
        shownOwner: tr.querySelector("th").textContent,
        open: Number(tr.querySelector("td").textContent),
      }))`,
    );
    const shown = new Map(rows.filter((row) => row.open > 0).map((row) => [row.owner, row.open]));
    expect(shown).toEqual(expected);
    for (const row of rows) expect(row.shownOwner).toBe(row.owner);
    const total = await inPage<number>(
      page,
      `Number(document.querySelector("table.owners tfoot td").textContent)`,
    );
    expect(total).toBe([...expected.values()].reduce((sum, count) => sum + count, 0));
    // An owner that reached zero is shown as done, in words.
    const done = rows.filter((row) => row.open === 0).map((row) => row.owner);
    expect(done).toContain("web");
    expect(
      await inPage<string>(page, `document.querySelector('table.owners tr[data-owner="web"]').textContent`),
    ).toContain("done");
  });

  it("renders the charts as images with text alternatives and a table of their numbers", async () => {
    const charts = await inPage<
      { role: string; labels: string[]; marks: number; width: number; table: boolean }[]
    >(
      page,
      `[...document.querySelectorAll("figure")].map((figure) => {
        const svg = figure.querySelector("svg");
        const ids = (svg.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
        return {
          role: svg.getAttribute("role"),
          labels: ids.map((id) => (document.getElementById(id) || {}).textContent || ""),
          marks: svg.querySelectorAll("path, rect").length,
          width: svg.getBoundingClientRect().width,
          table: figure.nextElementSibling.querySelector("table") !== null,
        };
      })`,
    );
    expect(charts).toHaveLength(2);
    for (const chart of charts) {
      expect(chart.role).toBe("img");
      expect(chart.labels).toHaveLength(2);
      for (const label of chart.labels) expect(label.length).toBeGreaterThan(10);
      expect(chart.marks).toBeGreaterThan(3);
      expect(chart.width).toBeGreaterThan(200);
      expect(chart.table).toBe(true);
    }
  });

  it("has a language, headings in order and header cells with a scope", async () => {
    expect(await inPage<string>(page, "document.documentElement.lang")).toBe("en");
    const levels = await inPage<number[]>(
      page,
      `[...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => Number(h.tagName[1]))`,
    );
    expect(levels[0]).toBe(1);
    levels.forEach((level, index) => {
      if (index > 0) expect(level).toBeLessThanOrEqual(levels[index - 1]! + 1);
    });
    const scopes = await inPage<(string | null)[]>(
      page,
      `[...document.querySelectorAll("th")].map((th) => th.getAttribute("scope"))`,
    );
    expect(scopes.length).toBeGreaterThan(10);
    for (const scope of scopes) expect(["col", "row"]).toContain(scope);
  });

  it("gives each resource its next step as a command with the real identifiers", async () => {
    const commands = await inPage<string[]>(
      page,
      `[...document.querySelectorAll("table.resources code")].map((code) => code.textContent)`,
    );
    expect(
      commands.some((command) =>
        /^aws ec2 revoke-security-group-ingress --group-id sg-[0-9a-f]+ --region us-east-1 --ip-permissions '\[\{"IpProtocol"/.test(
          command,
        ),
      ),
    ).toBe(true);
    expect(
      commands.some((command) =>
        /^aws ec2 associate-iam-instance-profile --instance-id i-[0-9a-f]+ /.test(command),
      ),
    ).toBe(true);
    const steps = await inPage<string[]>(
      page,
      `[...document.querySelectorAll("table.resources td:last-child ul")].map((list) => list.textContent)`,
    );
    expect(steps.some((step) => step.includes("AmazonSSMManagedInstanceCore"))).toBe(true);
  });
});
