// Generates the validators of the rule file and configuration file schemas
// (schemas/rule.schema.json, schemas/config.schema.json), compiled ahead of time into plain
// functions, so that no run of the CLI compiles a schema before reading its rules: compiling the
// rule schema took a few hundred milliseconds of every start. The functions ajv would take from its
// own modules at run time (string length, deep equality, the uri format) come from
// src/util/schema-runtime.ts instead, so the generated code loads no part of ajv. `npm run
// validators` rewrites the files; a test fails when one is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import { _ } from "ajv/dist/compile/codegen/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

// A snapshot stops at its first error (a large one may hold thousands); dates are checked by a
// pattern, so `format` stays an annotation for editors. Resource properties have the canonical
// shape every source is held to.
const SNAPSHOT_OPTIONS = { verbose: true, validateFormats: false, discriminator: true, strict: false };

// The options the loaders always used: every error (the most specific one is shown), with the
// offending data and schema (the message says what was found and expected).
const FILE_OPTIONS = { allErrors: true, verbose: true, strict: false };

/** Each schema, the module generated from it, and where that module finds the run-time functions. */
export const SCHEMA_VALIDATORS = [
  {
    schema: "rule.schema.json",
    path: "src/engine/rule-validator.generated.ts",
    runtime: "../util/schema-runtime.js",
    options: FILE_OPTIONS,
  },
  {
    schema: "config.schema.json",
    path: "src/config/config-validator.generated.ts",
    runtime: "../util/schema-runtime.js",
    options: FILE_OPTIONS,
  },
  {
    schema: "rule-test.schema.json",
    path: "src/engine/rule-test-validator.generated.ts",
    runtime: "../util/schema-runtime.js",
    options: FILE_OPTIONS,
  },
  {
    schema: "snapshot.schema.json",
    path: "src/sources/snapshot-validator.generated.ts",
    runtime: "../util/schema-runtime.js",
    options: SNAPSHOT_OPTIONS,
    references: ["resources.schema.json"],
  },
  {
    // The same schema as a yes-or-no check, which a valid snapshot passes without building the
    // path and call context of each of its hundreds of thousands of nested values; only a snapshot
    // that fails it is validated again by the validator above, for the error to show.
    schema: "snapshot.schema.json",
    path: "src/sources/snapshot-check.generated.ts",
    runtime: "../util/schema-runtime.js",
    options: { ...SNAPSHOT_OPTIONS, verbose: false, messages: false },
    references: ["resources.schema.json"],
    passOnly: true,
  },
];

/**
 * Every call of a nested validator passes the path of the value it checks and the values around
 * it, made afresh for each call, and every validator unpacks them on entry, though they only end
 * up in an error. A yes-or-no check passes nothing but the value: its errors are never read, and
 * the result does not depend on the context (no `$data` references, no keywords of our own). The
 * paths its errors would be built from are all the empty `instancePath` of the module.
 */
const CALL_CONTEXT = /, ?\{instancePath:instancePath\+[^{}]*?,rootData(?:,dynamicAnchors)?\}/g;
const CONTEXT_PARAMETER =
  /(\bfunction validate\d+\(data), \{instancePath="", parentData, parentDataProperty, rootData=data(?:, dynamicAnchors=\{\})?\}=\{\}\)/g;
const EMPTY_PATH = 'const instancePath = "";';

const CONTEXT_LEFT =
  /\bvalidate\d+\([^()]*\{instancePath:|\bfunction validate\d+\(data, |\b(?:rootData|parentData|dynamicAnchors)\b/;

function withoutContext(code, name) {
  const bare = code.replace(CALL_CONTEXT, "").replace(CONTEXT_PARAMETER, "$1)");
  const left = CONTEXT_LEFT.exec(bare);
  if (left) throw new Error(`${name}: the check still passes or reads a call context (${left[0]})`);
  return bare;
}

/**
 * Each validator starts by forgetting the properties and items it evaluated last time when that
 * set depends on the data. Without `unevaluatedProperties` or `unevaluatedItems` in the schema
 * none does, and the yes-or-no check drops the test from each of its calls.
 */
const EVALUATED_RESET =
  /const (evaluated\d+) = validate\d+\.evaluated;\nif\(\1\.dynamicProps\)\{\n\1\.props = undefined;\n\}\nif\(\1\.dynamicItems\)\{\n\1\.items = undefined;\n\}\n/g;
const DYNAMIC_EVALUATION =
  /"dynamic(?:Props|Items)":true|\bevaluated\d+\b|\.evaluated\.|=\s*validate\d+\.evaluated\b/;

function withoutEvaluatedReset(code, name) {
  if (/"dynamic(?:Props|Items)":true/.test(code)) return code;
  const reset = code.replace(EVALUATED_RESET, "");
  const left = DYNAMIC_EVALUATION.exec(reset);
  if (left) throw new Error(`${name}: the check still reads what its validators evaluated (${left[0]})`);
  return reset;
}

/**
 * A yes-or-no check may state a rule in any form that accepts the same values. A non-empty string
 * written as `not: { const: "" }` (so that the validator's message says the string is empty) makes
 * ajv record an error for every string that passes, and throw it away; `minLength: 1` records
 * nothing. And with no length limit but that one, a string's length in UTF-16 units says what its
 * length in code points would: either is zero only for the empty string.
 */
function asYesOrNo(schema) {
  if (Array.isArray(schema)) return schema.map(asYesOrNo);
  if (schema === null || typeof schema !== "object") return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, asYesOrNo(value)]));
  const { not, ...rest } = copy;
  const notEmpty =
    copy.type === "string" &&
    not !== null &&
    typeof not === "object" &&
    Object.keys(not).length === 1 &&
    not.const === "" &&
    copy.minLength === undefined;
  return notEmpty ? { ...rest, minLength: 1 } : copy;
}

/** Whether no string length limit of the schemas is one a string's UTF-16 length could misjudge. */
function onlyEmptinessLimits(schemas) {
  const text = JSON.stringify(schemas);
  return (
    !/"maxLength"/.test(text) &&
    [...text.matchAll(/"minLength":(\d+)/g)].every(([, limit]) => Number(limit) <= 1)
  );
}

/**
 * ajv still honours `unicode: false` but calls it deprecated at every compile; that one notice is
 * expected here, and any other goes on to the console.
 */
const LOGGER = {
  log: console.log,
  warn: (...args) => {
    if (!/^DEPRECATED: option unicode\b/.test(String(args[0]))) console.warn(...args);
  },
  error: console.error,
};

const RUNTIME = {
  'require("ajv/dist/runtime/ucs2length").default': "ucs2length",
  'require("ajv/dist/runtime/equal").default': "jsonEqual",
  'require("schema-runtime").formats': "formats",
};

/** The generated module's text for one entry of `SCHEMA_VALIDATORS`, from the schema on disk. */
export function generateSchemaValidator({
  schema: name,
  runtime,
  options,
  references = [],
  passOnly = false,
}) {
  const read = (file) => {
    const parsed = JSON.parse(readFileSync(`${ROOT}/schemas/${file}`, "utf8"));
    return passOnly ? asYesOrNo(parsed) : parsed;
  };
  const schema = read(name);
  const referenced = references.map(read);
  const ajv = new Ajv2020({
    ...options,
    ...(passOnly && onlyEmptinessLimits([schema, ...referenced]) ? { unicode: false, logger: LOGGER } : {}),
    schemas: referenced,
    code: { source: true, esm: true, lines: true, formats: _`require("schema-runtime").formats` },
  });
  // The check itself is the run-time one (`formats.uri`); this only declares the format.
  ajv.addFormat("uri", () => true);
  const validate = ajv.compile(schema);
  let code = standaloneCode(ajv, validate);
  const used = new Set();
  for (const [call, local] of Object.entries(RUNTIME)) {
    if (code.includes(call)) {
      code = code.split(call).join(local);
      used.add(local);
    }
  }
  if (passOnly) code = withoutEvaluatedReset(withoutContext(code, name), name);
  const leftover = /\brequire\([^)]*\)/.exec(code);
  if (leftover) throw new Error(`${name}: the validator needs ${leftover[0]}; add it to schema-runtime.ts`);
  return [
    "/* eslint-disable */",
    "// @ts-nocheck",
    `// Generated by scripts/schema-validators.mjs from schemas/${name}${passOnly ? ", as a yes-or-no check" : ""}: do not edit.`,
    ...(used.size > 0 ? [`import { ${[...used].sort().join(", ")} } from "${runtime}";`] : []),
    ...(passOnly ? [EMPTY_PATH] : []),
    code,
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const entry of SCHEMA_VALIDATORS) {
    writeFileSync(`${ROOT}/${entry.path}`, generateSchemaValidator(entry));
    console.log(`wrote ${entry.path}`);
  }
}
