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
}

/**
 * One kind of input behind the interface every entry uses: the CLI turns its arguments into a
 * source, the Lambda turns a Config event into one, and the pipeline reads it without knowing
 * which it is. A source reports what it could not read in its data (input problems, collection
 * errors); it throws only when nothing could be read at all (a `UserError` with one line).
 */
export interface Source {
  read(): Promise<SourceData>;
}

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
