import { PLACEHOLDER_PARTITION } from "../iac.js";
import { isUnknown, type UnknownValue } from "../../model/unknown.js";
import type { PlanInstance, PlanReader } from "./reader.js";
import { asArray, asRecord, moduleCalls, scalarText } from "./values.js";

/**
 * What one resource of a plan says about another. Terraform computes ids and ARNs at apply, so
 * each resource gets placeholder identities built from its address, and an attribute known only
 * after apply (`security_group_id = aws_security_group.web.id`) is resolved by following the
 * configuration's references, through module outputs and variables, to the resource it names.
 */
export class PlanReferences {
  private readonly identities = new Map<PlanInstance, Record<string, string>>();
  /** The instances of each resource of the plan, by address and by index, made when first asked. */
  private readonly instanceIndexes = new WeakMap<readonly PlanInstance[], InstanceIndex>();
  /** Every module instance address of the plan, each once, sorted (see `moduleAddressesUnder`). */
  private sortedModuleAddresses: string[] | undefined;

  constructor(private readonly plan: PlanReader) {}

  /**
   * A string attribute that names another resource: the planned value, else the identity of the
   * resource the configuration refers to, else a marker.
   */
  reference(instance: PlanInstance, attribute: string): string | UnknownValue | undefined {
    const value = this.plan.value(instance, [attribute]);
    if (typeof value === "string") return value === "" ? undefined : value;
    if (!isUnknown(value)) return value === undefined || value === null ? undefined : scalarText(value);
    const targets = this.referencedIdentities(instance, attribute);
    return targets && targets.length === 1 ? targets[0] : value;
  }

  /** A list attribute of names or ids, each element resolved as `reference` does. */
  references(
    instance: PlanInstance,
    attribute: string,
  ): (string | UnknownValue)[] | UnknownValue | undefined {
    const value = this.plan.value(instance, [attribute]);
    if (isUnknown(value)) {
      const targets = this.referencedIdentities(instance, attribute);
      return targets ?? value;
    }
    if (!Array.isArray(value)) return value === undefined || value === null ? undefined : [scalarText(value)];
    const unresolved = value.some((item) => isUnknown(item));
    const targets = unresolved ? this.referencedIdentities(instance, attribute) : undefined;
    if (unresolved && targets && targets.length >= value.filter((item) => isUnknown(item)).length) {
      const known = value.filter((item): item is string => typeof item === "string");
      return [...known, ...targets.filter((target) => !known.includes(target))];
    }
    return value.map((item) => (typeof item === "string" ? item : isUnknown(item) ? item : scalarText(item)));
  }

  /** The identities an attribute's expression refers to, when every reference can be followed. */
  private referencedIdentities(instance: PlanInstance, attribute: string): string[] | undefined {
    const expression = asRecord(asRecord(instance.config?.expressions)?.[attribute]);
    const references = asArray(expression?.references).filter(
      (item): item is string => typeof item === "string",
    );
    if (references.length === 0) return undefined;
    const targets = this.follow(references, instance.moduleAddress, instance.modulePath, instance.index);
    if (!targets) return undefined;
    const identities: string[] = [];
    for (const { target, attribute: targetAttribute } of targets) {
      const identity = this.identity(target)[targetAttribute];
      if (identity === undefined) return undefined;
      if (!identities.includes(identity)) identities.push(identity);
    }
    return identities;
  }

  /** Follows references (resources, module outputs, module variables) to resource instances. */
  follow(
    references: readonly string[],
    moduleAddress: string,
    modulePath: readonly string[],
    index: string | number | undefined,
    depth = 0,
  ): { target: PlanInstance; attribute: string }[] | undefined {
    if (depth > 16) return undefined;
    const perInstance = references.some(
      (reference) => reference === "count.index" || reference.startsWith("each."),
    );
    const qualified = new Set(
      references
        .map(
          (reference) => /^([a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.[A-Za-z0-9_]+/.exec(reference)?.[1],
        )
        .filter(Boolean),
    );
    const result: { target: PlanInstance; attribute: string }[] = [];
    for (const reference of references) {
      if (reference === "count.index" || reference.startsWith("each.")) continue;
      if (reference.startsWith("var.")) {
        if (modulePath.length === 0) return undefined;
        const parentPath = modulePath.slice(0, -1);
        const call = asRecord(
          asRecord(this.plan.moduleConfig(parentPath.join("."))?.module_calls)?.[modulePath.at(-1)!],
        );
        const expression = asRecord(asRecord(call?.expressions)?.[reference.slice(4).split(".")[0]!]);
        const inner = asArray(expression?.references).filter(
          (item): item is string => typeof item === "string",
        );
        if (inner.length === 0) return undefined;
        const parentAddress = moduleCalls(moduleAddress)
          .calls.slice(0, -1)
          .map((call) => `module.${call.name}${call.key}`)
          .join(".");
        const followed = this.follow(inner, parentAddress, parentPath, undefined, depth + 1);
        if (!followed) return undefined;
        result.push(...followed);
        continue;
      }
      if (reference.startsWith("module.")) {
        const match = /^module\.([A-Za-z0-9_-]+)(\[[^\]]*\])?\.([A-Za-z0-9_-]+)/.exec(reference);
        if (!match) {
          if (/^module\.[A-Za-z0-9_-]+(\[[^\]]*\])?$/.test(reference)) continue;
          return undefined;
        }
        const [, child, key, output] = match as unknown as [string, string, string | undefined, string];
        const childPath = [...modulePath, child];
        const outputs = asRecord(this.plan.moduleConfig(childPath.join("."))?.outputs);
        const expression = asRecord(asRecord(outputs?.[output])?.expression);
        const inner = asArray(expression?.references).filter(
          (item): item is string => typeof item === "string",
        );
        if (inner.length === 0) return undefined;
        const prefix = `${moduleAddress === "" ? "" : `${moduleAddress}.`}module.${child}`;
        let childAddress: string | undefined;
        if (key !== undefined) childAddress = prefix + key;
        else {
          const childAddresses = this.moduleAddressesUnder(prefix);
          childAddress = childAddresses.length <= 1 ? (childAddresses[0] ?? prefix) : undefined;
        }
        if (childAddress === undefined) return undefined;
        const followed = this.follow(inner, childAddress, childPath, undefined, depth + 1);
        if (!followed) return undefined;
        result.push(...followed);
        continue;
      }
      const match = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[[^\]]*\])?(?:\.([A-Za-z0-9_]+))?/.exec(reference);
      if (!match || /^(data|local|path|terraform|self)$/.test(match[1]!)) return undefined;
      const [, type, name, key, attribute] = match as unknown as [
        string,
        string,
        string,
        string | undefined,
        string | undefined,
      ];
      if (attribute === undefined) {
        if (qualified.has(`${type}.${name}`)) continue;
        return undefined;
      }
      const candidates = this.plan.instancesOf(moduleAddress, `${type}.${name}`);
      let target: PlanInstance | undefined;
      if (key !== undefined) {
        // Looked up by the address the reference spells out, before the search by its end that
        // decides when that address is written some other way.
        const written = `${moduleAddress === "" ? "" : `${moduleAddress}.`}${type}.${name}${key}`;
        const { byAddress, byEnd } = this.indexOf(candidates);
        target = byAddress.get(written);
        if (target === undefined) {
          const end = `${type}.${name}${key}`;
          let found = byEnd.get(end);
          if (found === undefined) {
            found = candidates.find((candidate) => `${candidate.address}`.endsWith(end)) ?? null;
            byEnd.set(end, found);
          }
          target = found ?? undefined;
        }
      } else if (candidates.length === 1) target = candidates[0];
      else if (perInstance && index !== undefined) target = this.indexOf(candidates).byIndex.get(index);
      if (!target) return undefined;
      if (!result.some((entry) => entry.target === target && entry.attribute === attribute))
        result.push({ target, attribute });
    }
    return result;
  }

  /**
   * The instances of one resource by address and by index, the first of each: a plan of thousands
   * of counted rules, each naming the group of its own index, searched all the groups for each.
   */
  private indexOf(candidates: readonly PlanInstance[]): InstanceIndex {
    let index = this.instanceIndexes.get(candidates);
    if (index === undefined) {
      index = { byAddress: new Map(), byIndex: new Map(), byEnd: new Map() };
      for (const candidate of candidates) {
        const address = `${candidate.address}`;
        if (!index.byAddress.has(address)) index.byAddress.set(address, candidate);
        if (candidate.index !== undefined && !index.byIndex.has(candidate.index))
          index.byIndex.set(candidate.index, candidate);
      }
      this.instanceIndexes.set(candidates, index);
    }
    return index;
  }

  /**
   * Up to two of the module instance addresses that are `prefix` itself or an instance of it
   * (`prefix[…]`, and what lies inside one): enough to tell whether there is exactly one. The
   * instances of `prefix` lie together in the sorted addresses, found by a binary search rather
   * than a search of every module address of the plan for each resource naming a module output.
   */
  private moduleAddressesUnder(prefix: string): string[] {
    let sorted = this.sortedModuleAddresses;
    if (sorted === undefined) {
      const distinct = new Set(this.plan.instances.map((instance) => instance.moduleAddress));
      // Sorted by UTF-16 code units, the order of `<`, so that the search below agrees with it.
      sorted = this.sortedModuleAddresses = [...distinct].sort();
    }
    const found: string[] = [];
    const opening = `${prefix}[`;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle]! < prefix) low = middle + 1;
      else high = middle;
    }
    if (sorted[low] === prefix) found.push(prefix);
    low = 0;
    high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle]! < opening) low = middle + 1;
      else high = middle;
    }
    for (let index = low; index < sorted.length && found.length < 2; index++) {
      if (!sorted[index]!.startsWith(opening)) break;
      found.push(sorted[index]!);
    }
    return found;
  }

  /** The identities of an instance other resources refer to it by (`id`, `arn`, `name`, …). */
  identity(instance: PlanInstance): Record<string, string> {
    const known = this.identities.get(instance);
    if (known) return known;
    const text = (attribute: string) => {
      const value = this.plan.value(instance, [attribute]);
      return typeof value === "string" && value !== "" ? value : undefined;
    };
    const path = text("path") ?? "/";
    const iamArn = (kind: string, name: string) =>
      text("arn") ?? `arn:${PLACEHOLDER_PARTITION}:iam::${this.plan.account}:${kind}${path}${name}`;
    let identity: Record<string, string>;
    switch (instance.type) {
      case "aws_security_group": {
        const id = text("id") ?? instance.address;
        identity = { id, name: text("name") ?? id };
        break;
      }
      case "aws_iam_role":
      case "aws_iam_user":
      case "aws_iam_group":
      case "aws_iam_instance_profile": {
        const name = text("name") ?? instance.address;
        const kind = {
          aws_iam_role: "role",
          aws_iam_user: "user",
          aws_iam_group: "group",
          aws_iam_instance_profile: "instance-profile",
        }[instance.type];
        identity = { id: name, name, arn: iamArn(kind, name) };
        if (instance.type === "aws_iam_role") identity.unique_id = name;
        break;
      }
      case "aws_iam_policy": {
        const name = text("name") ?? instance.address;
        const arn = iamArn("policy", name);
        identity = { id: arn, arn, name, policy_id: arn };
        break;
      }
      case "aws_kms_key": {
        const keyId = text("key_id") ?? instance.address;
        identity = {
          id: keyId,
          key_id: keyId,
          arn:
            text("arn") ??
            `arn:${PLACEHOLDER_PARTITION}:kms:${this.plan.regionOf(instance)}:${this.plan.account}:key/${keyId}`,
        };
        break;
      }
      case "aws_kms_alias": {
        const name = text("name") ?? instance.address;
        identity = {
          id: name,
          name,
          arn:
            text("arn") ??
            `arn:${PLACEHOLDER_PARTITION}:kms:${this.plan.regionOf(instance)}:${this.plan.account}:${name}`,
        };
        break;
      }
      case "aws_key_pair": {
        const name = text("key_name") ?? instance.address;
        identity = { id: name, key_name: name };
        break;
      }
      default: {
        const id = text("id") ?? instance.address;
        identity = { id, name: text("name") ?? id };
        const arn = text("arn");
        if (arn) identity.arn = arn;
      }
    }
    this.identities.set(instance, identity);
    return identity;
  }
}

interface InstanceIndex {
  byAddress: Map<string, PlanInstance>;
  byIndex: Map<string | number, PlanInstance>;
  /** What the search by the end of the address found for each end searched, or null for nothing. */
  byEnd: Map<string, PlanInstance | null>;
}
