import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { displayPath } from "../files.js";
import { findResources, type HclBlock, type HclResource } from "./hcl.js";
import type { SourcePosition } from "../../util/source-position.js";
import { readTextFile } from "../../util/text-file.js";

/**
 * The `.tf` sources of a plan's modules, when the configuration sits beside the plan file: the
 * root module in the plan's directory, local modules where their `source` says, registry modules
 * where `terraform init` put them (`.terraform/modules/modules.json`).
 */

export interface SourceBlock {
  /** The `.tf` file, relative to the working directory. */
  file: string;
  block: HclResource;
}

export class ConfigurationSources {
  private readonly directories = new Map<string, Promise<Map<string, SourceBlock>>>();
  private registry: Promise<Map<string, string>> | undefined;

  constructor(
    private readonly rootDirectory: string,
    private readonly cwd: string,
    /** Module call sources by module path (`net`, `net.subnets`), from the plan's configuration. */
    private readonly moduleSources: ReadonlyMap<string, string>,
  ) {}

  static forPlan(
    planPath: string,
    cwd: string,
    moduleSources: ReadonlyMap<string, string>,
  ): ConfigurationSources {
    return new ConfigurationSources(dirname(planPath), cwd, moduleSources);
  }

  /** The block of `type.name` in the module at `modulePath` (`[]` for the root), if found. */
  async find(modulePath: readonly string[], type: string, name: string): Promise<SourceBlock | undefined> {
    const directory = await this.directoryOf(modulePath);
    if (directory === undefined) return undefined;
    let blocks = this.directories.get(directory);
    if (!blocks) {
      blocks = this.scan(directory);
      this.directories.set(directory, blocks);
    }
    return (await blocks).get(`${type}.${name}`);
  }

  private async directoryOf(modulePath: readonly string[]): Promise<string | undefined> {
    let directory = this.rootDirectory;
    for (let depth = 1; depth <= modulePath.length; depth += 1) {
      const key = modulePath.slice(0, depth).join(".");
      const source = this.moduleSources.get(key);
      if (source !== undefined && (source.startsWith("./") || source.startsWith("../"))) {
        directory = join(directory, source);
        continue;
      }
      const installed = (await this.installed()).get(key);
      if (installed === undefined) return undefined;
      directory = join(this.rootDirectory, installed);
    }
    return directory;
  }

  private installed(): Promise<Map<string, string>> {
    this.registry ??= readTextFile(join(this.rootDirectory, ".terraform", "modules", "modules.json"))
      .then((text) => {
        const parsed = JSON.parse(text) as { Modules?: { Key?: unknown; Dir?: unknown }[] };
        const result = new Map<string, string>();
        for (const module of parsed.Modules ?? []) {
          if (typeof module.Key === "string" && typeof module.Dir === "string")
            result.set(module.Key, module.Dir);
        }
        return result;
      })
      .catch(() => new Map<string, string>());
    return this.registry;
  }

  private async scan(directory: string): Promise<Map<string, SourceBlock>> {
    const result = new Map<string, SourceBlock>();
    let names: string[];
    try {
      names = (await readdir(directory)).filter((name) => name.endsWith(".tf")).sort();
    } catch {
      return result;
    }
    for (const name of names) {
      const path = join(directory, name);
      let text: string;
      try {
        text = await readTextFile(path);
      } catch {
        continue;
      }
      for (const block of findResources(text)) {
        const key = `${block.type}.${block.name}`;
        if (!result.has(key)) result.set(key, { file: displayPath(this.cwd, path), block });
      }
    }
    return result;
  }
}

/** Where a path into a resource's attributes was written in its block, as near as known. */
export function positionInBlock(
  block: HclBlock,
  path: readonly (string | number)[],
  plan: { nested?: (name: string, index: number) => Record<string, unknown> | undefined } = {},
): SourcePosition | undefined {
  const [first, second, third] = path;
  if (typeof first !== "string") return undefined;
  const attribute = block.attributes.get(first);
  if (attribute) return attribute;
  const nested = block.blocks.get(first);
  if (!nested || nested.length === 0) return undefined;
  let chosen: HclBlock | undefined;
  if (typeof second === "number") {
    // Nested blocks such as `ingress` are sets: the plan's order is not the source order, so a
    // plan element is matched to the block whose literal values it shares.
    const values = plan.nested?.(first, second);
    if (nested.length === 1) chosen = nested[0];
    else if (values) {
      const matches = nested.filter((candidate) =>
        [...candidate.literals].every(([key, literal]) => {
          const value = values[key];
          return (
            value === undefined ||
            value === null ||
            ((typeof value === "string" || typeof value === "number" || typeof value === "boolean") &&
              String(value) === literal)
          );
        }),
      );
      if (matches.length === 1) chosen = matches[0];
    }
  }
  if (!chosen) return undefined;
  if (typeof third === "string") return chosen.attributes.get(third) ?? chosen.position;
  return chosen.position;
}
