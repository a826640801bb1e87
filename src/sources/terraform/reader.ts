import type { ArnScope } from "../../model/resource-types.js";
import { UNKNOWN_REGION, type JsonValue } from "../../model/resource.js";
import { isUnknown, unknownValue, type UnknownValue } from "../../model/unknown.js";
import type { InputFile } from "../files.js";
import { PLACEHOLDER_PARTITION, placeholderAccount } from "../iac.js";
import {
  isMapNode,
  isSeqNode,
  member,
  nodePosition,
  positionAt,
  toPlain,
  type MapNode,
  type PositionedValue,
} from "../positioned/node.js";
import type { InputProblem } from "../source.js";
import { mistypedAttributes, typeName, type AttributeSchema } from "./attributes.js";
import { ConfigurationSources, positionInBlock, type SourceBlock } from "./locations.js";
import {
  asArray,
  asRecord,
  childOf,
  mergeUnknown,
  moduleCalls,
  moduleOf,
  pathText,
  redactions,
  type Path,
} from "./values.js";
import type { SourcePosition } from "../../util/source-position.js";

/**
 * The plan document itself: its envelope, its modules and resource changes, and the values of
 * each managed resource instance with what Terraform knows only after apply. Each instance the
 * plan keeps (every action but a plain delete) is read from `resource_changes[].change.after`;
 * what `after_unknown` lists becomes an unknown marker naming the attribute and the address
 * ("cidr_blocks of aws_security_group.web is known only after apply"). The configuration is
 * indexed for `references.ts`, which follows references between resources. A part of the
 * document with the wrong JSON type is an input problem at its line, and reads as unknown.
 */

export interface Locator {
  file: string;
  position: SourcePosition;
  at(path: Path): SourcePosition | undefined;
}

export interface PlanInstance {
  address: string;
  moduleAddress: string;
  modulePath: string[];
  type: string;
  name: string;
  index: string | number | undefined;
  after: Record<string, unknown>;
  afterUnknown: unknown;
  /** Which planned values are sensitive (`after_sensitive`, `sensitive_values`): `true` where one is. */
  afterSensitive: unknown;
  config: Record<string, unknown> | undefined;
  /** Nested blocks the `.tf` source writes with `dynamic`, which the plan's configuration leaves out. */
  dynamicBlocks: ReadonlySet<string>;
  locator: Locator;
}

interface PlannedEntry {
  entry: MapNode;
  afterNode: PositionedValue | undefined;
  afterUnknown: unknown;
  afterSensitive: unknown;
}

export class PlanReader {
  readonly notes: string[] = [];
  readonly problems: InputProblem[] = [];
  readonly account: string;
  readonly instances: PlanInstance[] = [];
  /**
   * What the separate `aws_iam_role_policy_attachment`, `aws_iam_policy_attachment` and
   * `aws_iam_role_policy` resources of the plan gave each role before it (their `before`), by
   * the role's name in lower case. A role that leaves `managed_policy_arns` and `inline_policy`
   * to such resources shows them as it has them now, including what a resource the plan deletes
   * or changes gave it; those are that resource's to give, not the role's.
   */
  readonly priorRoleGrants = new Map<string, { policyArns: Set<string>; inlineNames: Set<string> }>();

  /** Where the plan's placeholder ARNs point: a plan names no partition, and its region only maybe. */
  get arnScope(): ArnScope {
    return { partition: PLACEHOLDER_PARTITION, region: this.region, account: this.account };
  }
  region = UNKNOWN_REGION;
  private configuration: Record<string, unknown> | undefined;
  private readonly byConfigAddress = new Map<string, PlanInstance[]>();
  private readonly configResources = new Map<string, Record<string, unknown>>();
  private readonly moduleConfigs = new Map<string, Record<string, unknown>>();
  private readonly moduleSources = new Map<string, string>();

  constructor(
    private readonly document: MapNode,
    readonly file: InputFile,
    private readonly cwd: string,
    /** The attributes each resource type's normalizer reads, with their JSON types. */
    private readonly schemaOf: (type: string) => AttributeSchema | undefined,
  ) {
    this.account = placeholderAccount(file.display);
  }

  // -------------------------------------------------------------------------------------------
  // Reading the plan

  async load(): Promise<void> {
    this.checkConfiguration();
    const configuration = asRecord(toPlain(member(this.document, "configuration")));
    this.configuration = configuration;
    this.indexModule(asRecord(configuration?.root_module), []);
    this.region = this.providerRegion(configuration);
    if (member(this.document, "errored") === true)
      this.notes.push(
        `${this.file.display}: the plan reports errors (errored: true); what it holds may be incomplete`,
      );

    const sources = ConfigurationSources.forPlan(this.file.path, this.cwd, this.moduleSources);
    const entries = this.document.keys.includes("resource_changes")
      ? this.resourceChanges()
      : this.plannedValues();
    if (this.document.keys.includes("resource_changes")) this.checkPlannedAgainstChanges();
    else this.checkPriorStateAgainstPlanned(entries);
    this.checkDeferred();

    for (const { entry, afterNode, afterUnknown, afterSensitive } of entries) {
      const text = (key: string) => {
        const value = member(entry, key);
        if (value === undefined || value === null || typeof value === "string") return value ?? "";
        this.mistyped(entry, key, `${key} of a resource in the Terraform plan`, "a string", value);
        return "";
      };
      const address = text("address");
      const type = text("type");
      const givenType = member(entry, "type");
      // Without its type a resource cannot be read as anything; leaving it out would pass the plan.
      if (givenType === undefined || givenType === null || givenType === "") {
        this.problem(
          nodePosition(entry),
          `${address !== "" ? address : "a resource"} in the Terraform plan has no type`,
        );
        continue;
      }
      const name = text("name");
      const givenModule = text("module_address");
      const moduleAddress = givenModule !== "" ? givenModule : moduleOf(address);
      // The module path picks the configuration a resource is read with (which blocks it sets,
      // what its references name): a module address that does not read as one, or that is not
      // the one its address starts with, would have it read with another module's configuration.
      const calls = moduleCalls(moduleAddress);
      if (calls.length !== moduleAddress.length || moduleOf(address) !== moduleAddress) {
        const index = entry.keys.lastIndexOf("module_address");
        this.problem(
          index === -1 ? nodePosition(entry) : positionAt(entry, index),
          calls.length !== moduleAddress.length
            ? `${address} in the Terraform plan has module address ${JSON.stringify(moduleAddress)}, which is not a module address`
            : `${address} in the Terraform plan has module address ${JSON.stringify(moduleAddress)}, yet its address says ${JSON.stringify(moduleOf(address))}: the plan contradicts itself`,
        );
        continue;
      }
      // The type picks the normalizer and the name the configuration; the address is what
      // findings name. A resource whose type or name its address contradicts would be judged
      // as, or skipped as, something its address does not say it is.
      const local = address.slice(moduleAddress === "" ? 0 : moduleAddress.length + 1);
      if (address !== "" && local !== `${type}.${name}` && !local.startsWith(`${type}.${name}[`)) {
        this.problem(
          nodePosition(entry),
          `${address} in the Terraform plan has type ${JSON.stringify(type)} and name ${JSON.stringify(name)}, which its address does not say: the plan contradicts itself`,
        );
        continue;
      }
      const indexValue = member(entry, "index");
      const modulePath = calls.calls.map((call) => call.name);
      const after = asRecord(toPlain(afterNode)) ?? {};
      if (afterNode !== undefined && afterNode !== null && !isMapNode(afterNode))
        this.problem(
          nodePosition(entry),
          `the planned values of ${address} must be an object, not ${typeName(afterNode)}`,
        );
      const instance: PlanInstance = {
        address,
        moduleAddress,
        modulePath,
        type,
        name,
        index: typeof indexValue === "string" || typeof indexValue === "number" ? indexValue : undefined,
        after,
        afterUnknown,
        afterSensitive,
        config: this.configResources.get(`${modulePath.join(".")}|${type}.${name}`),
        dynamicBlocks: new Set(),
        locator: this.planLocator(entry, afterNode),
      };
      this.checkTypes(instance, afterNode);
      const source = await sources.find(modulePath, type, name);
      if (source) {
        instance.locator = this.sourceLocator(source, instance);
        instance.dynamicBlocks = source.block.dynamicBlocks;
      }
      this.instances.push(instance);
      const key = `${moduleAddress}|${type}.${name}`;
      const list = this.byConfigAddress.get(key) ?? [];
      list.push(instance);
      this.byConfigAddress.set(key, list);
    }
  }

  private notePriorRoleGrant(type: string, beforeNode: PositionedValue | undefined): void {
    const before = isMapNode(beforeNode) ? asRecord(toPlain(beforeNode)) : undefined;
    if (before === undefined) return;
    // aws_iam_policy_attachment names its roles in a list, the others name one role.
    const roles = type === "aws_iam_policy_attachment" ? asArray(before.roles) : [before.role];
    for (const role of roles) {
      if (typeof role !== "string") continue;
      const key = role.toLowerCase();
      let grants = this.priorRoleGrants.get(key);
      if (grants === undefined)
        this.priorRoleGrants.set(key, (grants = { policyArns: new Set(), inlineNames: new Set() }));
      if (type === "aws_iam_role_policy") {
        if (typeof before.name === "string") grants.inlineNames.add(before.name);
      } else if (typeof before.policy_arn === "string") grants.policyArns.add(before.policy_arn);
    }
  }

  private resourceChanges(): PlannedEntry[] {
    const entries: PlannedEntry[] = [];
    const changes = this.list(this.document, "resource_changes", "resource_changes");
    // Terraform lists each resource once (and each deposed object of it once more, marked with
    // its key): a second entry for an address would be a second resource with the same name,
    // related and judged as if it were the only one.
    const listedAt = new Map<string, number>();
    changes?.items.forEach((entry, index) => {
      const shown = `resource_changes[${index}]`;
      if (!isMapNode(entry)) {
        this.problem(
          positionAt(changes, index),
          `${shown} of the Terraform plan must be an object, not ${typeName(entry)}`,
        );
        return;
      }
      const address = member(entry, "address");
      const deposed = member(entry, "deposed");
      if (typeof address === "string") {
        const key = typeof deposed === "string" ? `${address} deposed ${deposed}` : address;
        const first = listedAt.get(key);
        if (first !== undefined) {
          this.problem(
            positionAt(changes, index),
            `${shown} of the Terraform plan lists ${address} again (first at resource_changes[${first}]): the plan contradicts itself`,
          );
          return;
        }
        listedAt.set(key, index);
      }
      if (!this.managed(entry, shown, positionAt(changes, index))) return;
      const change = member(entry, "change");
      if (!isMapNode(change)) {
        if (change !== undefined)
          this.mistyped(
            entry,
            "change",
            `change of resource_changes[${index}] in the Terraform plan`,
            "an object",
            change,
          );
        return;
      }
      const type = member(entry, "type");
      if (
        type === "aws_iam_role_policy_attachment" ||
        type === "aws_iam_role_policy" ||
        type === "aws_iam_policy_attachment"
      )
        this.notePriorRoleGrant(type, member(change, "before"));
      const actions = toPlain(member(change, "actions"));
      if (Array.isArray(actions) && actions.length === 1 && actions[0] === "delete") return;
      const afterNode = member(change, "after");
      if (afterNode === undefined || afterNode === null) {
        this.missingValues(entry, change, "after", shown);
        return;
      }
      const afterUnknown = toPlain(member(change, "after_unknown"));
      const afterSensitive = toPlain(member(change, "after_sensitive"));
      if (!this.goodMarks(change, "after_unknown", afterUnknown, shown, entry)) return;
      if (!this.goodMarks(change, "after_sensitive", afterSensitive, shown, entry)) return;
      entries.push({ entry, afterNode, afterUnknown, afterSensitive });
    });
    return entries;
  }

  /** Without resource_changes (an empty or very old plan), planned values are all there is. */
  private plannedValues(): PlannedEntry[] {
    const entries: PlannedEntry[] = [];
    const visit = (module: PositionedValue | undefined, path: string) => {
      if (module === undefined || module === null) return;
      if (!isMapNode(module)) {
        this.problem(
          nodePosition(this.document),
          `${path} of the Terraform plan must be an object, not ${typeName(module)}`,
        );
        return;
      }
      const resources = this.list(module, "resources", `${path}.resources`);
      resources?.items.forEach((entry, index) => {
        const shown = `${path}.resources[${index}]`;
        if (!isMapNode(entry)) {
          this.problem(
            positionAt(resources, index),
            `${shown} of the Terraform plan must be an object, not ${typeName(entry)}`,
          );
          return;
        }
        if (!this.managed(entry, shown, positionAt(resources, index))) return;
        const afterNode = member(entry, "values");
        if (afterNode === undefined || afterNode === null) {
          this.missingValues(entry, entry, "values", shown);
          return;
        }
        const afterSensitive = toPlain(member(entry, "sensitive_values"));
        if (!this.goodMarks(entry, "sensitive_values", afterSensitive, shown)) return;
        entries.push({ entry, afterNode, afterUnknown: {}, afterSensitive });
      });
      this.list(module, "child_modules", `${path}.child_modules`)?.items.forEach((child, index) =>
        visit(child, `${path}.child_modules[${index}]`),
      );
    };
    const planned = member(this.document, "planned_values");
    if (isMapNode(planned)) visit(member(planned, "root_module"), "planned_values.root_module");
    else if (planned !== undefined && planned !== null)
      this.mistyped(
        this.document,
        "planned_values",
        "planned_values of the Terraform plan",
        "an object",
        planned,
      );
    return entries;
  }

  /**
   * Terraform lists every managed resource it keeps in resource_changes, unchanged ones as no-op;
   * the values read are those, and planned_values never holds a resource the plan deletes. A resource that planned_values holds and resource_changes does not
   * would go unread, so a plan edited into that shape is refused rather than passed.
   */
  private checkPlannedAgainstChanges(): void {
    const changed = new Set<string>();
    const changes = member(this.document, "resource_changes");
    if (isSeqNode(changes))
      for (const entry of changes.items) {
        if (!isMapNode(entry)) continue;
        // A resource the plan deletes is not read, so it cannot account for planned values.
        const change = member(entry, "change");
        const actions = isMapNode(change) ? toPlain(member(change, "actions")) : undefined;
        if (Array.isArray(actions) && actions.length === 1 && actions[0] === "delete") continue;
        const address = member(entry, "address");
        if (typeof address === "string") changed.add(address);
      }
    const planned = member(this.document, "planned_values");
    forEachManagedResource(isMapNode(planned) ? member(planned, "root_module") : undefined, (entry, at) => {
      const address = member(entry, "address");
      if (typeof address !== "string" || changed.has(address)) return;
      this.problem(
        at,
        `${address} is in planned_values, but resource_changes, which lists every resource a plan keeps, does not keep it: the plan contradicts itself, and the resource would go unchecked`,
      );
    });
  }

  /**
   * A plan without resource changes whose prior state holds resources it does not plan is a
   * refresh-only plan (`terraform plan -refresh-only`): it leaves them as they are and says
   * nothing of them but in prior_state, which is not read. Passing it would pass resources no
   * rule saw.
   */
  private checkPriorStateAgainstPlanned(entries: readonly PlannedEntry[]): void {
    const planned = new Set(entries.map(({ entry }) => member(entry, "address")));
    const prior = member(this.document, "prior_state");
    const values = isMapNode(prior) ? member(prior, "values") : undefined;
    forEachManagedResource(isMapNode(values) ? member(values, "root_module") : undefined, (entry, at) => {
      if (typeof member(entry, "deposed_key") === "string") return;
      const address = member(entry, "address");
      if (typeof address !== "string" || planned.has(address)) return;
      this.problem(
        at,
        `${address} is in prior_state, but the plan neither keeps nor deletes it (a plan made with -refresh-only plans no resources): it would go unchecked; check a plan made without -refresh-only`,
      );
    });
  }

  /**
   * Resources whose planning Terraform deferred (`deferred_changes`, a plan that is not complete)
   * are in no resource change: what they will be is decided by a later plan, so this one cannot
   * pass them.
   */
  private checkDeferred(): void {
    const deferred = this.list(this.document, "deferred_changes", "deferred_changes");
    deferred?.items.forEach((item, index) => {
      const change = isMapNode(item) ? member(item, "resource_change") : undefined;
      const address = isMapNode(change) ? member(change, "address") : undefined;
      const type = isMapNode(change) ? member(change, "type") : undefined;
      if (isMapNode(change) && member(change, "mode") === "data") return;
      const reason = isMapNode(item) ? member(item, "reason") : undefined;
      const shown = typeof address === "string" ? address : `deferred_changes[${index}]`;
      const message = `${shown} is deferred${typeof reason === "string" ? ` (${reason})` : ""}: the plan does not say yet what it will be, so it is not checked`;
      if (typeof type === "string" && this.schemaOf(type) === undefined)
        this.notes.push(`${this.file.display}: ${message}`);
      else this.problem(positionAt(deferred, index), message);
    });
  }

  /**
   * Whether the unknown or sensitive marks under `key` are what Terraform writes (true, false,
   * objects and lists). Marks of another kind would read as "known" and "not sensitive": what is
   * unknown or taken out would then read as the value the plan holds, or as not set.
   */
  private goodMarks(holder: MapNode, key: string, marks: unknown, shown: string, entry = holder): boolean {
    const bad = badMark(marks, []);
    if (bad === undefined) return true;
    const address = member(entry, "address");
    this.problem(
      positionAt(holder, holder.keys.lastIndexOf(key)),
      `${key} of ${typeof address === "string" ? address : shown} holds ${typeName(bad.mark as PositionedValue)}${bad.path.length > 0 ? ` at ${pathText(bad.path)}` : ""}, where Terraform writes true, false, an object or a list: the plan cannot say which values are ${key === "after_unknown" ? "unknown" : "sensitive"}`,
    );
    return false;
  }

  /** Whether a resource entry is a managed resource; one that says neither managed nor data is a problem. */
  private managed(entry: MapNode, shown: string, at: SourcePosition): boolean {
    const mode = member(entry, "mode");
    if (mode === "managed") return true;
    if (mode === "data") {
      // Data sources are read, not deployed, and are skipped; Terraform gives each an address in
      // `data.`, so a resource called data by its mode alone would be skipped on the plan's word.
      const address = member(entry, "address");
      if (typeof address !== "string" || isDataAddress(address)) return false;
      this.problem(
        at,
        `${shown} of the Terraform plan has mode "data", but ${address} is not a data source's address (data.…): the plan contradicts itself, and the resource would go unchecked`,
      );
      return false;
    }
    this.problem(
      at,
      mode === undefined
        ? `${shown} of the Terraform plan has no mode (managed or data)`
        : `${shown} of the Terraform plan has mode ${JSON.stringify(toPlain(mode))}, not managed or data`,
    );
    return false;
  }

  private missingValues(entry: MapNode, holder: MapNode, key: string, shown: string): void {
    const address = member(entry, "address");
    const index = holder.keys.lastIndexOf(key);
    this.problem(
      index === -1 ? nodePosition(holder) : positionAt(holder, index),
      `the planned values of ${typeof address === "string" ? address : shown} are missing, though the plan keeps it`,
    );
  }

  /** The parts of the configuration the reader follows references through. */
  private checkConfiguration(): void {
    const configuration = member(this.document, "configuration");
    if (configuration === undefined || configuration === null) return;
    if (!isMapNode(configuration))
      return this.mistyped(
        this.document,
        "configuration",
        "configuration of the Terraform plan",
        "an object",
        configuration,
      );
    const visit = (holder: MapNode, key: string, path: string): void => {
      const module = member(holder, key);
      if (module === undefined || module === null) return;
      if (!isMapNode(module))
        return this.mistyped(holder, key, `${path} of the Terraform plan`, "an object", module);
      this.list(module, "resources", `${path}.resources`);
      const calls = member(module, "module_calls");
      if (calls === undefined || calls === null) return;
      if (!isMapNode(calls))
        return this.mistyped(
          module,
          "module_calls",
          `${path}.module_calls of the Terraform plan`,
          "an object",
          calls,
        );
      calls.keys.forEach((name, index) => {
        const call = calls.values[index];
        const callPath = `${path}.module_calls.${name}`;
        if (isMapNode(call)) visit(call, "module", `${callPath}.module`);
        else if (call !== null && call !== undefined)
          this.mistyped(calls, name, `${callPath} of the Terraform plan`, "an object", call);
      });
    };
    visit(configuration, "root_module", "configuration.root_module");
  }

  /** The list under `key`, or nothing; anything else there is a problem, so it is never skipped unsaid. */
  private list(map: MapNode, key: string, shown: string) {
    const value = member(map, key);
    if (isSeqNode(value)) return value;
    if (value !== undefined && value !== null)
      this.mistyped(map, key, `${shown} of the Terraform plan`, "a list", value);
    return undefined;
  }

  /** `subject` (what the value is, and where) must be `expected`, not what it is. */
  private mistyped(
    map: MapNode,
    key: string,
    subject: string,
    expected: string,
    value: PositionedValue,
  ): void {
    this.problem(
      positionAt(map, map.keys.lastIndexOf(key)),
      `${subject} must be ${expected}, not ${typeName(value)}`,
    );
  }

  private problem(at: SourcePosition, message: string): void {
    this.problems.push({ file: this.file.display, line: at.line, column: at.column, message });
  }

  /**
   * Attributes of the wrong JSON type are reported where the plan writes them, and read as
   * unknown: the resource is still checked, and whatever depends on them cannot pass.
   */
  private checkTypes(instance: PlanInstance, afterNode: PositionedValue | undefined): void {
    const schema = this.schemaOf(instance.type);
    if (!schema || !isMapNode(afterNode)) return;
    for (const { path, position, complaint } of mistypedAttributes(
      schema,
      afterNode,
      instance.afterUnknown,
      nodePosition(afterNode),
    )) {
      const message = `${pathText(path)} of ${instance.address} ${complaint}`;
      this.problem(position, message);
      let parent: unknown = instance.after;
      for (const step of path.slice(0, -1))
        parent =
          parent !== null && typeof parent === "object"
            ? (parent as Record<string | number, unknown>)[step]
            : undefined;
      if (parent !== null && typeof parent === "object")
        (parent as Record<string | number, unknown>)[path.at(-1)!] = unknownValue(message);
    }
  }

  private indexModule(module: Record<string, unknown> | undefined, path: string[]): void {
    if (!module) return;
    this.moduleConfigs.set(path.join("."), module);
    for (const resource of asArray(module.resources)) {
      const record = asRecord(resource);
      if (record && typeof record.address === "string")
        this.configResources.set(`${path.join(".")}|${record.address}`, record);
    }
    for (const [name, call] of Object.entries(asRecord(module.module_calls) ?? {})) {
      const record = asRecord(call);
      const childPath = [...path, name];
      if (typeof record?.source === "string") this.moduleSources.set(childPath.join("."), record.source);
      this.indexModule(asRecord(record?.module), childPath);
    }
  }

  /**
   * The region of a provider configuration (`aws` by default, `aws.west` for an alias,
   * `module.a:aws` for one a module declares), when the plan states it; one a module is passed
   * names its parent by `parent_key`.
   */
  private providerRegion(configuration: Record<string, unknown> | undefined, key = "aws"): string {
    const providers = asRecord(configuration?.provider_config);
    let provider = asRecord(providers?.[key]);
    let providerKey = key;
    for (let depth = 0; depth < 16 && provider; depth += 1) {
      const region = asRecord(asRecord(provider.expressions)?.region);
      if (region !== undefined) {
        if (typeof region.constant_value === "string") return region.constant_value;
        // Only the root module's variables are in the plan.
        const reference = asArray(region.references).find(
          (item): item is string => typeof item === "string" && item.startsWith("var."),
        );
        if (reference && !providerKey.includes(":")) {
          const variables = asRecord(toPlain(member(this.document, "variables")));
          const value = asRecord(variables?.[reference.slice(4)])?.value;
          if (typeof value === "string") return value;
        }
        return UNKNOWN_REGION;
      }
      if (typeof provider.parent_key !== "string") break;
      providerKey = provider.parent_key;
      provider = asRecord(providers?.[providerKey]);
    }
    return UNKNOWN_REGION;
  }

  /**
   * The region an instance is deployed to: its own `region` (AWS provider 6 has one on each
   * resource), else that of the provider configuration it uses, which need not be the default:
   * a document or key deployed through `provider = aws.west` is in that provider's region.
   */
  regionOf(instance: PlanInstance): string {
    const own = this.value(instance, ["region"]);
    if (typeof own === "string" && own !== "") return own;
    if (isUnknown(own)) return UNKNOWN_REGION;
    const key = instance.config?.provider_config_key;
    if (typeof key !== "string" || key === "aws") return this.region;
    return this.providerRegion(this.configuration, key);
  }

  private planLocator(entry: MapNode, afterNode: PositionedValue | undefined): Locator {
    return {
      file: this.file.display,
      position: nodePosition(entry),
      at: (path) => {
        let node = afterNode;
        let found: SourcePosition | undefined;
        for (const step of path) {
          if (typeof step === "string" && isMapNode(node)) {
            const index = node.keys.lastIndexOf(step);
            if (index === -1) break;
            found = positionAt(node, index);
            node = node.values[index];
          } else if (typeof step === "number" && isSeqNode(node) && step < node.items.length) {
            found = positionAt(node, step);
            node = node.items[step];
          } else break;
        }
        return found;
      },
    };
  }

  private sourceLocator(source: SourceBlock, instance: PlanInstance): Locator {
    return {
      file: source.file,
      position: source.block.position,
      at: (path) =>
        positionInBlock(source.block, path, {
          nested: (name, index) => asRecord(asArray(instance.after[name])[index]),
        }),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Values

  /** The value at `path` in the planned attributes, or a marker when Terraform knows it only after apply. */
  value(instance: PlanInstance, path: Path): JsonValue | undefined {
    let unknown: unknown = instance.afterUnknown;
    let sensitive: unknown = instance.afterSensitive;
    let value: unknown = instance.after;
    // The sensitivity marks where the value first goes missing: a value Terraform marks
    // sensitive is always in its plan, so one that is not was taken out (a redacted plan).
    let missingMarks: unknown;
    let missing = false;
    for (const step of path) {
      if (unknown === true) return this.unknownAt(instance, path);
      if (isUnknown(value)) return value;
      if (!missing && (value === undefined || value === null)) {
        missing = true;
        missingMarks = sensitive;
      }
      unknown = childOf(unknown, step);
      sensitive = childOf(sensitive, step);
      value = childOf(value, step);
    }
    if (unknown === true) return this.unknownAt(instance, path);
    if (!missing && (value === undefined || value === null)) {
      missing = true;
      missingMarks = sensitive;
    }
    if (missing)
      return redactions(undefined, missingMarks) !== undefined
        ? this.redactedAt(instance, path)
        : (value as null | undefined);
    const merged = mergeUnknown(value, unknown, (inner) => this.unknownAt(instance, [...path, ...inner]));
    const redacted = redactions(merged, sensitive);
    return redacted === undefined
      ? merged
      : mergeUnknown(merged, redacted, (inner) => this.redactedAt(instance, [...path, ...inner]));
  }

  private redactedAt(instance: PlanInstance, path: Path): UnknownValue {
    return unknownValue(
      `${pathText(path)} of ${instance.address} is sensitive, and the plan holds no value for it (give the plan as \`terraform show -json\` prints it, sensitive values included)`,
    );
  }

  private unknownAt(instance: PlanInstance, path: Path): UnknownValue {
    return unknownValue(`${pathText(path)} of ${instance.address} is known only after apply`);
  }

  /**
   * An attribute that is optional and computed (a security group's inline `ingress`, a role's
   * `inline_policy`): when the configuration does not set it, the plan shows it as unknown, yet
   * this resource adds nothing through it, so it reads as `unset`. Only when the plan's
   * configuration is there to say so and the plan holds no value for it: a plan that writes
   * blocks yet marks them unknown as a whole contradicts itself, and the marker stays. Dynamic
   * blocks are missing from the configuration's expressions; the `.tf` source, when it is beside
   * the plan, tells them apart.
   */
  valueOrUnset(instance: PlanInstance, attribute: string, unset: JsonValue): JsonValue | undefined {
    const value = this.value(instance, [attribute]);
    const planned = instance.after[attribute];
    if (
      isUnknown(value) &&
      (planned === undefined || planned === null) &&
      instance.config !== undefined &&
      !this.configured(instance, attribute) &&
      !instance.dynamicBlocks.has(attribute)
    )
      return unset;
    return value;
  }

  /**
   * Whether the resource has the attribute: the configuration sets it, or the plan holds a known
   * value for it anyway — an optional, computed attribute the configuration leaves out keeps its
   * value from the prior state on an update (a key pair, an instance profile, security groups),
   * and that value is what will be deployed.
   */
  given(instance: PlanInstance, attribute: string): boolean {
    if (this.configured(instance, attribute)) return true;
    // Unknown and unset look alike in the planned values; only the configuration tells a key
    // pair set from another resource's output apart from none, so without it the value stays.
    if (instance.config === undefined && isUnknown(this.value(instance, [attribute]))) return true;
    const planned = instance.after[attribute];
    if (planned === undefined || planned === null || planned === "") return false;
    return !Array.isArray(planned) || planned.length > 0;
  }

  /** Whether the configuration sets the attribute at all (an unset computed attribute is AWS's default). */
  configured(instance: PlanInstance, attribute: string): boolean {
    const expressions = asRecord(instance.config?.expressions);
    return expressions !== undefined && attribute in expressions;
  }

  /** The module configuration at a module path (`net.subnets`; `""` for the root). */
  moduleConfig(path: string): Record<string, unknown> | undefined {
    return this.moduleConfigs.get(path);
  }

  /** The instances of `type.name` in the module instance at `moduleAddress`. */
  instancesOf(moduleAddress: string, typeAndName: string): readonly PlanInstance[] {
    return this.byConfigAddress.get(`${moduleAddress}|${typeAndName}`) ?? [];
  }
}

/** `data.aws_iam_policy_document.x`, `module.a["k"].data.aws_vpc.main`. */
function isDataAddress(address: string): boolean {
  const module = moduleOf(address);
  return address.startsWith(module === "" ? "data." : `${module}.data.`);
}

/** The first mark that is not true, false, an object or a list (what Terraform writes), and where. */
function badMark(marks: unknown, path: (string | number)[]): { mark: unknown; path: Path } | undefined {
  if (marks === undefined || typeof marks === "boolean") return undefined;
  if (marks === null || typeof marks !== "object") return { mark: marks, path };
  for (const [step, mark] of Object.entries(marks)) {
    const bad = badMark(mark, [...path, Array.isArray(marks) ? Number(step) : step]);
    if (bad) return bad;
  }
  return undefined;
}

/**
 * Each managed resource of a module of planned values or prior state, and of its child modules,
 * with where it is written. Entries that are not mappings are left to the readers of those parts.
 */
function forEachManagedResource(
  module: PositionedValue | undefined,
  each: (entry: MapNode, at: SourcePosition) => void,
): void {
  if (!isMapNode(module)) return;
  const resources = member(module, "resources");
  if (isSeqNode(resources))
    resources.items.forEach((entry, index) => {
      if (isMapNode(entry) && member(entry, "mode") === "managed") each(entry, positionAt(resources, index));
    });
  const children = member(module, "child_modules");
  if (isSeqNode(children)) for (const child of children.items) forEachManagedResource(child, each);
}
