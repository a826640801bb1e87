import { arnOf } from "../../../model/resource-types.js";
import {
  ResourceTypes,
  type JsonObject,
  type JsonValue,
  type Resource,
  type ResourceType,
} from "../../../model/resource.js";
import { isUnknown, type UnknownValue } from "../../../model/unknown.js";
import {
  attachedPolicyEntry,
  fieldPath,
  iacResource,
  indexPath,
  PositionRecorder,
  PrincipalNames,
  recordRelatedPolicyPositions,
  type PolicyHolder,
} from "../../iac.js";
import type { PlanInstance, PlanReader } from "../reader.js";
import { PlanReferences } from "../references.js";
import type { Path } from "../values.js";

/** A canonical resource being built from a plan instance. */
export interface Build extends PolicyHolder {
  instance: PlanInstance;
  id: string;
  global: boolean;
}

export type PrincipalKind = "role" | "user" | "group";

/**
 * What the normalizers share while they turn a plan's instances into canonical resources: the
 * reader, the resources built so far, and those later normalizers join to (groups by id,
 * principals by name, managed policies and instance profiles).
 */
export class Normalization {
  readonly builds: Build[] = [];
  readonly groups = new Map<string, Build>();
  readonly principals: Record<PrincipalKind, PrincipalNames<Build>> = {
    role: new PrincipalNames(),
    user: new PrincipalNames(),
    group: new PrincipalNames(),
  };
  readonly managedPolicies = new Map<string, Build>();
  readonly profiles = new Map<string, Build>();

  readonly refs: PlanReferences;

  constructor(readonly plan: PlanReader) {
    this.refs = new PlanReferences(plan);
  }

  add(instance: PlanInstance, type: ResourceType, id: string, properties: JsonObject, global = false): Build {
    const build: Build = {
      instance,
      type,
      id,
      properties,
      recorder: new PositionRecorder(),
      global,
      file: instance.locator.file,
    };
    this.builds.push(build);
    return build;
  }

  /** Records where `attributePath` of `from` is written, under `path` of `build` (same file only). */
  locate(build: Build, path: string, from: PlanInstance, attributePath: Path): void {
    if (from.locator.file !== build.file) return;
    build.recorder.set(path, from.locator.at(attributePath) ?? from.locator.position);
  }

  /** `tags` as the describe APIs list them; tags known only after apply are an unknown list. */
  tags(instance: PlanInstance, build: Build): void {
    const tags = this.plan.value(instance, ["tags"]);
    if (tags === undefined || tags === null) return;
    this.locate(build, "Tags", instance, ["tags"]);
    if (isUnknown(tags) || typeof tags !== "object" || Array.isArray(tags)) {
      build.properties.Tags = tags;
      return;
    }
    build.properties.Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  }

  note(instance: PlanInstance, message: string): void {
    this.plan.notes.push(`${instance.locator.file}:${instance.locator.position.line}: ${message}`);
  }

  attach(build: Build, policyArn: string | UnknownValue, from: PlanInstance, attribute: Path): void {
    const list = build.properties.AttachedManagedPolicies as JsonValue[];
    const itemPath = indexPath("AttachedManagedPolicies", list.length);
    this.locate(build, itemPath, from, attribute);
    this.locate(build, fieldPath(itemPath, "PolicyArn"), from, attribute);
    list.push(
      attachedPolicyEntry(
        policyArn,
        (arn) => this.managedPolicies.get(arn)?.properties.PolicyName as string | undefined,
      ),
    );
  }

  /** The principal a policy or membership resource applies to; one not in the plan is noted. */
  principal(
    kind: PrincipalKind,
    name: string | UnknownValue | undefined,
    from: PlanInstance,
  ): Build | undefined {
    const found = typeof name === "string" ? this.principals[kind].named(name) : undefined;
    if (!found && name !== undefined) {
      const shown = typeof name === "string" ? name : `whose name is known only after apply`;
      this.note(
        from,
        `${from.address} applies to ${kind} ${shown}, which is not in the plan; that principal is not checked`,
      );
    }
    return found;
  }

  profileArn(profile: string): string {
    if (profile.startsWith("arn:")) return profile;
    const build = this.profiles.get(profile);
    return build
      ? (build.properties.Arn as string)
      : arnOf(ResourceTypes.InstanceProfile, this.plan.arnScope, profile);
  }

  resources(): Resource[] {
    recordRelatedPolicyPositions(
      [...this.principals.role.values(), ...this.principals.user.values(), ...this.principals.group.values()],
      this.principals.group,
      this.managedPolicies,
    );
    return this.builds.map((build) =>
      iacResource(
        {
          type: build.type,
          id: build.id,
          kind: "terraform-plan",
          file: build.file,
          account: this.plan.account,
          region: this.plan.regionOf(build.instance),
          address: build.instance.address,
          position: build.instance.locator.position,
          properties: build.properties,
          recorder: build.recorder,
        },
        build.global,
      ),
    );
  }
}
