import type { SourcePosition } from "../../util/source-position.js";

/**
 * Where resources are written in Terraform configuration (`.tf` files), for pointing plan
 * findings at the source: the line of each `resource "TYPE" "NAME" {` block, of its top-level
 * attributes and nested blocks, and of the attributes inside those blocks. Not an HCL parser:
 * a scanner that knows enough (strings with interpolations, heredocs, comments, object and list
 * expressions) not to be fooled by what it skips.
 */

export interface HclBlock {
  position: SourcePosition;
  /** Attributes (`name = …`) directly inside the block. */
  attributes: Map<string, SourcePosition>;
  /** Nested blocks (`ingress { … }`) by type, in source order. */
  blocks: Map<string, HclBlock[]>;
  /** Literal values of simple attributes (`from_port = 22`), for matching blocks to plan values. */
  literals: Map<string, string>;
  /** The names of `dynamic "name"` blocks directly inside the block. */
  dynamicBlocks: Set<string>;
}

export interface HclResource extends HclBlock {
  type: string;
  name: string;
}

type Frame = { kind: "block"; block: HclBlock | undefined } | { kind: "expression" };

export function findResources(text: string): HclResource[] {
  const resources: HclResource[] = [];
  const frames: Frame[] = [];
  let index = 0;
  let line = 1;
  let lineStart = 0;
  const length = text.length;
  const position = (at: number): SourcePosition => ({ line, column: at - lineStart + 1 });
  const newline = (at: number) => {
    line += 1;
    lineStart = at + 1;
  };
  const inBlocksOnly = () => frames.every((frame) => frame.kind === "block");
  const currentBlock = (): HclBlock | undefined => {
    const frame = frames.at(-1);
    return frame?.kind === "block" ? frame.block : undefined;
  };

  /** Skips a quoted string starting at `at` (on its quote); returns the index after it. */
  const skipString = (at: number): number => {
    let cursor = at + 1;
    while (cursor < length) {
      const char = text[cursor];
      if (char === "\\") cursor += 2;
      else if (char === '"') return cursor + 1;
      else if (char === "\n") {
        newline(cursor);
        cursor += 1;
      } else if ((char === "$" || char === "%") && text[cursor + 1] === "{")
        cursor = skipTemplate(cursor + 2);
      else cursor += 1;
    }
    return cursor;
  };
  /** Skips an interpolation's contents up to and including its closing brace. */
  const skipTemplate = (at: number): number => {
    let depth = 1;
    let cursor = at;
    while (cursor < length) {
      const char = text[cursor];
      if (char === '"') cursor = skipString(cursor);
      else if (char === "{") {
        depth += 1;
        cursor += 1;
      } else if (char === "}") {
        depth -= 1;
        cursor += 1;
        if (depth === 0) return cursor;
      } else {
        if (char === "\n") newline(cursor);
        cursor += 1;
      }
    }
    return cursor;
  };

  const identifier = /[A-Za-z_][A-Za-z0-9_-]*/y;
  const label = /"((?:[^"\\\n]|\\.)*)"|([A-Za-z_][A-Za-z0-9_-]*)/y;
  const spaces = /[ \t]*/y;

  let lineHead = true;
  while (index < length) {
    const char = text[index]!;
    if (char === "\n") {
      newline(index);
      index += 1;
      lineHead = true;
      continue;
    }
    if (char === " " || char === "\t" || char === "\r") {
      index += 1;
      continue;
    }
    if (char === "#" || (char === "/" && text[index + 1] === "/")) {
      while (index < length && text[index] !== "\n") index += 1;
      continue;
    }
    if (char === "/" && text[index + 1] === "*") {
      index += 2;
      while (index < length && !(text[index] === "*" && text[index + 1] === "/")) {
        if (text[index] === "\n") newline(index);
        index += 1;
      }
      index += 2;
      continue;
    }
    if (char === "<" && text[index + 1] === "<") {
      // A heredoc: `<<EOT` or `<<-EOT` up to a line holding only the marker.
      const match = /<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/y;
      match.lastIndex = index;
      const found = match.exec(text);
      if (found) {
        const marker = found[1]!;
        index = match.lastIndex;
        newline(index - 1);
        while (index < length) {
          const end = text.indexOf("\n", index);
          const content = text.slice(index, end === -1 ? length : end).trim();
          index = end === -1 ? length : end + 1;
          if (end !== -1) newline(end);
          if (content === marker) break;
        }
        lineHead = true;
        continue;
      }
    }

    if (lineHead && inBlocksOnly()) {
      lineHead = false;
      identifier.lastIndex = index;
      const word = identifier.exec(text);
      if (word) {
        const start = index;
        let cursor = identifier.lastIndex;
        spaces.lastIndex = cursor;
        spaces.exec(text);
        cursor = spaces.lastIndex;
        if (text[cursor] === "=" && text[cursor + 1] !== "=") {
          const block = currentBlock();
          if (block) {
            block.attributes.set(word[0], position(start));
            const literal = /[ \t]*("(?:[^"\\\n$]|\\.)*"|-?\d+|true|false)[ \t]*(?:#.*|\/\/.*)?\r?$/m;
            const rest = text.slice(
              cursor + 1,
              text.indexOf("\n", cursor) === -1 ? length : text.indexOf("\n", cursor),
            );
            const value = literal.exec(rest);
            if (value && value.index === 0) block.literals.set(word[0], value[1]!.replace(/^"|"$/g, ""));
          }
          index = cursor + 1;
          continue;
        }
        // A block: a type, labels, then `{`.
        const labels: string[] = [];
        for (;;) {
          spaces.lastIndex = cursor;
          spaces.exec(text);
          cursor = spaces.lastIndex;
          label.lastIndex = cursor;
          const found = label.exec(text);
          if (!found) break;
          labels.push(found[1] ?? found[2]!);
          cursor = label.lastIndex;
        }
        if (text[cursor] === "{") {
          const block: HclBlock = {
            position: position(start),
            attributes: new Map(),
            blocks: new Map(),
            literals: new Map(),
            dynamicBlocks: new Set(),
          };
          const parent = currentBlock();
          if (parent && word[0] === "dynamic" && labels.length === 1) parent.dynamicBlocks.add(labels[0]!);
          if (frames.length === 0 && word[0] === "resource" && labels.length === 2) {
            resources.push({ ...block, type: labels[0]!, name: labels[1]! });
            frames.push({ kind: "block", block: resources.at(-1) });
          } else if (parent && frames.length <= 2) {
            const list = parent.blocks.get(word[0]) ?? [];
            list.push(block);
            parent.blocks.set(word[0], list);
            frames.push({ kind: "block", block });
          } else {
            frames.push({ kind: "block", block: undefined });
          }
          index = cursor + 1;
          continue;
        }
        index = start + word[0].length;
        continue;
      }
    }
    lineHead = false;
    if (char === '"') {
      index = skipString(index);
    } else if (char === "{" || char === "[" || char === "(") {
      frames.push({ kind: "expression" });
      index += 1;
    } else if (char === "}" || char === "]" || char === ")") {
      frames.pop();
      index += 1;
    } else {
      index += 1;
    }
  }
  return resources;
}
