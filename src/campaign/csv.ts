import { csvField } from "../report/csv.js";
import type { CampaignView } from "./view.js";

/**
 * The campaign as CSV: one row per resource and open item of the newest state, for a spreadsheet
 * or a ticket import. Fields are escaped as the check's CSV output does (RFC 4180, and a leading
 * `'` on anything a spreadsheet would run as a formula).
 */
export const CAMPAIGN_CSV_COLUMNS = [
  "owner",
  "account",
  "region",
  "resource type",
  "resource id",
  "name",
  "item",
  "status",
  "severity",
  "first seen",
  "last seen",
] as const;

export function renderCampaignCsv(view: CampaignView): string {
  const rows: string[][] = [[...CAMPAIGN_CSV_COLUMNS]];
  for (const owner of view.owners) {
    for (const group of owner.groups) {
      for (const resource of group.resources) {
        for (const item of resource.items) {
          rows.push([
            owner.owner,
            group.account,
            group.region,
            resource.type,
            resource.id,
            resource.name,
            item.ruleId,
            item.status,
            item.severity,
            item.firstSeen,
            item.lastSeen,
          ]);
        }
      }
    }
  }
  return rows.map((row) => `${row.map(csvField).join(",")}\r\n`).join("");
}
