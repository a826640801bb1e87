import { GLOBAL_REGION, ResourceTypes, type JsonObject, type Resource } from "../../model/resource.js";
import { arnOf } from "../../model/resource-types.js";
import type { AccountScope } from "./normalize.js";

/**
 * The IAM credential report (CSV, one row per user) turned into access-key resources: a user's
 * first and second key, each with whether it is active, when it was created (the report calls it
 * last rotated) and when, in which region and by which service it was last used. `N/A` stands for
 * "none" (no such key, never used). A report that does not have the columns, rows of the wrong
 * length, or a value that is neither `true` nor `false` where a flag belongs makes the whole
 * report unreadable: the caller turns that into a collection error, never into users without keys.
 */

export class MalformedCredentialReport extends Error {
  constructor(detail: string) {
    super(`the credential report is malformed: ${detail}`);
    this.name = "MalformedCredentialReport";
  }
}

const KEY_NUMBERS = [1, 2] as const;

const REQUIRED_COLUMNS = [
  "user",
  ...KEY_NUMBERS.flatMap((n) =>
    ["active", "last_rotated", "last_used_date", "last_used_region", "last_used_service"].map(
      (field) => `access_key_${n}_${field}`,
    ),
  ),
];

/** The row the report gives the account's root user, whose keys are not an IAM user's. */
const ROOT_ROW = "<root_account>";

const NONE = new Set(["N/A", "not_supported", "no_information", ""]);

export function accessKeysFromReport(csv: string, scope: AccountScope): Resource[] {
  const rows = parseCsv(csv);
  const header = rows.shift();
  if (header === undefined) throw new MalformedCredentialReport("it is empty");
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) throw new MalformedCredentialReport(`no column ${missing.join(", ")}`);
  const column = (row: string[], name: string) => row[header.indexOf(name)]!;
  const resources: Resource[] = [];
  rows.forEach((row, index) => {
    const line = index + 2;
    if (row.length !== header.length) {
      throw new MalformedCredentialReport(
        `line ${line} has ${row.length} fields, the header ${header.length}`,
      );
    }
    const userName = column(row, "user");
    if (userName === ROOT_ROW) return;
    if (userName === "") throw new MalformedCredentialReport(`line ${line} names no user`);
    for (const n of KEY_NUMBERS) {
      const field = (name: string) => column(row, `access_key_${n}_${name}`);
      const active = field("active");
      if (active !== "true" && active !== "false") {
        throw new MalformedCredentialReport(
          `line ${line}: access_key_${n}_active is ${JSON.stringify(active)}, not true or false`,
        );
      }
      const created = field("last_rotated");
      // A user without a second key has it inactive and never rotated.
      if (active === "false" && NONE.has(created)) continue;
      const properties: JsonObject = {
        Name: `${userName}/access_key_${n}`,
        UserName: userName,
        Status: active === "true" ? "Active" : "Inactive",
      };
      if (!NONE.has(created)) properties.CreateDate = created;
      const lastUsed: JsonObject = {};
      if (!NONE.has(field("last_used_date"))) lastUsed.LastUsedDate = field("last_used_date");
      if (!NONE.has(field("last_used_service"))) lastUsed.ServiceName = field("last_used_service");
      if (!NONE.has(field("last_used_region"))) lastUsed.Region = field("last_used_region");
      if (Object.keys(lastUsed).length > 0) properties.AccessKeyLastUsed = lastUsed;
      const id = properties.Name as string;
      resources.push({
        type: ResourceTypes.AccessKey,
        id,
        arn: arnOf(ResourceTypes.AccessKey, { ...scope, region: GLOBAL_REGION }, id, properties),
        account: scope.account,
        region: GLOBAL_REGION,
        source: { kind: "aws-live" },
        properties,
      });
    }
  });
  return resources;
}

/**
 * RFC 4180 CSV: fields separated by commas, optionally in double quotes (which may then hold
 * commas, line breaks and `""` for a quote), rows ended by CRLF or LF. A quote left open is
 * malformed.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let index = 0;
  const endField = () => {
    row.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (index < text.length) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index += 2;
          continue;
        }
        quoted = false;
        index += 1;
        const next = text[index];
        if (next !== undefined && next !== "," && next !== "\n" && next !== "\r")
          throw new MalformedCredentialReport(`text after a closing quote in row ${rows.length + 1}`);
        continue;
      }
      field += char;
      index += 1;
      continue;
    }
    if (char === '"' && field === "") {
      quoted = true;
    } else if (char === ",") {
      endField();
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index += 1;
      endRow();
    } else {
      field += char;
    }
    index += 1;
  }
  if (quoted) throw new MalformedCredentialReport(`a quote is left open in row ${rows.length + 1}`);
  if (field !== "" || row.length > 0) endRow();
  return rows;
}
