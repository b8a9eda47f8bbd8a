// Benchmark: the upgrade PR body and the bump summary with 5,000 pins, against one render of the
// same 5,000-row table (the least any body holding it can cost). Goal: the body under 50 ms.
// Usage: node bench/pr-body.mjs [pins=5000]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleForBench } from './support/bundle.mjs';

const root = new URL('..', import.meta.url).pathname;
const count = Number(process.argv[2] ?? 5000);
const work = mkdtempSync(join(tmpdir(), 'bench-pr-body-'));
const bundle = await bundleForBench(
  root,
  {
    contents:
      "export { buildPullRequestBody } from './src/core/report/pr-body.ts';\n" +
      "export { markdownTable } from './src/core/report/markdown.ts';\n" +
      "export { renderBumpSummary } from './src/core/bump/summary.ts';\n" +
      "export { checkConsistency } from './src/core/pins/consistency.ts';",
  },
  join(work, 'report.mjs'),
);
const { buildPullRequestBody, markdownTable, renderBumpSummary, checkConsistency } = await import(bundle);

const pins = Array.from({ length: count }, (_, i) => ({
  file: `clusters/c-${i % 100}/apps/team-${i}/kustomization.yaml`,
  line: 1 + (i % 40),
  column: 5,
  kind: 'kustomize-images',
  value: 'docker.io/istio/proxyv2:1.24.1',
  version: '1.24.1',
  format: 'plain',
  quote: 'none',
  role: i % 10 === 0 ? 'control-plane' : 'data-plane',
  ...(i % 3 === 0 ? { revision: 'canary' } : {}),
  location: 'images[0].newTag',
  start: 10,
  end: 16,
}));
const upgradePins = pins.map((p) => ({
  file: p.file,
  line: p.line,
  kind: p.kind,
  from: '1.24.1',
  to: '1.25.0',
}));
const metadata = { schema: 1, component: 'istio', from: '1.24.1', to: '1.25.0', policy: 'latest-patch' };
const before = checkConsistency(pins);
const bump = {
  pins,
  plan: {
    target: '1.25.0',
    edits: pins.map((pin) => ({ pin, target: '1.25.0', replacement: '1.25.0' })),
    unchanged: [],
    skipped: [],
    releaseChecked: true,
  },
  changedFiles: [...new Set(pins.map((p) => p.file))],
  previousVersions: ['1.24.1'],
  before,
  after: before,
  sources: [],
  sourcePlan: { moves: [], stuck: [] },
};

function median(fn, rounds = 7) {
  const times = [];
  let value;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    value = fn();
    times.push(performance.now() - start);
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(rounds / 2)], value };
}

const table = median(() =>
  markdownTable(
    ['file', 'kind', 'from', 'to'],
    upgradePins.map((p) => [`${p.file}:${p.line}`, p.kind, p.from, p.to]),
  ),
);
const body = median(() =>
  buildPullRequestBody({ from: '1.24.1', to: '1.25.0', pins: upgradePins }, metadata),
);
const consistency = median(() => checkConsistency(pins));
const summary = median(() => renderBumpSummary(bump, false));
console.log(
  `${count} pins, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(`one ${count}-row table render: ${table.ms.toFixed(1)} ms`);
console.log(
  `PR body: ${body.ms.toFixed(1)} ms (${body.value.length} chars), ${(body.ms / table.ms).toFixed(2)}x the table, goal < 50 ms`,
);
console.log(
  `pin consistency check: ${consistency.ms.toFixed(1)} ms, ${(consistency.ms / table.ms).toFixed(2)}x the table`,
);
console.log(`bump summary: ${summary.ms.toFixed(1)} ms, ${(summary.ms / table.ms).toFixed(2)}x the table`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
rmSync(work, { recursive: true, force: true });
