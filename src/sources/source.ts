import type { CollectionError, Scope } from "../model/collection-error.js";
import type { InputProblem } from "../model/input-problem.js";
import type { Resource } from "../model/resource.js";

/**
 * What every source hands to the rest of the pipeline: canonical resources, the scopes that were
 * covered, and everything that went wrong on the way. Nothing downstream knows which source it
 * was, except through each resource's `source`.
 */
export interface SourceData {
  resources: Resource[];
  /** Account and region pairs that were read (live and snapshot sources). */
  scopes: Scope[];
  /** API calls that failed: the rules they affect report `error` there. */
  collectionErrors: CollectionError[];
  /** Input files that could not be used (malformed, unsupported); the run exits with 2. */
  inputProblems: InputProblem[];
  /** What was read, for report headers (`examples/snapshot.json`, `templates/`). */
  inputs: string[];
  /** Whether resources may hold unknown values (`model/unknown.ts`), as templates and plans do. */
  mayHoldUnknowns: boolean;
  /** Whether the source already held every resource to the canonical schema (snapshots do). */
  shapesChecked?: boolean;
  /** API calls made, by service and operation (live sources). */
  apiCalls?: Record<string, Record<string, number>>;
  /**
   * Given only when `checksMayFinishLater` was asked for: settles once every check on the data is
   * done, rejecting with the error reading would have thrown. Until then the data may be anything.
   */
  checked?: Promise<void>;
}

/**
 * One kind of input behind the interface every entry uses: the CLI turns its arguments into a
 * source, the Lambda turns a Config event into one, and the pipeline reads it without knowing
 * which it is. A source reports what it could not read in its data (input problems, collection
 * errors); it throws only when nothing could be read at all (a `UserError` with one line).
 */
export interface Source {
  read(options?: ReadOptions): Promise<SourceData>;
}

export interface ReadOptions {
  /**
   * The caller awaits `SourceData.checked` before it reports anything: a source may then hand over
   * its data before every check on it is done, and finish them on a second thread meanwhile.
   */
  checksMayFinishLater?: boolean;
  /** 1 keeps reading on one thread; 2 uses a second one whenever it can, however small the input. */
  threads?: ThreadSetting;
}

/** How many threads reading may use: 1, 2, or undefined to decide from the input and the machine. */
export type ThreadSetting = 1 | 2 | undefined;

export type { InputProblem } from "../model/input-problem.js";

export function emptySourceData(): SourceData {
  return {
    resources: [],
    scopes: [],
    collectionErrors: [],
    inputProblems: [],
    inputs: [],
    mayHoldUnknowns: false,
  };
}
