// Builds the AWS Config rule Lambda: one minified ES module with everything it needs — the
// handler, the engine, the rule pack and the AWS SDK clients (bundled, so their versions are the
// ones package-lock.json pins, not whatever the Lambda runtime happens to ship) — plus a zip for
// deployment and a manifest with sizes and checksums.
//
//   npm run build:lambda                      → dist/config-rule-lambda/
//   node scripts/build-lambda.mjs --outdir DIR
//
// The build is reproducible: the same sources and lockfile give byte-identical files (esbuild is
// deterministic; the zip has fixed timestamps and permissions).
//
// What changes in the bundle, and why:
// - `src/assets.ts` finds `rules/`, `schemas/` and `package.json` next to itself on disk; a
//   bundle has no such directories, so it is replaced by a module with the package's identity
//   and the rule schema embedded.
// - `src/lambda/builtin-rules.ts` reads `rules/`; it is replaced by the rule files' text, after
//   every rule has been validated and compiled here with the CLI's own loader (a rule that does
//   not load fails the build).
// - ajv, which the rule loader uses to validate rule files against the schema, is replaced by a
//   validator that accepts everything: the embedded rules were validated at build time, and
//   compiling the schema would otherwise take about 100 ms of every cold start.
// - The rules are embedded as JSON (the definitions the loader produced from the YAML files),
//   and `src/util/yaml-position.ts` gains a fast path that reads JSON text with JSON.parse:
//   parsing YAML with positions took 10-15 ms per rule file, JSON.parse takes microseconds. Text
//   that is not JSON still goes through the real parser.
// - `src/lambda/readers.ts` (the IAM, EC2 and SSM clients and readers, about two thirds of the
//   code) is built as a second module, `readers.mjs`, beside `index.mjs` in the zip, and imported
//   the first time an event needs it. V8 parses every function of a module it loads, used or not:
//   in the main module those 1.5 MB cost 150-300 ms of every cold start, including
//   security-group events that never call IAM, EC2 or SSM. No code is compiled from strings at
//   run time (`new Function`, `eval`), which environments that forbid dynamic code refuse.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";
import * as esbuild from "esbuild";
import { validatedRuleDefinitions } from "./rule-pack.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const ENTRY = join(ROOT, "src", "lambda", "handler.ts");
const ASSETS = join(ROOT, "src", "assets.ts");
const BUILTIN_RULES = join(ROOT, "src", "lambda", "builtin-rules.ts");
const RULE_LOADER = join(ROOT, "src", "engine", "rule-loader.ts");
const YAML_POSITION = join(ROOT, "src", "util", "yaml-position.ts");
const READERS = join(ROOT, "src", "lambda", "readers.ts");
const LOAD_READERS = join(ROOT, "src", "lambda", "load-readers.ts");
/** Packages that must reach the function only through the embedded readers chunk. */
const LAZY_PACKAGES = [
  "@aws-sdk/client-ec2",
  "@aws-sdk/client-iam",
  "@aws-sdk/client-ssm",
  "@aws-sdk/client-cloudtrail",
  "@aws-sdk/client-eventbridge",
];
const RULES_DIR = join(ROOT, "rules");

/** The bundle must stay within this size (the budget). */
export const MAX_BUNDLE_BYTES = 3 * 1024 * 1024;
/** The Lambda runtime the template deploys to; the bundle's syntax targets Node 20 and later. */
export const RUNTIME = "nodejs22.x";
export const HANDLER = "index.handler";

export async function buildLambda({ outdir = join(ROOT, "dist", "config-rule-lambda"), quiet = false } = {}) {
  const rules = await validatedRules();
  const schemas = {
    "rule.schema.json": JSON.parse(readFileSync(join(ROOT, "schemas", "rule.schema.json"), "utf8")),
    // The rule loader resolves every rule path against the canonical shapes.
    "resources.schema.json": JSON.parse(readFileSync(join(ROOT, "schemas", "resources.schema.json"), "utf8")),
  };
  const readers = await readersChunk();
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    // Licence notices of bundled packages stay, at the end of the one file.
    legalComments: "eof",
    charset: "utf8",
    mainFields: ["module", "main"],
    metafile: true,
    write: false,
    outfile: join(outdir, "index.mjs"),
    logLevel: "warning",
    banner: {
      // CommonJS parts of the SDK call require() for Node built-ins, which an ES module lacks.
      js: `// ${PACKAGE.name} AWS Config rule Lambda ${PACKAGE.version}\nimport{createRequire as __accessBaselineRequire}from"node:module";const require=__accessBaselineRequire(import.meta.url);`,
    },
    plugins: [lambdaPlugin({ rules, schemas })],
  });
  const bundled = Object.keys(result.metafile.inputs).filter((input) =>
    LAZY_PACKAGES.some((name) => input.split(sep).join("/").includes(`node_modules/${name}/`)),
  );
  if (bundled.length > 0) {
    throw new Error(
      `the main bundle imports ${bundled[0]} directly; reach it through src/lambda/load-readers.ts`,
    );
  }
  const bundle = result.outputFiles[0].contents;
  const modules = [
    { file: "index.mjs", data: bundle },
    { file: READERS_FILE, data: readers.code },
  ];
  for (const { file, data } of modules) {
    // The point of two modules: nothing may turn text into code when the function runs. (A
    // textual check for `eval` would flag methods of that name; the bundle test runs the function
    // with code generation from strings disallowed, which catches both.)
    const dynamic = /\bnew Function\s*\(/.exec(Buffer.from(data).toString("utf8"));
    if (dynamic) throw new Error(`${file} compiles code at run time (${dynamic[0]})`);
  }
  const totalBytes = modules.reduce((sum, { data }) => sum + data.length, 0);
  if (totalBytes > MAX_BUNDLE_BYTES) {
    throw new Error(
      `the bundle is ${formatBytes(totalBytes)}, over the budget of ${formatBytes(MAX_BUNDLE_BYTES)}`,
    );
  }
  await mkdir(outdir, { recursive: true });
  for (const { file, data } of modules) await writeFile(join(outdir, file), data);
  const bundlePath = join(outdir, "index.mjs");
  const zipName = `${PACKAGE.name}-config-rule-${PACKAGE.version}.zip`;
  const zip = zipFile(modules.map(({ file, data }) => ({ name: file, data: Buffer.from(data) })));
  await writeFile(join(outdir, zipName), zip);
  const manifest = {
    name: `${PACKAGE.name}-config-rule`,
    version: PACKAGE.version,
    runtime: RUNTIME,
    handler: HANDLER,
    bundle: { file: "index.mjs", bytes: bundle.length, sha256: sha256(bundle) },
    // Imported on first use; the budget counts every module.
    modules: modules.map(({ file, data }) => ({ file, bytes: data.length, sha256: sha256(data) })),
    totalBytes,
    zip: { file: zipName, bytes: zip.length, sha256: sha256(zip) },
    rules: rules.map((rule) => rule.id),
    awsSdk: sdkVersions([result.metafile, readers.metafile]),
  };
  await writeFile(join(outdir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  if (!quiet) {
    console.log(
      `built ${relative(ROOT, bundlePath)} and ${READERS_FILE}: ${formatBytes(totalBytes)} (budget ${formatBytes(MAX_BUNDLE_BYTES)})`,
    );
    console.log(
      `      ${relative(ROOT, join(outdir, zipName))}: ${formatBytes(zip.length)}, sha256 ${manifest.zip.sha256}`,
    );
    console.log(`      ${rules.length} rules; handler ${HANDLER}, runtime ${RUNTIME}`);
  }
  return { outdir, bundlePath, zipPath: join(outdir, zipName), manifest };
}

// ---------------------------------------------------------------------------------------------
// The rule pack, validated with the CLI's loader (scripts/rule-pack.mjs)

async function validatedRules() {
  // The loader is TypeScript: bundle it on the fly (with the assets it reads embedded from the
  // repository as they are) and run it on rules/.
  const dir = await mkdtemp(join(tmpdir(), "access-baseline-rules-"));
  try {
    const file = join(dir, "rule-loader.mjs");
    await esbuild.build({
      entryPoints: [RULE_LOADER],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: file,
      logLevel: "warning",
      banner: { js: `import{createRequire as __r}from"node:module";const require=__r(import.meta.url);` },
      plugins: [
        {
          name: "repository-assets",
          setup(build) {
            build.onResolve({ filter: /assets\.js$/ }, (args) =>
              resolvesTo(args, ASSETS) ? { path: ASSETS, namespace: "access-baseline" } : undefined,
            );
            build.onLoad({ filter: /.*/, namespace: "access-baseline" }, () => ({
              contents: assetsModule(allSchemas()),
              loader: "js",
            }));
          },
        },
      ],
    });
    const loader = await import(pathToFileURL(file).href);
    const rules = await validatedRuleDefinitions(loader, RULES_DIR, ROOT);
    return rules.map(({ rule, text }) => ({
      id: rule.metadata.id,
      resourceTypes: rule.metadata.resourceTypes,
      params: Object.keys(rule.params),
      file: rule.metadata.file,
      text,
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function allSchemas() {
  const schemas = {};
  for (const name of [
    "rule.schema.json",
    "rule-test.schema.json",
    "config.schema.json",
    "snapshot.schema.json",
    "resources.schema.json",
  ]) {
    const path = join(ROOT, "schemas", name);
    if (existsSync(path)) schemas[name] = JSON.parse(readFileSync(path, "utf8"));
  }
  return schemas;
}

// ---------------------------------------------------------------------------------------------
// The bundle's replacements

function resolvesTo(args, target) {
  if (args.kind === "entry-point" || !args.path.startsWith(".")) return false;
  const candidate = join(args.resolveDir, args.path).replace(/\.js$/, ".ts");
  return candidate === target;
}

/** `src/assets.ts` with its data embedded; its export names are checked against the original. */
function assetsModule(schemas) {
  const original = readFileSync(ASSETS, "utf8");
  const exported = [...original.matchAll(/^export (?:const|function|let|class) (\w+)/gm)].map(
    (match) => match[1],
  );
  const provided = ["PACKAGE_ROOT", "BUILTIN_RULES_DIR", "loadSchema", "PACKAGE", "INFORMATION_URI"];
  const missing = exported.filter((name) => !provided.includes(name));
  if (missing.length > 0) {
    throw new Error(
      `src/assets.ts exports ${missing.join(", ")}, which the Lambda bundle's replacement lacks`,
    );
  }
  const uri = /INFORMATION_URI = "([^"]+)"/.exec(original)?.[1] ?? "";
  return [
    `export const PACKAGE_ROOT = "/";`,
    `export const BUILTIN_RULES_DIR = "rules";`,
    `const SCHEMAS = ${JSON.stringify(schemas)};`,
    `export function loadSchema(name) {`,
    `  const schema = SCHEMAS[name];`,
    `  if (!schema) throw new Error("schema " + name + " is not embedded in this bundle");`,
    `  return schema;`,
    `}`,
    `export const PACKAGE = ${JSON.stringify({ name: PACKAGE.name, version: PACKAGE.version })};`,
    `export const INFORMATION_URI = ${JSON.stringify(uri)};`,
  ].join("\n");
}

const AJV_STUB = [
  "// Rules in this bundle were validated against the schema at build time.",
  "export class Ajv2020 { compile() { const validate = () => true; validate.errors = null; return validate; } }",
  "export default Ajv2020;",
].join("\n");

/** The file name of the lazily imported module, beside `index.mjs`. */
const READERS_FILE = "readers.mjs";

/** `src/lambda/readers.ts` and everything it needs, as one ES module of its own. */
async function readersChunk() {
  const result = await esbuild.build({
    entryPoints: [READERS],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    legalComments: "eof",
    charset: "utf8",
    mainFields: ["module", "main"],
    metafile: true,
    write: false,
    outfile: READERS_FILE,
    logLevel: "warning",
    banner: {
      js: `import{createRequire as __accessBaselineRequire}from"node:module";const require=__accessBaselineRequire(import.meta.url);`,
    },
  });
  if (Object.keys(result.metafile.inputs).some((input) => input.endsWith("src/assets.ts"))) {
    throw new Error("src/lambda/readers.ts reaches src/assets.ts, which the readers module cannot embed");
  }
  return { code: result.outputFiles[0].contents, metafile: result.metafile };
}

/** `src/util/yaml-position.ts` with a fast path for JSON text (the embedded rules). */
function yamlPositionModule() {
  return [
    `import * as real from ${JSON.stringify(YAML_POSITION)};`,
    `const ORIGIN = { line: 1, column: 1 };`,
    `export function parseYaml(text) {`,
    `  if (text.startsWith("{")) {`,
    `    try {`,
    `      const value = JSON.parse(text);`,
    `      return { json: value, document: { errors: [], contents: null }, lineCounter: { linePos: () => ({ line: 1, col: 1 }) } };`,
    `    } catch {}`,
    `  }`,
    `  return real.parseYaml(text);`,
    `}`,
    `export function toJs(parsed) { return "json" in parsed ? structuredClone(parsed.json) : real.toJs(parsed); }`,
    `export function positionAt(parsed, offset) { return "json" in parsed ? ORIGIN : real.positionAt(parsed, offset); }`,
    `export function positionOf(parsed, pointer, options) { return "json" in parsed ? ORIGIN : real.positionOf(parsed, pointer, options); }`,
  ].join("\n");
}

function lambdaPlugin({ rules, schemas }) {
  return {
    name: "access-baseline-lambda",
    setup(build) {
      build.onResolve({ filter: /(assets|builtin-rules|yaml-position|readers)\.js$/ }, (args) => {
        if (resolvesTo(args, ASSETS)) return { path: "assets", namespace: "access-baseline" };
        if (resolvesTo(args, BUILTIN_RULES)) return { path: "builtin-rules", namespace: "access-baseline" };
        if (resolvesTo(args, YAML_POSITION) && args.importer === RULE_LOADER) {
          return { path: "yaml-position", namespace: "access-baseline" };
        }
        if (resolvesTo(args, READERS) && args.importer === LOAD_READERS) {
          return { path: `./${READERS_FILE}`, external: true };
        }
        return undefined;
      });
      build.onResolve({ filter: /^ajv(-formats)?(\/.*)?$/ }, (args) => {
        if (args.importer !== RULE_LOADER) {
          return {
            errors: [
              {
                text: `${relative(ROOT, args.importer)} imports ${args.path}; the Lambda bundle only expects the rule loader to`,
              },
            ],
          };
        }
        return {
          path: args.path.startsWith("ajv-formats") ? "ajv-formats" : "ajv",
          namespace: "access-baseline",
        };
      });
      build.onLoad({ filter: /.*/, namespace: "access-baseline" }, (args) => {
        switch (args.path) {
          case "assets":
            return { contents: assetsModule(schemas), loader: "js" };
          case "builtin-rules":
            return {
              contents: `const RULES = ${JSON.stringify(rules)};\nexport function builtinRuleSources() { return RULES; }`,
              loader: "js",
            };
          case "yaml-position":
            return { contents: yamlPositionModule(), loader: "js", resolveDir: ROOT };
          case "ajv":
            return { contents: AJV_STUB, loader: "js" };
          case "ajv-formats":
            return { contents: "export default { default() {} };", loader: "js" };
          default:
            return undefined;
        }
      });
    },
  };
}

function sdkVersions(metafiles) {
  const versions = {};
  for (const input of metafiles.flatMap((metafile) => Object.keys(metafile.inputs))) {
    const match = /node_modules\/(@aws-sdk\/client-[^/]+)\//.exec(input.split(sep).join("/"));
    if (match && !versions[match[1]]) {
      versions[match[1]] = JSON.parse(
        readFileSync(join(ROOT, "node_modules", match[1], "package.json"), "utf8"),
      ).version;
    }
  }
  return Object.fromEntries(Object.entries(versions).sort(([a], [b]) => (a < b ? -1 : 1)));
}

// ---------------------------------------------------------------------------------------------
// A deterministic zip: deflated entries, a fixed date (1980-01-01), mode 0644.

function zipFile(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const checksum = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0o100644 * 0x10000, 38); // regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

function formatBytes(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

async function main(argv) {
  let outdir;
  for (let index = 0; index < argv.length; index += 1) {
    if (argv[index] === "--outdir" && argv[index + 1]) {
      outdir = argv[index + 1];
      index += 1;
    } else throw new Error(`build-lambda: unknown option ${argv[index]} (options: --outdir DIR)`);
  }
  await buildLambda(outdir ? { outdir: resolve(outdir) } : {});
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    await main(process.argv.slice(2));
  } catch (error) {
    console.error(`build-lambda: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
