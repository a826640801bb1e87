import type { JsonValue } from "../../model/resource.js";

/**
 * Answers about policy documents and statements, kept for one evaluation run. Every principal's documents are
 * asked the same few questions (may it start a session, terminate one, use the session key) by
 * several rules, and a role's documents once for every instance that carries the role: deciding
 * each question once per set of documents is what keeps IAM rules fast on large accounts.
 *
 * The documents are recognised by identity (the run's resources do not change while it is being
 * judged), so the list a path selects may be a new array each time: its elements are not.
 */
interface Level {
  next?: WeakMap<object, Level>;
  answers?: Map<Question, Map<string, boolean>>;
}

/**
 * A kind of question (one per operator), asked about a subject: an action, or an action and a
 * resource. Subjects come from the rules and the data as they are, so looking one up hashes a
 * string that already knows its hash, rather than a key built for every call.
 */
export class Question {
  constructor(readonly name: string) {}
}

interface Trial {
  asked: number;
  found: number;
}

/** Questions asked this many times decide whether their documents recur at all. */
const TRIAL_QUESTIONS = 2000;

/**
 * Documents each resource has alone (a role's trust policy) are never asked about twice: keeping
 * their answers only costs memory and time, so a question that rarely finds one kept stops keeping.
 */
function worthKeeping(trial: Trial): boolean {
  return trial.asked < TRIAL_QUESTIONS || trial.found * 4 >= trial.asked;
}

export class DocumentDecisions {
  /** Lists of documents (or statements), and single documents: not the same question. */
  private readonly lists: Level = {};
  private readonly singles: Level = {};
  /** How often each question found its answer kept: see `worthKeeping`. */
  private readonly trials = new Map<Question, Trial>();

  /**
   * The answer to `question` on `subject` about `documents`, deciding it with `decide` the first
   * time. `decide` is given them all, so that callers can pass one function made once, not one per
   * call; and these decisions, to keep what single documents say (`stanceOf`).
   */
  decide(
    documents: JsonValue,
    question: Question,
    subject: string,
    decide: (documents: JsonValue, subject: string, decisions: DocumentDecisions) => boolean,
  ): boolean {
    const trial = this.trialOf(question);
    if (!worthKeeping(trial)) return decide(documents, subject, this);
    const level = this.levelOf(documents);
    if (level === undefined) return decide(documents, subject, this);
    trial.asked++;
    const answers = this.answersAt(level, question);
    let answer = answers.get(subject);
    if (answer === undefined) answers.set(subject, (answer = decide(documents, subject, this)));
    else trial.found++;
    return answer;
  }

  /**
   * The answer to `question` on `subject` about one statement read with a list of documents (a
   * statement confined by the Deny statements of its principal's policies), deciding it with
   * `decide` the first time. Lists are the only documents kept here.
   */
  decideAbout(
    statement: JsonValue,
    documents: JsonValue,
    question: Question,
    subject: string,
    decide: (statement: JsonValue, documents: JsonValue, subject: string) => boolean,
  ): boolean {
    const trial = this.trialOf(question);
    if (
      !worthKeeping(trial) ||
      statement === null ||
      typeof statement !== "object" ||
      !Array.isArray(documents)
    )
      return decide(statement, documents, subject);
    const level = this.listLevel(this.child(this.statements, statement), documents);
    if (level === undefined) return decide(statement, documents, subject);
    trial.asked++;
    const answers = this.answersAt(level, question);
    let answer = answers.get(subject);
    if (answer === undefined) answers.set(subject, (answer = decide(statement, documents, subject)));
    else trial.found++;
    return answer;
  }

  /**
   * What one document (or statement) of a list says about `subject`, as the bits the question
   * defines, read with `read` the first time. A question about a list is answered from what each
   * of its documents says, so a list never seen before (a role's own policy beside the managed
   * policies it attaches) reads only the documents that are new.
   */
  stanceOf(
    document: object,
    question: Question,
    subject: string,
    read: (document: object, subject: string) => number,
  ): number {
    let byQuestion = this.stances.get(document);
    if (byQuestion === undefined)
      this.stances.set(document, (byQuestion = new Map<Question, Map<string, number>>()));
    let bySubject = byQuestion.get(question);
    if (bySubject === undefined) byQuestion.set(question, (bySubject = new Map<string, number>()));
    let stance = bySubject.get(subject);
    if (stance === undefined) bySubject.set(subject, (stance = read(document, subject)));
    return stance;
  }

  /** Statements asked about with the documents they are read with: see `decideAbout`. */
  private readonly statements: Level = {};
  /** What single documents say, by question and subject: see `stanceOf`. */
  private readonly stances = new WeakMap<object, Map<Question, Map<string, number>>>();

  private trialOf(question: Question): Trial {
    let trial = this.trials.get(question);
    if (trial === undefined) this.trials.set(question, (trial = { asked: 0, found: 0 }));
    return trial;
  }

  private answersAt(level: Level, question: Question): Map<string, boolean> {
    level.answers ??= new Map();
    let answers = level.answers.get(question);
    if (answers === undefined) level.answers.set(question, (answers = new Map<string, boolean>()));
    return answers;
  }

  /**
   * The documents asked about last, with their level: a statement is asked about each action a
   * rule lists in turn, and finding it again in the table would cost more than the answer.
   */
  private lastDocuments: object | undefined;
  private lastLevel: Level | undefined;

  /** One level per document, in order; undefined when an item is not an object to key on. */
  private levelOf(documents: JsonValue): Level | undefined {
    if (!Array.isArray(documents)) {
      if (documents === null || typeof documents !== "object") return undefined;
      if (documents === this.lastDocuments) return this.lastLevel;
      const level = this.child(this.singles, documents);
      this.lastDocuments = documents;
      this.lastLevel = level;
      return level;
    }
    return this.listLevel(this.lists, documents);
  }

  /** The level below `from` for each document of a list, in order; undefined as `levelOf`. */
  private listLevel(from: Level, documents: readonly JsonValue[]): Level | undefined {
    let level = from;
    for (const item of documents) {
      if (item === null || typeof item !== "object") return undefined;
      level = this.child(level, item);
    }
    return level;
  }

  private child(level: Level, item: object): Level {
    level.next ??= new WeakMap();
    let next = level.next.get(item);
    if (next === undefined) level.next.set(item, (next = {}));
    return next;
  }
}

/**
 * Verdicts of the parts of conditions that read one element and the rule's parameters, nothing
 * else (a quantifier's `where` that names no `$root` and no outer element), kept for a run by the
 * element's identity: a role's policies are judged once, not once for every instance carrying it.
 */
export class ElementVerdicts {
  private readonly parts: (PartVerdicts | undefined)[] = [];
  private readonly explanations: (ElementExplanations | undefined)[] = [];

  /**
   * What explaining an element of one part found, under one set of parameters: only the elements
   * a failure reports are explained, so these are fewer than verdicts, but as with them, keeping
   * those of elements that never recur only costs memory and collection time.
   */
  explanationsOf(part: number, params: object): ElementExplanations {
    let table = this.explanations[part];
    if (table === undefined || table.params !== params) {
      this.explanations[part] = table = new ElementExplanations(params);
    }
    return table;
  }

  /** The verdicts of one part under one set of parameters; undefined once keeping them does not pay. */
  of(part: number, params: object): PartVerdicts | undefined {
    let kept = this.parts[part];
    if (kept === undefined || kept.params !== params) this.parts[part] = kept = new PartVerdicts(params);
    return kept.pays() ? kept : undefined;
  }
}

/** Elements seen before this many lookups decide whether a part's elements recur at all. */
const TRIAL_LOOKUPS = 2000;

/** What `lookups` holds once keeping answers is given up. */
const GIVEN_UP = -1;

/**
 * Answers kept by an element's identity, as long as elements are found again often enough.
 *
 * Giving up happens in the middle of a run, once per part: it writes only fields that are written
 * from the start (the table is made by the first answer kept), since the engine takes a field
 * written once for a constant, and writing it again would throw away the compiled code of every
 * part that read it.
 */
class KeptByElement<Answer> {
  private answers: WeakMap<object, Answer> | undefined = undefined;
  /** How many answers were looked up, or `GIVEN_UP`. */
  private lookups = 0;
  private hits = 0;

  constructor(readonly params: object) {}

  /**
   * Elements that are each resource's own (a security group's permissions) never recur: a table
   * of them only costs memory and collection time, so it is dropped after a trial.
   */
  pays(): boolean {
    const lookups = this.lookups;
    if (lookups === GIVEN_UP) return false;
    if (lookups < TRIAL_LOOKUPS || this.hits * 4 >= lookups) return true;
    this.lookups = GIVEN_UP;
    this.answers = undefined;
    return false;
  }

  get(element: object): Answer | undefined {
    if (this.answers === undefined) {
      if (this.lookups !== GIVEN_UP) this.lookups++;
      return undefined;
    }
    this.lookups++;
    const answer = this.answers.get(element);
    if (answer !== undefined) this.hits++;
    return answer;
  }

  set(element: object, answer: Answer): void {
    if (this.lookups === GIVEN_UP) return;
    (this.answers ??= new WeakMap()).set(element, answer);
  }
}

export class PartVerdicts extends KeptByElement<boolean> {}

export class ElementExplanations extends KeptByElement<unknown> {}
