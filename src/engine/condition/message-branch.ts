import type { CompiledCondition } from "./compile.js";

/**
 * Messages by id. A rule declares `messages: {id: template}` and a condition node names the one
 * that applies with `message: id`. When that node fails, its evidence carries the id — unless a
 * node inside it already named one, since the innermost branch knows most about the failure — and
 * the failing result uses the message of its first piece of evidence (the one `{match}` shows).
 * The top of the condition names the message for every failure no inner branch names.
 *
 * A node can name a message only where its failure can make the rule fail: not under an odd
 * number of `not` and `none`'s `where`, where failing makes the condition hold.
 */

export class MessageBranchError extends Error {}

export class MessageBranches {
  readonly #declared: ReadonlySet<string>;
  readonly #used = new Set<string>();

  constructor(declared: Iterable<string>) {
    this.#declared = new Set(declared);
  }

  use(id: unknown, negated: boolean): void {
    if (typeof id !== "string" || !this.#declared.has(id)) {
      const known = [...this.#declared].join(", ");
      throw new MessageBranchError(
        `message "${String(id)}" is not declared in "messages"${known ? ` (declared: ${known})` : ""}`,
      );
    }
    if (negated) {
      throw new MessageBranchError(
        `message "${id}" is on a branch whose failure makes the condition hold (under "not" or "none"), so it could never apply`,
      );
    }
    this.#used.add(id);
  }

  /** Declared ids that no branch names: a message that can never be shown is a mistake. */
  unused(): string[] {
    return [...this.#declared].filter((id) => !this.#used.has(id));
  }
}

/**
 * The node's failing evidence, each piece tagged with `id` unless an inner branch tagged it.
 *
 * Pieces are tagged where they are rather than copied: each is made by one explanation of one
 * node, and the branches above that node are always the same ones, so a piece an explanation
 * kept for the resource (see `oncePerResource`) and met again is tagged with the same id again.
 */
export function tagFailure(condition: CompiledCondition, id: string): CompiledCondition {
  return {
    holds: (state) => condition.holds(state),
    explain(state, decided) {
      const outcome = condition.explain(state, decided);
      if (outcome.ok) return outcome;
      for (const item of outcome.evidence) item.message ??= id;
      return outcome;
    },
  };
}
