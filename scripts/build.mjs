// Bundles one self-contained ESM file per action entry (src/actions/index/<action>.ts, which only calls
// run() from src/actions/<action>.ts -> dist/<action>/index.js) plus the CLI (src/cli/main.ts ->
// dist/cli/index.js). Runners execute dist/ as committed; `npm test` rebuilds it first (pretest).
import { build } from 'esbuild';
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { yamlModuleBuild } from './esbuild-yaml.mjs';

const root = new URL('..', import.meta.url).pathname;
const actionsDir = join(root, 'src/actions/index');
const only = process.argv.slice(2);
const entries = readdirSync(actionsDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => ({ name: basename(f, '.ts'), file: join(actionsDir, f) }));
entries.push({ name: 'cli', file: join(root, 'src/cli/main.ts') });

// With names (npm run build -- get-istioctl) only those bundles are rebuilt, leaving the rest.
if (only.length === 0) rmSync(join(root, 'dist'), { recursive: true, force: true });
const selected = only.length === 0 ? entries : entries.filter((e) => only.includes(e.name));
if (selected.length !== only.length && only.length > 0)
  throw new Error(`unknown bundle in: ${only.join(', ')}`);
for (const entry of selected) {
  await build({
    entryPoints: [entry.file],
    outfile: join(root, 'dist', entry.name, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [yamlModuleBuild],
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js:
        (entry.name === 'cli' ? '#!/usr/bin/env node\n' : '') +
        "import { createRequire as __autopilotCreateRequire } from 'node:module'; const require = __autopilotCreateRequire(import.meta.url);",
    },
  });
}
// The CLI is the package's bin: executable, as npm makes it on install, so git sees no mode change.
if (selected.some((e) => e.name === 'cli')) chmodSync(join(root, 'dist/cli/index.js'), 0o755);
console.log(`built ${selected.length} bundles: ${selected.map((e) => e.name).join(', ')}`);
