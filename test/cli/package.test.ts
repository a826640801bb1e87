import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../support/cli.js";

/**
 * The package as users get it: `npm pack`'s tarball holds what the CLI needs and nothing of the
 * project's own tests or build; it runs from the tarball with only the production dependencies;
 * and README names every licence those dependencies carry.
 *
 * A real `npm install` of the tarball needs the registry (its dependencies are not in a fresh npm
 * cache), which tests must not use: the test unpacks the tarball and gives it the production
 * dependency tree of this clone instead, which is what `npm install` would download.
 */

interface InstalledPackage {
  name: string;
  dir: string;
  license: string;
}

/** The production dependency tree, resolved the way Node resolves it from each package. */
function productionDependencies(): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const visit = (dir: string) => {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const required = Object.keys(manifest.dependencies ?? {}).map((name) => ({ name, optional: false }));
    const optional = Object.keys(manifest.optionalDependencies ?? {}).map((name) => ({
      name,
      optional: true,
    }));
    for (const { name, optional: isOptional } of [...required, ...optional]) {
      const installed = resolvePackage(name, dir);
      if (installed === undefined) {
        if (isOptional) continue;
        throw new Error(`${name}, a dependency of ${dir}, is not installed`);
      }
      const real = realpathSync(installed);
      if (found.has(real)) continue;
      const own = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as {
        name: string;
        license?: string | { type: string };
      };
      const license = typeof own.license === "string" ? own.license : (own.license?.type ?? "UNKNOWN");
      found.set(real, { name: own.name, dir: installed, license });
      visit(installed);
    }
  };
  visit(REPO);
  return [...found.values()];
}

function resolvePackage(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** SPDX identifiers in a licence expression such as `(MIT OR Apache-2.0)`. */
function licenceIds(expression: string): string[] {
  return expression.split(/[\s()]+/).filter((word) => word && !["OR", "AND", "WITH"].includes(word));
}

let work: string;
let tarball: string;
let files: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "ab-package-"));
  // `npm test` has just built dist/; the prepare script would only build it again.
  const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], {
    cwd: REPO,
    encoding: "utf8",
  });
  expect(pack.status, pack.stderr).toBe(0);
  const [packed] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = join(work, packed.filename);
  files = packed.files.map((file) => file.path);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("holds the CLI, its rules, schemas, policies, docs and example", () => {
    for (const needed of [
      "package.json",
      "README.md",
      "LICENSE",
      "dist/cli/bin.js",
      "dist/index.js",
      "dist/index.d.ts",
      "rules/network/ssh-from-internet.yaml",
      // `rules test` runs the built-in rules' cases: they are part of the product.
      "rules/network/ssh-from-internet.test.yaml",
      "schemas/config.schema.json",
      "policies/scanner-policy.json",
      "examples/snapshot.json",
    ]) {
      expect(files).toContain(needed);
    }
  });

  it("holds no tests, fixtures, sources, source maps or build outputs of other targets", () => {
    const unwanted = files.filter(
      (file) =>
        /^(test|src|scripts|coverage|node_modules)\//.test(file) ||
        file.endsWith(".map") ||
        file.startsWith("dist/config-rule-lambda/") ||
        /\.test\.(ts|js)$/.test(file),
    );
    expect(unwanted).toEqual([]);
  });

  it("runs from the tarball with only the production dependencies", async () => {
    const unpacked = join(work, "unpacked");
    await mkdir(unpacked);
    const untar = spawnSync("tar", ["-xzf", tarball, "-C", unpacked]);
    expect(untar.status).toBe(0);
    const modules = join(unpacked, "node_modules");
    for (const dependency of productionDependencies()) {
      const link = join(modules, dependency.name);
      if (existsSync(link)) continue;
      await mkdir(dirname(link), { recursive: true });
      await symlink(realpathSync(dependency.dir), link, "dir");
    }
    const bin = join(unpacked, "package", "dist", "cli", "bin.js");
    const run = (args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], {
        cwd: unpacked,
        encoding: "utf8",
        env: { PATH: process.env.PATH },
      });
    const manifest = JSON.parse(await readFile(join(REPO, "package.json"), "utf8")) as { version: string };
    const version = run(["--version"]);
    expect(version.stderr).toBe("");
    expect(version.stdout.trim()).toBe(manifest.version);
    // The built-in rules and schemas come from the package, not from this clone.
    const check = run(["check", "--snapshot", join(unpacked, "package", "examples", "snapshot.json")]);
    expect(check.stderr).toBe("");
    expect(check.status).toBe(1);
  });
});

describe("README", () => {
  it("names every licence of the production dependencies", async () => {
    const readme = await readFile(join(REPO, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Licence"));
    const licences = new Set(
      productionDependencies().flatMap((dependency) => licenceIds(dependency.license)),
    );
    expect(licences.size).toBeGreaterThan(1);
    const missing = [...licences].filter((licence) => !section.includes(licence));
    expect(missing).toEqual([]);
  });

  it("installs from a clone with npm ci, which builds dist/ through prepare", async () => {
    const readme = await readFile(join(REPO, "README.md"), "utf8");
    expect(readme).toContain("npm ci");
    const manifest = JSON.parse(await readFile(join(REPO, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.prepare).toBe("node scripts/prepare.mjs");
  });
});

describe("npx in a clone", () => {
  it("runs the clone's own command, as README says, without installing anything", async () => {
    const manifest = JSON.parse(await readFile(join(REPO, "package.json"), "utf8")) as { version: string };
    const readme = await readFile(join(REPO, "README.md"), "utf8");
    expect(readme).toContain("Run `npx access-baseline …` inside a clone");
    const run = spawnSync("npx", ["--no-install", "access-baseline", "--version"], {
      cwd: REPO,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    expect(run.stdout.trim()).toBe(manifest.version);
  });
});

describe("npm ci --omit=dev in a clone", () => {
  it("the prepare script skips the build, saying why, when TypeScript is not installed", async () => {
    const clone = join(work, "clone");
    await mkdir(join(clone, "scripts"), { recursive: true });
    await copyFile(join(REPO, "scripts", "prepare.mjs"), join(clone, "scripts", "prepare.mjs"));
    // No node_modules at all: the dev dependencies were omitted.
    const run = spawnSync(process.execPath, [join(clone, "scripts", "prepare.mjs")], {
      cwd: clone,
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/TypeScript is not installed .*not building dist\//);
  });
});
