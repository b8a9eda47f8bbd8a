// Bundles TypeScript from src/ into one ESM file a benchmark can import (Node 20 cannot run .ts).
import { build } from 'esbuild';
import { yamlModuleBuild } from '../../scripts/esbuild-yaml.mjs';

/** `source` is an entry file, or `{ contents }` of a TS module resolved from the repo root. */
export async function bundleForBench(root, source, outfile) {
  await build({
    ...(typeof source === 'string'
      ? { entryPoints: [source] }
      : { stdin: { contents: source.contents, resolveDir: root, loader: 'ts' } }),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // The same yaml build as dist/ (scripts/build.mjs), so the benches measure what ships.
    plugins: [yamlModuleBuild],
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return outfile;
}
