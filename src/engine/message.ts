import type { JsonValue } from "../model/resource.js";
import { isUnknown, UnknownValueError } from "../model/unknown.js";
import { oneLine } from "../util/one-line.js";
import {
  compilePath,
  PathSyntaxError,
  type CompiledPath,
  type Located,
  type PathScope,
} from "./condition/path.js";

/**
 * Message templates: text with `{placeholders}`. A placeholder starts with a name — `resource`
 * (the resource document), `match` (the element that made the rule fail), `params`, a name bound
 * by `as`, or one of `id`, `type`, `kind` (the type's last part: `Role`, `Instance`), `account`,
 * `region`, `arn` — optionally followed by a JMESPath
 * path (`{resource.GroupId}`, `{match.IpRanges[0].CidrIp}`). Braces that do not hold such a name,
 * like the IAM policy variable `${aws:username}`, are left as they are.
 *
 * A message is rendered once the verdict is known. A placeholder that shows, or is computed from,
 * an unknown value shows the unknown's reason in its place, rather than the marker it is stored as
 * or an error about types.
 */

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)((?:[.[][^{}]*)?)\}/g;
const META = new Set(["id", "type", "kind", "account", "region", "arn"]);

export interface MessageContext {
  resource: JsonValue;
  match: JsonValue;
  params: Record<string, JsonValue>;
  bindings: Record<string, JsonValue>;
  meta: Record<string, string | undefined>;
  /**
   * Whether the values may hold unknowns (templates, plans); when false, paths are read with the
   * plain interpreter, which need not look for unknowns in every argument of a function.
   */
  mayHoldUnknowns?: boolean;
}

export type MessageTemplate = (context: MessageContext) => string;

export class TemplateError extends Error {}

export function compileMessage(template: string, names: ReadonlySet<string>): MessageTemplate {
  const parts: (string | ((context: MessageContext) => string))[] = [];
  let last = 0;
  for (const found of template.matchAll(PLACEHOLDER)) {
    const [whole, name, rest] = found as unknown as [string, string, string];
    const known =
      name === "resource" || name === "match" || name === "params" || META.has(name) || names.has(name);
    if (!known) continue;
    parts.push(template.slice(last, found.index));
    last = found.index + whole.length;
    parts.push(compilePlaceholder(whole, name, rest));
  }
  parts.push(template.slice(last));
  // Joined as it goes: a run renders one message per failure, tens of thousands of them.
  return (context) => {
    let text = "";
    for (const part of parts) text += typeof part === "string" ? part : part(context);
    return text;
  };
}

function compilePlaceholder(whole: string, name: string, rest: string): (context: MessageContext) => string {
  if (META.has(name)) {
    if (rest) throw new TemplateError(`placeholder ${whole}: "${name}" has no fields`);
    return (context) => context.meta[name] ?? "(none)";
  }
  let path: CompiledPath | undefined;
  if (rest) {
    try {
      path = compilePath(rest.startsWith(".") ? rest.slice(1) : `@${rest}`);
    } catch (error) {
      if (error instanceof PathSyntaxError) throw new TemplateError(`placeholder ${whole}: ${error.message}`);
      throw error;
    }
  }
  // Where the path starts, refilled for every message: rendering one never renders another.
  const start: Located = { value: null, path: "" };
  const scope: PathScope = { root: start, params: {}, bindings: null, mayHoldUnknowns: true };
  return (context) => {
    const base = baseValue(name, context);
    if (!path) return display(base);
    start.value = base;
    scope.params = context.params;
    scope.mayHoldUnknowns = context.mayHoldUnknowns !== false;
    try {
      // A message shows values, not where they are: the path's fast reading will do.
      return display(path.valueOf(start, scope));
    } catch (error) {
      if (error instanceof UnknownValueError) return showUnknown(error.reason);
      throw error;
    } finally {
      // The frame does not keep the resource once its message is made.
      start.value = null;
    }
  };
}

function baseValue(name: string, context: MessageContext): JsonValue {
  switch (name) {
    case "resource":
      return context.resource;
    case "match":
      return context.match;
    case "params":
      return context.params;
    default:
      return context.bindings[name] ?? null;
  }
}

function showUnknown(reason: string): string {
  return `(unknown: ${reason})`;
}

function display(value: JsonValue | undefined): string {
  if (value === null || value === undefined || value === "") return "(none)";
  if (isUnknown(value)) return showUnknown(value.$unknown);
  if (typeof value === "string") return oneLine(value);
  if (Array.isArray(value)) return value.map((item) => display(item)).join(", ");
  return JSON.stringify(value);
}

/**
 * A rule's failure messages: the one `message`, or `messages` by id, of which the failing branch
 * names one (`condition/message-branch.ts`) and the top of the condition names the fallback.
 */
export interface RuleMessages {
  render(id: string | undefined, context: MessageContext): string;
}

export function singleMessage(template: MessageTemplate): RuleMessages {
  return { render: (_id, context) => template(context) };
}

export function messagesById(
  templates: ReadonlyMap<string, MessageTemplate>,
  fallback: string,
): RuleMessages {
  return {
    render(id, context) {
      const template = templates.get(id ?? fallback) ?? templates.get(fallback)!;
      return template(context);
    },
  };
}
