import type { HeadlineFigure, OwnerView } from "./view.js";

/** Shared wording of the renderers: dates, changes, money. */

export function day(timestamp: string): string {
  return timestamp.slice(0, 10);
}

export function minute(timestamp: string): string {
  return `${timestamp.slice(0, 10)} ${timestamp.slice(11, 16)} UTC`;
}

/** The change since the previous run, in words that need no colour: "−3", "+1", "no change". */
export function change(figure: HeadlineFigure): string {
  // A figure with results that could not be evaluated is a lower bound: "down 4" would be a guess.
  if (figure.notEvaluated > 0)
    return `not known: ${plural(figure.notEvaluated, "not evaluated", "not evaluated")}`;
  if (figure.previous === undefined) return "first run";
  const delta = figure.current - figure.previous;
  if (delta === 0) return "no change";
  return delta < 0 ? `down ${-delta} (from ${figure.previous})` : `up ${delta} (from ${figure.previous})`;
}

export function money(amount: number, currency: string): string {
  return `${currency === "USD" ? "$" : `${currency} `}${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

/**
 * An owner's progress: "done", how many of its items are closed, or, when it has no open item but
 * a listing failed where its resources are, that nothing can be said: never "done" then.
 */
export function ownerStatus(owner: OwnerView): string {
  if (owner.done) return "done";
  if (owner.openItems === 0)
    return `not known: ${plural(owner.unjudged, "result")} not evaluated where its resources are`;
  return `${owner.peak - owner.openItems} of ${owner.peak} closed`;
}

/** A figure's value now: "4", or "at least 4" when some of its results could not be evaluated. */
export function figureNow(figure: HeadlineFigure): string {
  return figure.notEvaluated > 0 ? `at least ${figure.current}` : String(figure.current);
}
