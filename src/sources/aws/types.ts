import type { CollectionError } from "../../model/collection-error.js";
import type { Resource } from "../../model/resource.js";

/** What one reader got: the resources it could read, and what went wrong on the way. */
export interface ReadResult {
  resources: Resource[];
  errors: CollectionError[];
}

/** Told the number of resources of each page as it arrives, for the progress display. */
export type PageListener = (resources: number) => void;
