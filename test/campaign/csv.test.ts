import { describe, expect, it } from "vitest";
import { renderCampaignCsv } from "../../src/campaign/csv.js";
import { mergeRuns } from "../../src/campaign/history.js";
import { buildCampaignView } from "../../src/campaign/view.js";
import { instance, item, run } from "./builders.js";

describe("the campaign CSV", () => {
  it.each(['\uFF1DHYPERLINK("http://x")', '\u200B=HYPERLINK("http://x")', "\uFF20SUM(A1)"])(
    "defuses a team name a spreadsheet would run as a formula: %j",
    (team) => {
      const host = instance("i-0000000000000001", { tags: { Team: team } });
      const view = buildCampaignView(
        mergeRuns([
          run("1.json", "2026-11-01T00:00:00Z", [item("instance-key-pair", host.type, host.id)], [host]),
        ]),
        { ownerTags: ["Team"] },
      );
      const row = renderCampaignCsv(view).split("\r\n")[1]!;
      // The owner is the first field. A zero-width space is not trimmed from the tag.
      expect(row.replace(/^"/, "").startsWith("'")).toBe(true);
    },
  );
});
