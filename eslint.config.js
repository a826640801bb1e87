// Lint configuration: typescript-eslint's type-aware recommended rules, plus the hygiene the
// project relies on (no focused or skipped tests, no unused imports, no floating promises).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The pipeline is the folder structure (docs/architecture.md): a stage never imports a later one.
 * Each folder lists the folders of src/ it must not import; `npm test` runs ESLint, so a wrong
 * import fails the build.
 */
export const LAYERS = {
  util: [
    "model",
    "iam",
    "sources",
    "engine",
    "report",
    "config",
    "docs",
    "pipeline",
    "cli",
    "lambda",
    "campaign",
  ],
  model: ["iam", "sources", "engine", "report", "config", "docs", "pipeline", "cli", "lambda", "campaign"],
  iam: ["sources", "engine", "report", "config", "docs", "pipeline", "cli", "lambda", "campaign"],
  sources: ["engine", "report", "config", "docs", "pipeline", "cli", "lambda", "campaign"],
  engine: ["sources", "report", "config", "docs", "pipeline", "cli", "lambda", "campaign"],
  report: ["sources", "config", "docs", "pipeline", "cli", "lambda", "campaign"],
  config: ["sources", "report", "docs", "pipeline", "cli", "lambda", "campaign"],
  docs: ["sources", "report", "config", "pipeline", "cli", "lambda", "campaign"],
  pipeline: ["cli", "lambda", "campaign"],
  cli: ["lambda"],
  lambda: ["cli"],
  campaign: ["iam", "sources", "config", "docs", "cli", "lambda"],
};

export const layering = Object.entries(LAYERS).map(([folder, forbidden]) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: forbidden.map((later) => ({
          regex: `^(\\.\\./)+${later}(/|\\.js$)`,
          message: `src/${folder}/ must not import src/${later}/: a stage never imports a later one (docs/architecture.md).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "**/*.mjs", "src/**/*.generated.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["eslint.config.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[callee.object.name=/^(describe|it|test)$/][callee.property.name=/^(only|skip)$/]",
          message: "Focused or skipped tests must not be committed.",
        },
      ],
    },
  },
  ...layering,
  {
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
