/**
 * Resource ARNs in statements. Unlike actions, ARNs match case-sensitively. Policy variables
 * (`${aws:username}`) are kept as literal text: the checker reasons about a policy for every
 * caller at once, so it can only compare variables with the same variables. Asked what a
 * statement may reach, it takes a variable for any text, since some caller's may be that text.
 */

import type { GlobToken } from "./glob.js";
import { globMatches, tokenizeGlob } from "./glob.js";
import { globIncluded } from "./glob-inclusion.js";
import { globsOverlap } from "./glob-overlap.js";
import { normalizedAnywhere } from "./statements.js";

/**
 * The tokens of a Resource pattern, read once per text: an account's statements repeat the same
 * few patterns, and each is asked about again for every rule and target. Only patterns of ARN
 * length are kept, and the cache is emptied when full, so that policies full of long odd
 * patterns cannot make it hold megabytes of tokens.
 */
function resourceTokens(pattern: string): readonly GlobToken[] {
  if (pattern.length > KEPT_PATTERN_LENGTH) return tokenizeGlob(pattern, { escapes: true });
  let tokens = resourcePatterns.get(pattern);
  if (tokens === undefined) {
    if (resourcePatterns.size >= RESOURCE_PATTERN_LIMIT) resourcePatterns.clear();
    resourcePatterns.set(pattern, (tokens = Object.freeze(tokenizeGlob(pattern, { escapes: true }))));
  }
  return tokens;
}

const KEPT_PATTERN_LENGTH = 512;
const RESOURCE_PATTERN_LIMIT = 4096;
const resourcePatterns = new Map<string, readonly GlobToken[]>();

/** Whether the resource pattern written in a policy matches `arn`. */
export function resourceMatches(pattern: string, arn: string): boolean {
  if (typeof pattern !== "string" || typeof arn !== "string") return false;
  return globMatches(resourceTokens(pattern), arn);
}

/**
 * Whether every ARN that `pattern` can match is also matched by `allowed`, for instance
 * `arn:aws:ssm:us-east-1:111122223333:session/${aws:username}-*` within
 * `arn:aws:ssm:*:*:session/${aws:username}-*`, while `*` and `arn:aws:ssm:*:*:session/*` are not.
 */
export function resourcePatternWithin(pattern: string, allowed: string): boolean {
  if (typeof pattern !== "string" || typeof allowed !== "string") return false;
  // Inclusion is a search over both patterns; accounts repeat the same few patterns thousands
  // of times, so each answer is kept (bounded, so a hostile input cannot grow it without end). The
  // answers are filed under the allowed pattern, of which rules name a few, so that looking one up
  // builds no key.
  let answers = inclusionCache.get(allowed);
  if (answers === undefined) inclusionCache.set(allowed, (answers = new Map<string, boolean>()));
  let within = answers.get(pattern);
  if (within === undefined) {
    within = globIncluded(resourceTokens(pattern), resourceTokens(allowed));
    if (++inclusionAnswers > INCLUSION_CACHE_LIMIT) {
      inclusionCache.clear();
      inclusionCache.set(allowed, (answers = new Map<string, boolean>()));
      inclusionAnswers = 1;
    }
    answers.set(pattern, within);
  }
  return within;
}

const INCLUSION_CACHE_LIMIT = 10_000;
/** Whether a pattern lies within an allowed one, by allowed pattern, then pattern. */
const inclusionCache = new Map<string, Map<string, boolean>>();
let inclusionAnswers = 0;

/**
 * Whether the statement's `Resource` entries all lie within one of the `allowed` patterns each.
 * A statement with `NotResource`, no `Resource`, or an empty one reaches resources that cannot be
 * bounded, so it is never within.
 */
export function statementResourcesWithin(statement: unknown, allowed: string | string[]): boolean {
  const normalized = normalizedAnywhere(statement);
  if (normalized === undefined || normalized.NotResource !== undefined) return false;
  const resources = normalized.Resource;
  if (resources === undefined || resources.length === 0) return false;
  // An entry of `allowed` that is not text lies within nothing (`resourcePatternWithin` says so).
  const allowedPatterns = Array.isArray(allowed) ? allowed : [allowed];
  for (const resource of resources) {
    if (!withinOneOf(resource, allowedPatterns)) return false;
  }
  return true;
}

function withinOneOf(pattern: string, allowedPatterns: readonly string[]): boolean {
  for (const allowedPattern of allowedPatterns)
    if (resourcePatternWithin(pattern, allowedPattern)) return true;
  return false;
}

/**
 * Whether the statement applies to the concrete `arn`: a `Resource` pattern matches it, or
 * `NotResource` does not list it. Without either (resource-based policies such as trust
 * policies), the statement is about the resource that holds the policy, so it applies.
 */
export function statementAppliesToResource(statement: unknown, arn: string): boolean {
  const normalized = normalizedAnywhere(statement);
  if (normalized === undefined) return false;
  if (normalized.Resource !== undefined)
    return normalized.Resource.some((pattern) => resourceMatches(pattern, arn));
  if (normalized.NotResource !== undefined) {
    return !normalized.NotResource.some((pattern) => resourceMatches(pattern, arn));
  }
  return true;
}

/** Whether the statement applies to every resource: a `Resource` entry made only of `*`, or none at all. */
export function statementAppliesToAllResources(statement: unknown): boolean {
  const normalized = normalizedAnywhere(statement);
  if (normalized === undefined || normalized.NotResource !== undefined) return false;
  if (normalized.Resource === undefined) return true;
  return normalized.Resource.some((pattern) => {
    const tokens = resourceTokens(pattern);
    return tokens.length > 0 && tokens.every((token) => token.kind === "star");
  });
}

/** Whether a Resource entry names one resource id: nothing after its last `/` is a wildcard. */
function namesOneResource(pattern: string): boolean {
  const slash = pattern.lastIndexOf("/");
  return slash !== -1 && !/[*?]/.test(pattern.slice(slash + 1));
}

/**
 * The `*` tokens of a target ARN pattern. Each stands for part of one field of a real ARN, which
 * never holds a `:` (resource ids included: `i-0abc`, `mi-0abc`, a document name).
 */
function arnFieldStars(tokens: readonly GlobToken[]): ReadonlySet<number> {
  // Kept by the tokens, which a pattern of ARN length keeps for its text: rules ask about the
  // same few targets for every statement.
  let stars = fieldStarsByTokens.get(tokens);
  if (stars === undefined) {
    const found = new Set<number>();
    for (let index = 0; index < tokens.length; index++) if (tokens[index]!.kind === "star") found.add(index);
    fieldStarsByTokens.set(tokens, (stars = found));
  }
  return stars;
}

const fieldStarsByTokens = new WeakMap<readonly GlobToken[], ReadonlySet<number>>();

/**
 * Whether a Resource entry has an ARN in common with a target pattern. The principals of an
 * account share their policies' entries, and rules name a few targets, so each answer is kept
 * (bounded, like inclusion answers), filed under the target so that a lookup builds no key.
 */
function entryOverlaps(entry: string, target: string, ignoreCase: boolean): boolean {
  const byTarget = ignoreCase ? overlapsIgnoringCase : overlaps;
  let answers = byTarget.get(target);
  if (answers === undefined) byTarget.set(target, (answers = new Map<string, boolean>()));
  let overlap = answers.get(entry);
  if (overlap === undefined) {
    const fold = (text: string): string => (ignoreCase ? text.toLowerCase() : text);
    const targetTokens = resourceTokens(fold(target));
    // A policy variable in the entry is replaced, for some caller, with text the checker does not
    // know (a principal tag, a user name): for what that caller may reach it is any text.
    const entryTokens = entry.includes("${")
      ? tokenizeGlob(fold(entry), { escapes: true, variables: "any" })
      : resourceTokens(fold(entry));
    overlap = globsOverlap(entryTokens, targetTokens, arnFieldStars(targetTokens));
    if (++overlapAnswers > OVERLAP_CACHE_LIMIT) {
      overlaps.clear();
      overlapsIgnoringCase.clear();
      byTarget.set(target, (answers = new Map<string, boolean>()));
      overlapAnswers = 1;
    }
    answers.set(entry, overlap);
  }
  return overlap;
}

const OVERLAP_CACHE_LIMIT = 10_000;
/** Whether an entry overlaps a target, by target, then entry; entries and targets as written. */
const overlaps = new Map<string, Map<string, boolean>>();
/** The same, for names compared without regard to letter case. */
const overlapsIgnoringCase = new Map<string, Map<string, boolean>>();
let overlapAnswers = 0;

export interface ReachOptions {
  /**
   * Names that differ only in letter case count as the same resource, wherever that widens what
   * the statement reaches (a Resource entry), never where it would narrow it (a NotResource entry).
   */
  ignoreCase?: boolean;
  /** Leave out Resource entries that name one resource id (`…:instance/i-0abc`). */
  exceptNamed?: boolean;
}

/**
 * Whether the statement may apply to a resource that `target` (an ARN pattern) describes: a
 * `Resource` entry has an ARN in common with it, or `NotResource` does not exclude all of it.
 * Without either element the statement applies to every resource. A `*` in the target stands
 * for part of one field of a real ARN: it never matches a `:`.
 */
export function statementMayReach(statement: unknown, target: string, options: ReachOptions = {}): boolean {
  const normalized = normalizedAnywhere(statement);
  if (normalized === undefined || typeof target !== "string") return false;
  const resources = normalized.Resource;
  if (resources !== undefined) {
    const ignoreCase = options.ignoreCase === true;
    const exceptNamed = options.exceptNamed === true;
    for (const entry of resources) {
      if (exceptNamed && namesOneResource(entry)) continue;
      if (entryOverlaps(entry, target, ignoreCase)) return true;
    }
    return false;
  }
  if (normalized.NotResource !== undefined) {
    return !normalized.NotResource.some((excluded) => resourcePatternWithin(target, excluded));
  }
  return true;
}
