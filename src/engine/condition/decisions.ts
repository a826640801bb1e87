import type { JsonValue } from "../../model/resource.js";

/**
 * Answers about policy documents, kept for one evaluation run. Every principal's documents are
 * asked the same few questions (may it start a session, terminate one, use the session key) by
 * several rules, and a role's documents once for every instance that carries the role: deciding
 * each question once per set of documents is what keeps IAM rules fast on large accounts.
 *
 * The documents are recognised by identity (the run's resources do not change while it is being
 * judged), so the list a path selects may be a new array each time: its elements are not.
 */
interface Level {
  next?: WeakMap<object, Level>;
  answers?: Map<string, boolean>;
}

export class DocumentDecisions {
  /** Lists of documents (or statements), and single documents: not the same question. */
  private readonly lists: Level = {};
  private readonly singles: Level = {};

  /** The answer to `question` about `documents`, deciding it with `decide` the first time. */
  decide(documents: JsonValue, question: string, decide: () => boolean): boolean {
    const level = this.levelOf(documents);
    if (level === undefined) return decide();
    level.answers ??= new Map();
    let answer = level.answers.get(question);
    if (answer === undefined) level.answers.set(question, (answer = decide()));
    return answer;
  }

  /** One level per document, in order; undefined when an item is not an object to key on. */
  private levelOf(documents: JsonValue): Level | undefined {
    const items = Array.isArray(documents) ? documents : [documents];
    let level = Array.isArray(documents) ? this.lists : this.singles;
    for (const item of items) {
      if (item === null || typeof item !== "object") return undefined;
      level.next ??= new WeakMap();
      let next = level.next.get(item);
      if (next === undefined) level.next.set(item, (next = {}));
      level = next;
    }
    return level;
  }
}
