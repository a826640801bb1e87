import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import formats from "ajv-formats";
import type { ValidateFunction } from "ajv";

/**
 * Validators shared by the reporter tests. The SARIF schema is the copy the SARIF multitool
 * package ships (JSON Schema 2020-12), so the tests depend on nothing outside `node_modules`.
 */

const require = createRequire(import.meta.url);

/** The multitool executable for this platform, as its npm package resolves it. */
export const SARIF_MULTITOOL: string = require("@microsoft/sarif-multitool") as string;

export function compileSchema(
  schema: object,
  options: { strict: boolean } = { strict: true },
): ValidateFunction {
  const ajv = new Ajv2020.default({ allErrors: true, strict: options.strict });
  formats.default(ajv);
  return ajv.compile(schema);
}

let sarifValidator: ValidateFunction | undefined;

/** The official SARIF 2.1.0 schema; `strict: false` because it is not ours to tidy. */
export function sarifSchemaValidator(): ValidateFunction {
  sarifValidator ??= compileSchema(
    JSON.parse(readFileSync(join(dirname(SARIF_MULTITOOL), "sarif-2.1.0.json"), "utf8")) as object,
    { strict: false },
  );
  return sarifValidator;
}
