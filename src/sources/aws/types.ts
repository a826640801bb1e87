import type { CollectionError } from "../../model/collection-error.js";
import type { Resource } from "../../model/resource.js";

/** What one reader got: the resources it could read, and what went wrong on the way. */
export interface ReadResult {
  resources: Resource[];
  errors: CollectionError[];
}

/** Told the number of resources of each page as it arrives, for the progress display. */
export type PageListener = (resources: number) => void;

/**
 * The part of the SDK's middleware stack used here. Each client's stack is typed by its own
 * inputs and outputs; these middlewares look at the command name only, so one shape fits all.
 */
export interface MiddlewareStack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: "initialize" | "deserialize"; name: string; priority?: "high" | "normal" | "low" },
  ): void;
}
