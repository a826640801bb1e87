import { ConfigError } from "../errors.js";
import { isIsoDate } from "../util/date.js";

/** The variable that fixes a run's timestamp, as ACCESS_BASELINE_TODAY fixes its date. */
export const NOW_VARIABLE = "ACCESS_BASELINE_NOW";

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * When a run starts, as an RFC 3339 UTC timestamp: the time now, or ACCESS_BASELINE_NOW when set
 * (reproducible reports and example histories). A value that is no timestamp is refused, never
 * replaced by the clock.
 */
export function runTimestamp(env: Readonly<Record<string, string | undefined>>, now = new Date()): string {
  const fixed = env[NOW_VARIABLE];
  if (fixed === undefined || fixed === "") return now.toISOString();
  // Date.parse rolls a day the month does not have (02-30) over into the next month: the date
  // written must be a real one.
  const time = RFC3339.test(fixed) && isIsoDate(fixed.slice(0, 10)) ? Date.parse(fixed) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new ConfigError(`${NOW_VARIABLE}="${fixed}" is not a timestamp (such as 2026-11-20T09:30:00Z)`);
  }
  return new Date(time).toISOString();
}
