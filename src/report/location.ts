import type { Evidence, ResourceRef } from "../engine/result.js";
import type { SourcePosition } from "../util/source-position.js";
import { flatText } from "./json-text.js";

/**
 * Where a result points, shared by every reporter so that the JSON `location`, the SARIF
 * physical location and the text `file:line` never disagree.
 *
 * File-based resources (templates, plans) point at the file and the line of the offending
 * property. Live resources have no file; they get a synthetic per-resource path instead, because
 * GitHub code scanning rejects any result without a physical location and an ARN cannot be used
 * as a URI (`arn:` parses as a URI scheme).
 */
export interface ResultLocation {
  /** A URI reference: the file relative to the working directory, or the per-resource path. */
  uri: string;
  /** The source file as the source recorded it, for file-based resources only. */
  file?: string;
  /** 1-based line in `file`; only for file-based resources. */
  line?: number;
  /** 1-based column in `file`, when the source recorded one. */
  column?: number;
}

/** Locates a result on its resource, pointing at the first piece of evidence the source can place. */
export function locateResult(resource: ResourceRef, evidence: readonly Evidence[]): ResultLocation {
  const { source } = resource;
  if (source.file === undefined || source.file === "") {
    return { uri: liveResourceUri(resource) };
  }
  const position = evidencePosition(source.positions, evidence);
  const line = position?.line ?? source.line ?? 1;
  const column = position ? position.column : source.column;
  const location: ResultLocation = { uri: fileUri(source.file), file: source.file, line };
  if (column !== undefined) location.column = column;
  return location;
}

/**
 * The synthetic path of a live resource: `aws/<account>/<region>/<type>/<id>`, with the type's
 * `::` separators turned into `-` (`AWS-EC2-SecurityGroup`) and every segment percent-encoded, so
 * that ids which are themselves ARNs (managed policies) cannot smuggle a scheme or a `/` into it.
 * It depends on identity only, so the same resource gets the same path on every run.
 */
export function liveResourceUri(resource: Pick<ResourceRef, "account" | "region" | "type" | "id">): string {
  return `${liveScopePrefix(resource)}${encodeSegment(resource.id)}`;
}

/**
 * `text`, then `liveResourceUri(resource)`: its two pieces appended to `text` rather than joined
 * first, for a writer that puts a long text together piece by piece.
 */
export function appendLiveResourceUri(
  text: string,
  resource: Pick<ResourceRef, "account" | "region" | "type" | "id">,
): string {
  text += liveScopePrefix(resource);
  return text + encodeSegment(resource.id);
}

function liveScopePrefix(resource: Pick<ResourceRef, "account" | "region" | "type">): string {
  const { account, region, type } = resource;
  // Findings come in runs of one type, account and region (a rule's results follow the
  // inventory): the last prefix is often the one needed, and every other was made before.
  if (account !== lastScope.account || region !== lastScope.region || type !== lastScope.type) {
    lastScope.account = account;
    lastScope.region = region;
    lastScope.type = type;
    lastScope.prefix = scopePrefix(account, region, type);
  }
  return lastScope.prefix;
}

/** `aws/<account>/<region>/<type>/`, each made once: a large account has a few scopes and tens of thousands of findings. */
function scopePrefix(account: string, region: string, type: string): string {
  let regions = scopePrefixes.get(account);
  if (regions === undefined) scopePrefixes.set(account, (regions = new Map<string, Map<string, string>>()));
  let types = regions.get(region);
  if (types === undefined) regions.set(region, (types = new Map<string, string>()));
  let prefix = types.get(type);
  if (prefix === undefined) {
    const typeSegment = encodeSegment(
      type
        .split("::")
        .filter((part) => part !== "")
        .join("-"),
    );
    prefix = flatText(`aws/${encodeSegment(account)}/${encodeSegment(region)}/${typeSegment}/`);
    types.set(type, prefix);
  }
  return prefix;
}

/** The prefixes made so far, by account, region and type. */
const scopePrefixes = new Map<string, Map<string, Map<string, string>>>();

/** The path up to the id of the last live resource located, and what it was made of. */
const lastScope = { account: "", region: "", type: "", prefix: "aws/_/_/_/" };

/**
 * `locateResult` as JSON text. A live resource's location is only its path, which percent-encoding
 * leaves with nothing JSON escapes: written as it is rather than built and stringified.
 */
export function locationJson(resource: ResourceRef, evidence: readonly Evidence[]): string {
  const { file } = resource.source;
  if (file === undefined || file === "") return `{"uri":"${liveResourceUri(resource)}"}`;
  return JSON.stringify(locateResult(resource, evidence));
}

/**
 * A file path as a URI reference: forward slashes, each segment percent-encoded. Relative paths
 * stay relative (GitHub resolves them against the repository root); absolute paths become
 * `file://` URIs, which the upload action relativises against the checkout.
 */
export function fileUri(file: string): string {
  const path = file.replaceAll("\\", "/");
  const drive = /^([A-Za-z]):\//.exec(path);
  if (drive) {
    return `file:///${drive[1]}:/${encodePath(path.slice(3))}`;
  }
  if (path.startsWith("/")) {
    return `file:///${encodePath(path.replace(/^\/+/, ""))}`;
  }
  return encodePath(path.replace(/^(\.\/)+/, ""));
}

function encodePath(path: string): string {
  return path.split("/").map(encodeSegment).join("/");
}

// An empty segment would collapse into `//`, which a URI parser reads as the start of an authority.
// A lone surrogate (an id read from JSON with a broken `\ud800` escape) has no UTF-8 form, which
// encodeURIComponent refuses with an error; it becomes U+FFFD, as a UTF-8 decoder would show it.
function encodeSegment(segment: string): string {
  // Most ids (`i-0abc…`, `sg-0abc…`) hold only what percent-encoding leaves as it is: they are the
  // segment, without a pass for lone surrogates and a new string from encodeURIComponent.
  if (UNRESERVED.test(segment)) return segment;
  return segment === "" ? "_" : encodeURIComponent(segment.replace(LONE_SURROGATE, "\uFFFD"));
}

/** A non-empty segment of only the characters encodeURIComponent does not escape. */
const UNRESERVED = /^[A-Za-z0-9\-_.!~*'()]+$/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The position of the first piece of evidence the source recorded, trying its focus (the deepest
 * path that explains it: the `CidrIp` inside the matching permission) and then each shorter
 * prefix, because sources record positions only for the nodes they saw
 * (`IpPermissions[0].IpRanges[1].CidrIp` may be known only as `IpPermissions[0]`).
 */
export function evidencePosition(
  positions: Readonly<Record<string, SourcePosition>> | undefined,
  evidence: readonly Evidence[],
): SourcePosition | undefined {
  if (!positions) return undefined;
  for (const item of evidence) {
    for (const prefix of pathPrefixes(item.focus ?? item.path)) {
      if (Object.hasOwn(positions, prefix)) return positions[prefix];
    }
  }
  return undefined;
}

/**
 * `A[0].B[1].C` → `A[0].B[1].C`, `A[0].B[1]`, `A[0].B`, `A[0]`, `A`: the path itself, then every
 * shorter path that ends at a segment boundary. Quoted names (`Tags."a.b"`) and bracketed or
 * parenthesised parts are skipped over, so that they are never cut at an inner dot.
 */
export function pathPrefixes(path: string): string[] {
  const boundaries: number[] = [];
  let depth = 0;
  let quote: string | undefined;
  for (let index = 0; index < path.length; index++) {
    const char = path.charAt(index);
    if (quote !== undefined) {
      if (char === "\\") index++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || (depth > 0 && char === "'")) {
      quote = char;
    } else if (char === "[" || char === "(") {
      if (depth === 0 && char === "[" && index > 0) boundaries.push(index);
      depth++;
    } else if (char === "]" || char === ")") {
      depth = Math.max(0, depth - 1);
    } else if (char === "." && depth === 0 && index > 0) {
      boundaries.push(index);
    }
  }
  const prefixes = path === "" ? [] : [path];
  for (const end of boundaries.reverse()) prefixes.push(path.slice(0, end));
  return prefixes;
}
