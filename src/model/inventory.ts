import type { CollectionError, Scope } from "./collection-error.js";
import { PREFERENCES_DOCUMENT, withPreferenceDefaults } from "./session-preferences.js";
import {
  GLOBAL_REGION,
  ResourceTypes,
  type JsonObject,
  type Resource,
  type ResourceType,
  type SourceKind,
} from "./resource.js";
import { resolveRelations, type Relations } from "./relations.js";
import { canonicalShapeProblem } from "./canonical.js";
import { arnOf, partitionOfArn } from "./resource-types.js";
import { todayUtc } from "../util/date.js";

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
  private readonly relations: Relations;
  /** Resources that do not have their type's canonical shape, with why (see `canonical.ts`). */
  private readonly misfits = new Map<Resource, string>();
  /** The first misfit of each account and type (`account type`), for the rules that relate to it. */
  private readonly firstMisfits = new Map<string, string>();

  constructor(input: {
    resources: Resource[];
    scopes?: Scope[];
    collectionErrors?: CollectionError[];
    /** Set by sources that may leave unknown values (templates, plans). */
    mayHoldUnknowns?: boolean;
    /**
     * Set when the source already held every resource to the canonical schema (a snapshot is
     * validated as a whole when it is read), so that a large input is not checked twice.
     */
    shapesChecked?: boolean;
    /**
     * The day (`YYYY-MM-DD`, UTC) ages are counted to: the run's today, which
     * `ACCESS_BASELINE_TODAY` fixes; the current UTC date when not given.
     */
    today?: string;
  }) {
    this.scopes = input.scopes ?? [];
    this.collectionErrors = input.collectionErrors ?? [];
    // Resources are grouped by type in one pass; the stand-ins below are made from those groups
    // rather than from more passes over every resource.
    const checkShapes = input.shapesChecked !== true;
    for (const resource of input.resources) this.add(resource, checkShapes);
    const standIns = [
      ...defaultPreferences(
        this.ofType(ResourceTypes.SessionPreferences),
        input.resources,
        this.scopes,
        this.collectionErrors,
      ),
      ...keyHolders(this.ofType(ResourceTypes.User), this.ofType(ResourceTypes.AccessKey)),
    ];
    for (const resource of standIns) this.add(resource, checkShapes);
    this.resources = [...input.resources, ...standIns];
    const relations = resolveRelations(this, input.today ?? todayUtc());
    this.relations = relations;
    // Rules read Session Manager's preferences with its defaults filled in.
    for (const preferences of this.ofType(ResourceTypes.SessionPreferences)) {
      if (preferences.id === PREFERENCES_DOCUMENT)
        relations.documents.set(
          preferences,
          withPreferenceDefaults(preferences, relations.documentOf(preferences) ?? preferences.properties),
        );
    }
    this.mayHoldUnknowns = (input.mayHoldUnknowns ?? false) || relations.holdsUnknowns;
  }

  ofType(type: ResourceType): readonly Resource[] {
    return this.byType.get(type) ?? [];
  }

  private add(resource: Resource, checkShape: boolean): void {
    if (checkShape) {
      const problem = canonicalShapeProblem(resource);
      if (problem !== undefined) {
        this.misfits.set(resource, problem);
        const key = `${resource.account} ${resource.type}`;
        if (!this.firstMisfits.has(key)) this.firstMisfits.set(key, problem);
      }
    }
    let list = this.byType.get(resource.type);
    if (!list) this.byType.set(resource.type, (list = []));
    list.push(resource);
  }

  /** What a rule sees: the canonical properties, plus `related` where the type has relations. */
  documentOf(resource: Resource): JsonObject {
    return this.relations.documentOf(resource) ?? resource.properties;
  }

  /** What the rules see of every resource of a type, in the order of `ofType`. */
  documentsOfType(type: ResourceType): readonly JsonObject[] {
    return (
      this.relations.documentsOfType(type) ?? this.ofType(type).map((resource) => this.documentOf(resource))
    );
  }

  /** Why `resource` does not have its type's canonical shape, or undefined when it does. */
  misfitOf(resource: Resource): string | undefined {
    return this.misfits.size === 0 ? undefined : this.misfits.get(resource);
  }

  /**
   * A resource of one of `types` in this account that does not have its canonical shape: the
   * relations of every resource there may be built on it, so they cannot be trusted either.
   */
  misfitAffecting(types: readonly ResourceType[], account: string): string | undefined {
    if (this.firstMisfits.size === 0) return undefined;
    for (const type of types) {
      const problem = this.firstMisfits.get(`${account} ${type}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
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

export { PREFERENCES_DOCUMENT };

/**
 * Session Manager falls back to its defaults (`session-preferences.ts`) in a region without a
 * preferences document. That region must still be judged, so it gets a document with no inputs,
 * which rules read with the defaults filled in — unless the region's documents could not be read at all, in which case
 * the collection error makes the rules report an error instead.
 */
function defaultPreferences(
  documents: readonly Resource[],
  resources: readonly Resource[],
  scopes: readonly Scope[],
  errors: readonly CollectionError[],
): Resource[] {
  const present = new Set(
    documents
      .filter((resource) => resource.id === PREFERENCES_DOCUMENT)
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
      arn: arnOf(
        ResourceTypes.SessionPreferences,
        { partition: scope.partition ?? "aws", region: scope.region, account: scope.account },
        PREFERENCES_DOCUMENT,
      ),
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

/**
 * Rules judge access keys on their users. A key whose user is not in the data — a template that
 * adds a key for a user created elsewhere, the most common way a long-lived key arrives — gets a
 * stand-in user with only its name, placed where the key is, so that the key is judged rather
 * than dropped. IAM user names are unique regardless of case.
 */
function keyHolders(userResources: readonly Resource[], keys: readonly Resource[]): Resource[] {
  const users = new Set(userResources.map((user) => `${user.account}/${user.id.toLowerCase()}`));
  const hasUser = (account: string) => [...users].some((user) => user.startsWith(`${account}/`));
  const standIns: Resource[] = [];
  for (const key of keys) {
    const written = key.properties.UserName;
    // A key whose user is not known goes, as an unknown, to every user of its account
    // (relations.ts); with no user there, a stand-in named after the key receives it.
    const name = typeof written === "string" && written !== "" ? written : undefined;
    if (name === undefined && hasUser(key.account)) continue;
    const id = name ?? `user of ${key.id}`;
    const identity = `${key.account}/${id.toLowerCase()}`;
    if (users.has(identity)) continue;
    users.add(identity);
    standIns.push({
      type: ResourceTypes.User,
      id,
      arn: arnOf(
        ResourceTypes.User,
        { partition: partitionOfArn(key.arn), region: GLOBAL_REGION, account: key.account },
        id,
      ),
      account: key.account,
      region: GLOBAL_REGION,
      source: key.source,
      properties: { UserName: written ?? id },
    });
  }
  return standIns;
}

/** Defaults belong to the same run (and SARIF category) as the account's collected resources. */
function sourceKindOf(resources: readonly Resource[], account: string): SourceKind {
  return resources.find((resource) => resource.account === account)?.source.kind ?? "aws-live";
}
