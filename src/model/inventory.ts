import type { CollectionError, Scope } from "./collection-error.js";
import {
  GLOBAL_REGION,
  ResourceTypes,
  type JsonObject,
  type Resource,
  type ResourceType,
  type SourceKind,
} from "./resource.js";
import { resolveRelations } from "./relations.js";

/**
 * The resources of one run with their relations resolved, as the rules see them. Built once from
 * any source (snapshot, live collection, templates, configuration items).
 */
export class Inventory {
  readonly resources: readonly Resource[];
  readonly scopes: readonly Scope[];
  readonly collectionErrors: readonly CollectionError[];
  /** Set when a source left unknown values, or relations put some (policy documents not in the data). */
  readonly mayHoldUnknowns: boolean;
  private readonly byType = new Map<ResourceType, Resource[]>();
  private readonly documents: Map<Resource, JsonObject>;

  constructor(input: {
    resources: Resource[];
    scopes?: Scope[];
    collectionErrors?: CollectionError[];
    /** Set by sources that may leave unknown values (templates, plans). */
    mayHoldUnknowns?: boolean;
  }) {
    this.scopes = input.scopes ?? [];
    this.collectionErrors = input.collectionErrors ?? [];
    this.resources = [
      ...input.resources,
      ...defaultPreferences(input.resources, this.scopes, this.collectionErrors),
    ];
    for (const resource of this.resources) {
      let list = this.byType.get(resource.type);
      if (!list) this.byType.set(resource.type, (list = []));
      list.push(resource);
    }
    const relations = resolveRelations(this);
    this.documents = relations.documents;
    this.mayHoldUnknowns = (input.mayHoldUnknowns ?? false) || relations.holdsUnknowns;
  }

  ofType(type: ResourceType): readonly Resource[] {
    return this.byType.get(type) ?? [];
  }

  /** What a rule sees: the canonical properties, plus `related` where the type has relations. */
  documentOf(resource: Resource): JsonObject {
    return this.documents.get(resource) ?? resource.properties;
  }

  /** The collection errors that leave data of one of `types` missing for this account and region. */
  errorsAffecting(types: readonly ResourceType[], account: string, region: string): CollectionError[] {
    return this.collectionErrors.filter(
      (error) =>
        error.account === account &&
        (error.region === region || error.region === GLOBAL_REGION || region === GLOBAL_REGION) &&
        error.resourceTypes.some((type) => types.includes(type)),
    );
  }
}

export const PREFERENCES_DOCUMENT = "SSM-SessionManagerRunShell";

/**
 * Session Manager falls back to its defaults (no logging, no KMS, 20-minute idle timeout) in a
 * region without a preferences document. That region must still be judged, so it gets a document
 * holding the defaults — unless the region's documents could not be read at all, in which case
 * the collection error makes the rules report an error instead.
 */
function defaultPreferences(
  resources: readonly Resource[],
  scopes: readonly Scope[],
  errors: readonly CollectionError[],
): Resource[] {
  const present = new Set(
    resources
      .filter(
        (resource) =>
          resource.type === ResourceTypes.SessionPreferences && resource.id === PREFERENCES_DOCUMENT,
      )
      .map((resource) => `${resource.account}/${resource.region}`),
  );
  const unreadable = new Set(
    errors
      .filter((error) => error.resourceTypes.includes(ResourceTypes.SessionPreferences))
      .map((error) => `${error.account}/${error.region}`),
  );
  return scopes
    .filter((scope) => scope.region !== GLOBAL_REGION)
    .filter((scope) => !present.has(`${scope.account}/${scope.region}`))
    .filter((scope) => !unreadable.has(`${scope.account}/${scope.region}`))
    .map((scope) => ({
      type: ResourceTypes.SessionPreferences,
      id: PREFERENCES_DOCUMENT,
      arn: `arn:aws:ssm:${scope.region}:${scope.account}:document/${PREFERENCES_DOCUMENT}`,
      account: scope.account,
      region: scope.region,
      source: { kind: sourceKindOf(resources, scope.account), defaulted: true },
      properties: {
        Name: PREFERENCES_DOCUMENT,
        DocumentType: "Session",
        DocumentFormat: "JSON",
        Content: { schemaVersion: "1.0", sessionType: "Standard_Stream", inputs: {} },
      },
    }));
}

/** Defaults belong to the same run (and SARIF category) as the account's collected resources. */
function sourceKindOf(resources: readonly Resource[], account: string): SourceKind {
  return resources.find((resource) => resource.account === account)?.source.kind ?? "aws-live";
}
