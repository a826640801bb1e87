import { describe, expect, it } from "vitest";
import { mergeRuns } from "../../src/campaign/history.js";
import { cell, renderCampaignMarkdown } from "../../src/campaign/markdown.js";
import { buildCampaignView } from "../../src/campaign/view.js";
import { instance, item, run } from "./builders.js";

describe("the campaign Markdown", () => {
  it.each([
    ["![p](https://tracker.example/p.png)", "\\!\\[p\\](https://tracker.example/p.png)"],
    ["[done](https://example.com)", "\\[done\\](https://example.com)"],
    ["**web** | ops", "\\*\\*web\\*\\* \\| ops"],
    ["a\\b `c` ~d~ _e_", "a\\\\b \\`c\\` \\~d\\~ \\_e\\_"],
    ["<img src=x>", "&lt;img src=x&gt;"],
  ])("writes the team name %j as text, not markup", (team, written) => {
    expect(cell(team)).toBe(written);
    const host = instance("i-0000000000000001", { tags: { Team: team } });
    const view = buildCampaignView(
      mergeRuns([
        run("1.json", "2026-11-01T00:00:00Z", [item("instance-key-pair", host.type, host.id)], [host]),
      ]),
      { ownerTags: ["Team"] },
    );
    expect(renderCampaignMarkdown(view)).toContain(`| ${written} | 1 | 1 |`);
  });
});
