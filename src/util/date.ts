/**
 * Calendar dates as `YYYY-MM-DD` strings, the way waivers write them. Days are UTC days, so that
 * a waiver expires at the same moment on every CI runner whatever its time zone.
 */

const DAY_MS = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds since the epoch at 00:00 UTC of `date`, or undefined for anything but a real date. */
function utcMidnight(date: string): number | undefined {
  const match = ISO_DATE.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2025-02-30 over to March 2nd; a real date survives the round trip.
  const check = new Date(time);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return time;
}

/** Whether `text` is a real calendar date written `YYYY-MM-DD` (`2025-02-30` is not). */
export function isIsoDate(text: string): boolean {
  return utcMidnight(text) !== undefined;
}

/** Today's UTC date as `YYYY-MM-DD`. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`): positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
  const start = utcMidnight(from);
  const end = utcMidnight(to);
  if (start === undefined || end === undefined)
    throw new Error(`not a date: ${start === undefined ? from : to}`);
  return Math.round((end - start) / DAY_MS);
}
