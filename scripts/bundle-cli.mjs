// Bundles the command (`dist/cli/bin.js`, package.json's bin) from src/cli/bin.ts, with the
// dependencies, into one entry module and shared chunks in `dist/cli/chunks/`.
//
// Why: Node resolves, reads and compiles every module of an ES module graph one file at a time.
// The compiled dist/ tree and its dependencies are some 400 files for `check`; that took about
// 70 ms of CPU before any work, half of a one-resource check. A handful of chunks costs a few
// milliseconds. Commands stay lazily loaded: each dynamic import in the sources becomes a chunk
// of its own, so `check` still reads no renderer, reader or SDK client it does not use.
//
// `dist/cli/bundle.json` records which sources each output file holds. Nothing reads it at run
// time; the start-up tests use it to tell which modules a command loaded.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import * as esbuild from "esbuild";

// CommonJS parts of the AWS SDK and commander call require() for Node built-ins, which an ES
// module lacks; esbuild routes those calls through its `__require` helper, which looks for a
// `require` in its own file. This line gives one to every output that names `require`.
export const REQUIRE_BANNER =
  'import{createRequire as __accessBaselineRequire}from"node:module";const require=__accessBaselineRequire(import.meta.url);';

/**
 * The output's text with the `require` line kept only where the rest of the file names `require`
 * (a word of its own: `required` does not count, `.require` does, to be safe). `check` loads some
 * forty chunks, of which one holds `__require`; every other chunk had paid for an import of
 * node:module and a createRequire call at each start, about 3 ms in all.
 */
export function withRequireWhereNamed(text) {
  const at = text.indexOf(REQUIRE_BANNER);
  if (at === -1) return text;
  const end = at + REQUIRE_BANNER.length + (text[at + REQUIRE_BANNER.length] === "\n" ? 1 : 0);
  const rest = text.slice(0, at) + text.slice(end);
  return /(?<![\w$])require(?![\w$])/u.test(rest) ? text : rest;
}

/** @param {string} root the package root */
export async function bundleCli(root) {
  const outdir = join(root, "dist", "cli");
  const chunks = join(outdir, "chunks");
  // Chunk names carry content hashes: an earlier build's chunks would otherwise pile up.
  await rm(chunks, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { bin: join(root, "src", "cli", "bin.ts") },
    outdir,
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    // Chunks are named .mjs: Node takes such a file for an ES module by its name, where for a .js
    // file it looks for the package.json that says so, at every chunk. The entry keeps its name
    // (package.json's bin), see `outputPath`.
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    platform: "node",
    target: "node20",
    format: "esm",
    // Less text for V8 to scan at start; names stay, so a `--debug` stack trace still reads.
    minifyWhitespace: true,
    minifySyntax: true,
    // Licence notices of bundled packages stay, at the end of each file.
    legalComments: "eof",
    charset: "utf8",
    mainFields: ["module", "main"],
    metafile: true,
    write: false,
    logLevel: "warning",
    banner: { js: REQUIRE_BANNER },
  });
  await mkdir(chunks, { recursive: true });
  const entry = join(outdir, "bin.mjs");
  const outputPath = (path) => (path === entry ? join(outdir, "bin.js") : path);
  for (const file of result.outputFiles) {
    const path = outputPath(file.path);
    await writeFile(path, file.path.endsWith(".mjs") ? withRequireWhereNamed(file.text) : file.contents);
  }
  const posix = (path) => path.split(sep).join("/");
  const bundle = {
    outputs: Object.fromEntries(
      Object.entries(result.metafile.outputs).map(([output, { inputs }]) => [
        posix(relative(outdir, outputPath(join(root, output)))),
        Object.keys(inputs).map(posix).sort(),
      ]),
    ),
  };
  await writeFile(join(outdir, "bundle.json"), `${JSON.stringify(bundle, null, 1)}\n`);
}
