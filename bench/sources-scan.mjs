// Benchmark: what a plan adds to the pin scan for issue 18, over one generated repo, side by side in
// one run: the pin scan alone, the retired-host source scan, and the upgrade-note document scan.
// Prints each against the pin scan. Run: node bench/sources-scan.mjs [files=3000]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleForBench } from './support/bundle.mjs';
import { commitRepo } from './support/git-repo.mjs';

const root = new URL('..', import.meta.url).pathname;
const fileCount = Number(process.argv[2] ?? 3000);
const rounds = 5;
const scratch = mkdtempSync(join(tmpdir(), 'sources-bench-'));
const bundle = join(scratch, 'scan.mjs');
await bundleForBench(
  root,
  {
    contents: `export { extractPins } from './src/core/pins/engine.ts';
export { findIstioSources } from './src/core/sources/engine.ts';
export { repoSubjects } from './src/core/pipeline/upgrade-notes.ts';
export { noteKeywords } from './src/core/releases/upgrade-notes-detect.ts';
export { notesForHop } from './src/core/releases/upgrade-notes.ts';
export { silentLogger } from './src/core/logger.ts';`,
  },
  bundle,
);
const scan = await import(bundle);

const repo = join(scratch, 'repo');
for (let i = 0; i < fileCount; i++) {
  const folder = join(repo, `apps/team-${i % 50}`);
  mkdirSync(folder, { recursive: true });
  const proxy = i % 40 === 0 ? `gcr.io/istio-release/proxyv2:1.30.${i % 4}` : `ghcr.io/acme/svc-${i}:1.0.0`;
  writeFileSync(join(folder, `svc-${i}.yaml`), workload(i, proxy));
}
mkdirSync(join(repo, 'istio'), { recursive: true });
writeFileSync(
  join(repo, 'istio/istiod.yaml'),
  'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: istiod\nspec:\n  chart:\n    spec:\n      chart: istiod\n      version: 1.30.4\n  values:\n    pilot:\n      env:\n        PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY: "false"\n',
);
commitRepo(repo);

const keywords = scan.noteKeywords(scan.notesForHop('1.29.8', '1.31.0'));
const time = (fn) => {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
};
const results = { pins: [], sources: [], notes: [] };
let counts;
for (let round = 0; round < rounds; round++) {
  const pins = time(() => scan.extractPins({ root: repo }).pins.length);
  const sources = time(() => scan.findIstioSources({ root: repo }).length);
  const notes = time(() => scan.repoSubjects(repo, [], keywords, scan.silentLogger).length);
  results.pins.push(pins.ms);
  results.sources.push(sources.ms);
  results.notes.push(notes.ms);
  counts = { pins: pins.value, sources: sources.value, subjects: notes.value };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [p, s, n] = [median(results.pins), median(results.sources), median(results.notes)];
console.log(
  `repo: ${fileCount + 1} files; found ${counts.pins} pins, ${counts.sources} retired sources, ${counts.subjects} note documents`,
);
console.log(
  `pin scan ${p.toFixed(0)} ms, source scan ${s.toFixed(0)} ms, note scan ${n.toFixed(0)} ms (medians of ${rounds})`,
);
console.log(`source scan / pin scan: ${(s / p).toFixed(2)}x; note scan / pin scan: ${(n / p).toFixed(2)}x`);
rmSync(scratch, { recursive: true, force: true });

function workload(i, image) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  annotations:
    sidecar.istio.io/inject: "true"
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${image}
${'          # filler line to make the file the size of a real manifest\n'.repeat(40)}`;
}
