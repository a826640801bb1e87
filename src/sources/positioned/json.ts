import { MAX_DEPTH, ParseProblem, type MapNode, type PositionedValue, type SeqNode } from "./node.js";

/**
 * A JSON reader that keeps the line and column of every key and item. JSON.parse cannot say where
 * a value was, and a general YAML parser that can (JSON is YAML) is an order of magnitude slower
 * and larger on a 5 MB template, so templates and plans are read by this small scanner instead.
 *
 * Stricter than JSON.parse in one way: a duplicate key is an error rather than "the last one
 * wins", because two definitions of one property would let a template say one thing to this tool
 * and another to a parser that keeps the first.
 */
export function parseJson(text: string): PositionedValue {
  return new JsonScanner(text).document();
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Strings up to this length are shared between the places they are written (see `recent`). */
const MAX_SHARED_LENGTH = 32;
const SHARED_SLOTS = 1024;

/**
 * Members' positions are kept in typed chunks, each node's in one chunk from its `offset`: a
 * typed array's contents are not moved or scanned by the garbage collector, and a chunk never
 * grows (a node with more members than fit gets a chunk of its own). Chunks start small, for the
 * many small files, and double up to the largest size.
 */
const FIRST_CHUNK = 1024;
const LARGEST_CHUNK = 65536;

/**
 * A mapping read by this reader. A large template is a hundred thousand mappings and sequences,
 * all kept until it is read, so each holds only what differs from one to the next: its kind is
 * on the prototype, and its own line and column are in its positions chunk, just before its
 * members' (at `offset - 2`). Copies of a node must therefore be built field by field
 * (`withMembers`, `withItems`), never spread.
 */
class JsonMap implements MapNode {
  declare readonly kind: "map";
  declare readonly line: number;
  declare readonly column: number;

  constructor(
    readonly keys: string[],
    readonly values: PositionedValue[],
    readonly positions: Int32Array,
    readonly offset: number,
  ) {}
}

/** A sequence read by this reader, laid out as `JsonMap` is. */
class JsonSeq implements SeqNode {
  declare readonly kind: "seq";
  declare readonly line: number;
  declare readonly column: number;

  constructor(
    readonly items: PositionedValue[],
    readonly positions: Int32Array,
    readonly offset: number,
  ) {}
}

/** A node's own line and column, read from just before its members' positions. */
const PLACE: PropertyDescriptorMap = {
  line: {
    get(this: JsonMap | JsonSeq): number {
      return this.positions[this.offset - 2]!;
    },
  },
  column: {
    get(this: JsonMap | JsonSeq): number {
      return this.positions[this.offset - 1]!;
    },
  },
};
Object.defineProperties(JsonMap.prototype, { kind: { value: "map" }, ...PLACE });
Object.defineProperties(JsonSeq.prototype, { kind: { value: "seq" }, ...PLACE });

/** Digits, '-', '+', '.', 'e' and 'E': what a number token is cut from, its shape checked after. */
function continuesNumber(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2b ||
    code === 0x2e ||
    (code | 0x20) === 0x65
  );
}

/** Mappings with more keys than this are checked for duplicates by a set and share no key list. */
const MAX_PATH_KEYS = 32;
/** Paths of keys made in one document at most (see `KeyPath`). */
export const MAX_PATHS = 65536;
const MAX_LOOKED_UP_BRANCHES = 1024;

/**
 * The keys read so far in a mapping, as one path in a tree of every key sequence read: mappings
 * written alike (a large template's ten thousand resources and their rules) follow one path, so
 * that each key is checked against the text where it was last read rather than read anew, each
 * mapping's keys are one shared list, and whether a key repeats one before it is known once per
 * path rather than checked for each mapping.
 */
class KeyPath {
  /** The path's keys as a list, shared by every mapping whose keys they are. */
  list: string[] | undefined = undefined;
  /** The key that last followed this path: the next mapping written alike takes it too. */
  next: KeyPath | undefined = undefined;
  /** Every key that has followed, once more than one has. */
  branches: Map<string, KeyPath> | undefined = undefined;

  constructor(
    readonly key: string,
    /** How many keys the path has, `key` the last of them. */
    readonly count: number,
    /** Where `key` is written in the text without escapes, or -1 (then it is only read). */
    public at: number,
    /** The index in the path of the same key before, which makes the mapping invalid; or -1. */
    readonly earlier: number,
    readonly parent: KeyPath | undefined,
  ) {}
}

class JsonScanner {
  private cursor = 0;
  private readonly keyStack: string[] = [];
  private readonly valueStack: PositionedValue[] = [];
  private readonly positionStack: number[] = [];
  private keyTop = 0;
  private valueTop = 0;
  private positionTop = 0;
  /** The containers being read (see `read`), four numbers each. */
  private readonly openStack = new Int32Array(4 * MAX_DEPTH);
  /** The keys of each large mapping being read, once it has enough for a set to be worth it. */
  private readonly seenStack: (Set<string> | undefined)[] = [];
  /** The chunk that members' positions are moved to when their node ends, filled up to `filled`. */
  private chunk = new Int32Array(FIRST_CHUNK);
  private filled = 0;
  /** The keys read so far in each mapping being read; undefined once it has too many (see `seenStack`). */
  private readonly pathStack: (KeyPath | undefined)[] = [];
  /**
   * How many more paths may be made: a document whose mappings each have keys of their own (as
   * generated names can be) would otherwise make a path per key, all kept until it is read.
   */
  private pathsLeft = MAX_PATHS;
  private readonly emptyPath = new KeyPath("", 0, -1, -1, undefined);
  private readonly shared: (string | undefined)[] = new Array<string | undefined>(SHARED_SLOTS).fill(
    undefined,
  );
  /** Where in the text each slot's string was read, to compare the next candidate with. */
  private readonly sharedAt = new Int32Array(SHARED_SLOTS);
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {
    // A byte-order mark is not part of the document and does not count as a column.
    if (text.charCodeAt(0) === 0xfeff) {
      this.cursor = 1;
      this.lineStart = 1;
    }
  }

  document(): PositionedValue {
    this.skipWhitespace();
    if (this.cursor >= this.text.length) throw this.problem("the file is empty");
    const value = this.read();
    this.skipWhitespace();
    if (this.cursor < this.text.length) throw this.unexpected("expected the end of the file");
    return value;
  }

  /**
   * The value at the cursor, with everything inside it. Containers being read are kept on a stack
   * of their own rather than in recursive calls: one loop over a large template's hundred thousand
   * containers is optimized within its first few, where a function per kind of value waits to be
   * called often enough, each on its own, and runs slowly until then.
   *
   * Members go on shared stacks and are copied out once their container ends: growing three
   * arrays per object one push at a time is what made the first version of this reader slow. The
   * stacks keep their length (their tops say where they end), so they are never shrunk and grown
   * again. A container's own position goes first, just before its members'.
   */
  private read(): PositionedValue {
    const text = this.text;
    const values = this.valueStack;
    const positions = this.positionStack;
    // Per open container: whether it is a mapping (1) or a sequence (0), and where its keys,
    // values and positions start on the stacks.
    const open = this.openStack;
    const seen = this.seenStack;
    const paths = this.pathStack;
    let depth = 0;
    let value: PositionedValue;
    for (;;) {
      const code = text.charCodeAt(this.cursor);
      if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
        if (depth >= MAX_DEPTH) throw this.problem(`nesting deeper than ${MAX_DEPTH} levels`);
        const isMap = code === 0x7b;
        const frame = 4 * depth;
        open[frame] = isMap ? 1 : 0;
        open[frame + 1] = this.keyTop;
        open[frame + 2] = this.valueTop;
        open[frame + 3] = this.positionTop;
        const positionBase = this.positionTop;
        positions[this.positionTop++] = this.line;
        positions[this.positionTop++] = this.column();
        this.cursor += 1;
        this.skipWhitespace();
        const next = text.charCodeAt(this.cursor);
        if (isMap) {
          if (next === 0x7d /* } */) {
            this.cursor += 1;
            // Kept first: keeping may start a new chunk, which is the one the node must hold.
            const offset = this.keep(positionBase) + 2;
            value = new JsonMap((this.emptyPath.list ??= []), [], this.chunk, offset);
          } else {
            paths[depth] = this.emptyPath;
            seen[depth] = undefined;
            depth += 1;
            this.member(depth - 1);
            continue;
          }
        } else if (next === 0x5d /* ] */) {
          this.cursor += 1;
          const offset = this.keep(positionBase) + 2;
          value = new JsonSeq([], this.chunk, offset);
        } else {
          depth += 1;
          this.item();
          continue;
        }
      } else if (code === 0x22 /* " */) value = this.string();
      else if (code === 0x74 /* t */) value = this.literal("true", true);
      else if (code === 0x66 /* f */) value = this.literal("false", false);
      else if (code === 0x6e /* n */) value = this.literal("null", null);
      else if (code === 0x2d || (code >= 0x30 && code <= 0x39)) value = this.number();
      else if (Number.isNaN(code)) throw this.ended();
      else throw this.unexpected("expected a value");

      // The value is read: it goes to the container it is in, which then goes on to its next
      // member or ends, becoming the value read in its turn.
      for (;;) {
        if (depth === 0) return value;
        const frame = 4 * (depth - 1);
        values[this.valueTop++] = value;
        this.skipWhitespace();
        const next = text.charCodeAt(this.cursor);
        if (open[frame] === 1) {
          if (next === 0x2c /* , */) {
            this.cursor += 1;
            this.skipWhitespace();
            this.member(depth - 1);
            break;
          }
          if (next === 0x7d /* } */) {
            this.cursor += 1;
            const base = open[frame + 1]!;
            const valueBase = open[frame + 2]!;
            const offset = this.keep(open[frame + 3]!) + 2;
            const path = paths[depth - 1];
            const keys =
              path === undefined
                ? this.keyStack.slice(base, this.keyTop)
                : (path.list ??= this.keyStack.slice(base, this.keyTop));
            value = new JsonMap(keys, values.slice(valueBase, this.valueTop), this.chunk, offset);
            this.keyTop = base;
            this.valueTop = valueBase;
            seen[depth - 1] = undefined;
            depth -= 1;
            continue;
          }
          if (Number.isNaN(next)) throw this.ended("an object");
          throw this.unexpected("expected ',' or '}' after a property value");
        }
        if (next === 0x2c /* , */) {
          this.cursor += 1;
          this.skipWhitespace();
          this.item();
          break;
        }
        if (next === 0x5d /* ] */) {
          this.cursor += 1;
          const valueBase = open[frame + 2]!;
          const offset = this.keep(open[frame + 3]!) + 2;
          value = new JsonSeq(values.slice(valueBase, this.valueTop), this.chunk, offset);
          this.valueTop = valueBase;
          depth -= 1;
          continue;
        }
        if (Number.isNaN(next)) throw this.ended("an array");
        throw this.unexpected("expected ',' or ']' after an array element");
      }
    }
  }

  /**
   * Reads a member's key, up to where its value starts, for the mapping open at `level`: the key
   * and its position go on the stacks, a key the mapping already has is refused.
   */
  private member(level: number): void {
    const text = this.text;
    if (this.cursor >= text.length) throw this.ended("an object");
    if (text.charCodeAt(this.cursor) !== 0x22)
      throw this.unexpected("expected a property name in double quotes");
    const keys = this.keyStack;
    const positions = this.positionStack;
    const base = this.openStack[4 * level + 1]!;
    const memberBase = this.openStack[4 * level + 3]! + 2;
    const keyLine = this.line;
    const keyColumn = this.column();
    const path = this.pathStack[level];
    let key: string;
    let next: KeyPath | undefined;
    if (path !== undefined) {
      // Most often the key that followed last time: compared with the text it was read from.
      next = path.next;
      if (next !== undefined && this.writtenAgain(next)) {
        key = next.key;
        this.cursor += key.length + 2;
      } else {
        const start = this.cursor;
        key = this.string();
        next = this.follow(path, key, this.cursor - start - 2 === key.length ? start + 1 : -1);
      }
    } else key = this.string();
    if (next !== undefined) {
      if (next.earlier !== -1)
        throw this.duplicate(key, positions[memberBase + 2 * next.earlier], keyLine, keyColumn);
      this.pathStack[level] = next.count < MAX_PATH_KEYS ? next : undefined;
    } else {
      // A mapping off the paths: too many keys, or too many paths already.
      this.pathStack[level] = undefined;
      const top = this.keyTop;
      if (top - base < 16) {
        for (let index = base; index < top; index += 1) {
          if (keys[index] === key)
            throw this.duplicate(key, positions[memberBase + 2 * (index - base)], keyLine, keyColumn);
        }
      } else {
        let known = this.seenStack[level];
        if (known === undefined) {
          known = new Set();
          for (let index = base; index < top; index += 1) known.add(keys[index]!);
          this.seenStack[level] = known;
        }
        if (known.has(key)) {
          let first = base;
          while (keys[first] !== key) first += 1;
          throw this.duplicate(key, positions[memberBase + 2 * (first - base)], keyLine, keyColumn);
        }
        known.add(key);
      }
    }
    this.skipWhitespace();
    if (text.charCodeAt(this.cursor) !== 0x3a /* : */) {
      if (this.cursor >= text.length) throw this.ended("an object");
      throw this.unexpected("expected ':' after a property name");
    }
    this.cursor += 1;
    this.skipWhitespace();
    if (this.cursor >= text.length) throw this.ended("an object");
    keys[this.keyTop++] = key;
    positions[this.positionTop++] = keyLine;
    positions[this.positionTop++] = keyColumn;
  }

  /** Whether the string at the cursor is `path`'s key, written as where it was read before. */
  private writtenAgain(path: KeyPath): boolean {
    const at = path.at;
    if (at === -1) return false;
    const text = this.text;
    const from = this.cursor + 1;
    const length = path.key.length;
    if (text.charCodeAt(from + length) !== 0x22) return false;
    for (let index = 0; index < length; index += 1)
      if (text.charCodeAt(from + index) !== text.charCodeAt(at + index)) return false;
    return true;
  }

  /**
   * The path that `key` takes from `path`, made the first time: then whether the key is one of
   * the path's own is found, once for every mapping that takes it. `at` is where the key was
   * read without escapes, or -1.
   */
  private follow(path: KeyPath, key: string, at: number): KeyPath | undefined {
    const last = path.next;
    if (last !== undefined && last.key === key) return this.taken(path, last, at);
    const branches = path.branches;
    // Once no more paths may be made, a path followed by thousands of keys (each mapping with
    // keys of its own) is not looked up: hashing each new key would cost more than it saves.
    if (this.pathsLeft === 0 && (branches === undefined || branches.size > MAX_LOOKED_UP_BRANCHES))
      return undefined;
    let next = branches?.get(key);
    if (next === undefined) {
      if (this.pathsLeft === 0) return undefined;
      this.pathsLeft -= 1;
      let earlier = -1;
      for (let before: KeyPath | undefined = path; before.count > 0; before = before.parent!)
        if (before.key === key) {
          earlier = before.count - 1;
          break;
        }
      next = new KeyPath(key, path.count + 1, at, earlier, path);
      if (last !== undefined) (path.branches ??= new Map([[last.key, last]])).set(key, next);
    }
    return this.taken(path, next, at);
  }

  /** `next` taken from `path`, as the guess for the next mapping there. */
  private taken(path: KeyPath, next: KeyPath, at: number): KeyPath {
    if (next.at === -1) next.at = at;
    path.next = next;
    return next;
  }

  /** Records where an item starts, for the sequence open at the top. */
  private item(): void {
    if (this.cursor >= this.text.length) throw this.ended("an array");
    this.positionStack[this.positionTop++] = this.line;
    this.positionStack[this.positionTop++] = this.column();
  }

  /**
   * Moves the positions above `base` on the stack to the current chunk (a new one when they do
   * not fit) and returns where they start there.
   */
  private keep(base: number): number {
    const count = this.positionTop - base;
    if (this.filled + count > this.chunk.length) {
      const size = Math.min(this.chunk.length * 2, LARGEST_CHUNK);
      this.chunk = new Int32Array(Math.max(size, count));
      this.filled = 0;
    }
    const { chunk, positionStack } = this;
    const offset = this.filled;
    for (let index = 0; index < count; index += 1) chunk[offset + index] = positionStack[base + index]!;
    this.filled = offset + count;
    this.positionTop = base;
    return offset;
  }

  private string(): string {
    const text = this.text;
    const start = this.cursor;
    let index = start + 1;
    // The common case: no escapes, so the value is a slice of the text.
    for (;;) {
      const code = text.charCodeAt(index);
      if (code === 0x22) {
        this.cursor = index + 1;
        return this.recent(start + 1, index);
      }
      if (code === 0x5c /* \ */) break;
      if (code < 0x20) return this.badStringCharacter(index);
      if (Number.isNaN(code)) return this.badStringCharacter(index);
      index += 1;
    }
    // With escapes: find the end, then let JSON.parse decode (and validate) them.
    for (;;) {
      const code = text.charCodeAt(index);
      if (code === 0x22) break;
      if (code === 0x5c) {
        const escaped = text.charAt(index + 1);
        if (escaped === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
            this.cursor = index;
            throw index + 6 > text.length
              ? this.ended("a string")
              : this.problem("invalid \\u escape in a string");
          }
          index += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(escaped) || escaped === "") {
          this.cursor = index;
          throw escaped === ""
            ? this.ended("a string")
            : this.problem(`invalid escape \\${escaped} in a string`);
        }
        index += 2;
        continue;
      }
      if (code < 0x20 || Number.isNaN(code)) return this.badStringCharacter(index);
      index += 1;
    }
    this.cursor = index + 1;
    return JSON.parse(text.slice(start, index + 1)) as string;
  }

  /**
   * The text from `start` to `end`, as the same string as the last time it was read when it is
   * short and was read recently: keys and values such as `IpProtocol` or `tcp` repeat
   * thousands of times in a large template, and one string for each would be kept until the
   * template is read.
   */
  private recent(start: number, end: number): string {
    const length = end - start;
    if (length > MAX_SHARED_LENGTH || length === 0) return this.text.slice(start, end);
    const text = this.text;
    const slot =
      (length * 31 +
        text.charCodeAt(start) * 7 +
        text.charCodeAt(end - 1) +
        text.charCodeAt(start + (length >> 1))) &
      (SHARED_SLOTS - 1);
    const known = this.shared[slot];
    if (known !== undefined && known.length === length) {
      // Compared code by code with the place in the text it was read from, not with the string
      // itself: a string of 13 characters or more is a slice that points into the text, and
      // reading a character through a slice costs several times more. (`startsWith` at an offset
      // costs more than the comparison itself on text this short.)
      const at = this.sharedAt[slot]! - start;
      let index = start;
      while (index < end && text.charCodeAt(at + index) === text.charCodeAt(index)) index += 1;
      if (index === end) return known;
    }
    const value = text.slice(start, end);
    this.shared[slot] = value;
    this.sharedAt[slot] = start;
    return value;
  }

  private badStringCharacter(index: number): never {
    this.cursor = index;
    if (index >= this.text.length) throw this.ended("a string");
    throw this.problem("a string contains an unescaped control character or line break");
  }

  private number(): number {
    const text = this.text;
    const start = this.cursor;
    // The common case, a short integer (ports, counts, versions): read while scanning, without
    // cutting the token out. Anything else is cut out and checked as a whole.
    const negative = text.charCodeAt(start) === 0x2d; /* - */
    let index = negative ? start + 1 : start;
    const first = text.charCodeAt(index);
    if (first >= 0x31 && first <= 0x39) {
      let value = first - 0x30;
      index += 1;
      for (let code = text.charCodeAt(index); code >= 0x30 && code <= 0x39 && index - start < 15;) {
        value = value * 10 + (code - 0x30);
        index += 1;
        code = text.charCodeAt(index);
      }
      if (!continuesNumber(text.charCodeAt(index))) {
        this.cursor = index;
        return negative ? -value : value;
      }
    }
    index = start;
    while (continuesNumber(text.charCodeAt(index))) index += 1;
    const token = text.slice(start, index);
    if (!NUMBER.test(token)) throw this.problem(`expected a number, found ${JSON.stringify(token)}`);
    this.cursor = index;
    return Number(token);
  }

  private literal<T>(word: string, value: T): T {
    if (this.text.startsWith(word, this.cursor)) {
      this.cursor += word.length;
      return value;
    }
    if (word.startsWith(this.text.slice(this.cursor).trimEnd())) throw this.ended();
    const found =
      /^[A-Za-z0-9_.+-]+/.exec(this.text.slice(this.cursor, this.cursor + 40))?.[0] ??
      this.text.charAt(this.cursor);
    throw this.problem(`expected a value, found ${JSON.stringify(found)}`);
  }

  private skipWhitespace(): void {
    const text = this.text;
    let index = this.cursor;
    for (;;) {
      const code = text.charCodeAt(index);
      if (code === 0x20 || code === 0x09 || code === 0x0d) index += 1;
      else if (code === 0x0a) {
        index += 1;
        this.line += 1;
        this.lineStart = index;
      } else break;
    }
    this.cursor = index;
  }

  private column(): number {
    return this.cursor - this.lineStart + 1;
  }

  private problem(message: string): ParseProblem {
    return new ParseProblem(message, this.line, this.column());
  }

  private unexpected(expected: string): ParseProblem {
    return this.problem(`${expected}, found ${JSON.stringify(this.text.charAt(this.cursor))}`);
  }

  private ended(inside?: string): ParseProblem {
    // Point at the end of the last line that holds something, where an editor shows the gap.
    const end = this.text.trimEnd().length;
    const before = this.text.slice(0, end);
    const line = before.split("\n").length;
    const column = end - (before.lastIndexOf("\n") + 1) + 1;
    const where = inside ? ` inside ${inside}` : "";
    return new ParseProblem(`the file ends unexpectedly${where} (is it truncated?)`, line, column);
  }

  private duplicate(key: string, firstLine: number | undefined, line: number, column: number): ParseProblem {
    return new ParseProblem(
      `duplicate key ${JSON.stringify(key)} (first written at line ${firstLine})`,
      line,
      column,
    );
  }
}
