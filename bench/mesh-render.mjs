// Benchmark: the mesh model's rendering of 300 kustomize roots (wrapper kustomization, origin
// annotations, parsing, source map) against the same `kustomize build` calls run bare, with the
// same parallelism, side by side in one run. Prints the ratio (goal <= 1.3x).
// Run: node bench/mesh-render.mjs [roots=300] [rounds=3]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleForBench } from './support/bundle.mjs';
import { commitRepo } from './support/git-repo.mjs';
import { cpuNow, cpuSince } from './support/cpu.mjs';

const root = new URL('..', import.meta.url).pathname;
const rootCount = Number(process.argv[2] ?? 300);
const rounds = Number(process.argv[3] ?? 3);
const concurrency = availableParallelism();

const scratch = mkdtempSync(join(tmpdir(), 'mesh-bench-'));
const bundle = join(scratch, 'mesh.mjs');
await bundleForBench(
  root,
  {
    contents: [
      "export { openRepoFiles } from './src/core/mesh/repo-files.ts';",
      "export { discoverRoots } from './src/core/mesh/roots.ts';",
      "export { renderRoots } from './src/core/mesh/render.ts';",
      "export { locateKustomize } from './src/core/mesh/kustomize.ts';",
      "export { buildMesh } from './src/core/mesh/model.ts';",
    ].join('\n'),
  },
  bundle,
);
const mesh = await import(bundle);

const repo = join(scratch, 'repo');
generateRepo(repo, rootCount);
commitRepo(repo);

const kustomize = mesh.locateKustomize();
const files = mesh.openRepoFiles(repo);
const { roots } = mesh.discoverRoots(files);
if (roots.length !== rootCount) throw new Error(`expected ${rootCount} roots, discovered ${roots.length}`);

const bareTimes = [];
const renderTimes = [];
const modelTimes = [];
const bareCpu = [];
const renderCpu = [];
/** Wall clock into `times`, CPU (this process and the kustomize processes it waited for) into `cpu`. */
const timed = async (times, cpu, work) => {
  const start = performance.now();
  const used = cpuNow();
  const result = await work();
  times.push(performance.now() - start);
  if (cpu) {
    const { own, children } = cpuSince(used);
    cpu.push(own + children);
  }
  return result;
};
const bareRun = () =>
  timed(bareTimes, bareCpu, () =>
    bounded(roots, concurrency, (r) =>
      run(kustomize.command, [...kustomize.prefix, 'build', join(repo, r.path)]),
    ),
  );
const renderRun = async () => {
  // As buildMesh runs it: the render reads the files discovery already read (and parsed).
  const repoFiles = mesh.openRepoFiles(repo);
  mesh.discoverRoots(repoFiles);
  const rendered = await timed(renderTimes, renderCpu, () =>
    mesh.renderRoots(repoFiles, roots, { kustomize, concurrency }),
  );
  const failed = rendered.filter((r) => !r.rendered);
  if (failed.length > 0) throw new Error(`render failed: ${failed[0].warnings[0]?.message}`);
};
const modelRun = () => timed(modelTimes, undefined, () => mesh.buildMesh(repo, { kustomize, concurrency }));
for (let round = 0; round < rounds; round++) {
  // The machine is shared: alternate the order so that drifting load does not favour one side.
  const order = round % 2 === 0 ? [bareRun, renderRun, modelRun] : [modelRun, renderRun, bareRun];
  for (const step of order) await step();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = median(bareTimes);
const render = median(renderTimes);
const model = median(modelTimes);
console.log(`${rootCount} kustomize roots, ${concurrency} at a time, median of ${rounds} rounds`);
console.log(
  `bare kustomize build: ${bare.toFixed(0)} ms; mesh render: ${render.toFixed(0)} ms; whole model: ${model.toFixed(0)} ms`,
);
console.log(
  `ratio render/bare: ${(render / bare).toFixed(2)}x (goal <= 1.3x); model/bare: ${(model / bare).toFixed(2)}x; ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
console.log(
  `cpu time (own + kustomize's): bare ${median(bareCpu).toFixed(0)} ms, render ${median(renderCpu).toFixed(0)} ms, ` +
    `cpu ratio ${(median(renderCpu) / median(bareCpu)).toFixed(2)}x (less sensitive to load than the wall-clock ratio)`,
);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
if (!process.env.KEEP_BENCH_REPO) rmSync(scratch, { recursive: true, force: true });
else console.log(`kept ${repo}`);

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(err))));
  });
}

async function bounded(items, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** 30 bases (a Deployment with a sidecar, a Service), and one overlay per root with a JSON6902 patch. */
function generateRepo(dir, count) {
  // A base no overlay includes would be a root of its own: never more bases than overlays.
  const bases = Math.min(30, count);
  for (let b = 0; b < bases; b++) {
    const base = join(dir, `bases/app-${b}`);
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'kustomization.yaml'), 'resources:\n  - deployment.yaml\n  - service.yaml\n');
    writeFileSync(
      join(base, 'deployment.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${b}\nspec:\n  selector:\n    matchLabels:\n      app: app-${b}\n  template:\n    metadata:\n      labels:\n        app: app-${b}\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/app-${b}:1.0.${b}\n          ports:\n            - containerPort: 8080\n`,
    );
    writeFileSync(
      join(base, 'service.yaml'),
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: app-${b}\nspec:\n  selector:\n    app: app-${b}\n  ports:\n    - port: 80\n      targetPort: 8080\n`,
    );
  }
  for (let i = 0; i < count; i++) {
    const overlay = join(dir, `overlays/env-${i}`);
    mkdirSync(overlay, { recursive: true });
    writeFileSync(
      join(overlay, 'kustomization.yaml'),
      `namespace: env-${i}\nresources:\n  - ../../bases/app-${i % bases}\npatches:\n  - path: sidecar.yaml\n    target:\n      kind: Deployment\n`,
    );
    writeFileSync(
      join(overlay, 'sidecar.yaml'),
      `- op: add\n  path: /spec/template/spec/containers/1\n  value:\n    name: istio-proxy\n    image: docker.io/istio/proxyv2:1.30.${i % 5}\n`,
    );
  }
}
