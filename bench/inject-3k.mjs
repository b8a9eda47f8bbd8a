// Benchmark: 3,000 workloads (mixed kinds) in 300 files, with the same real istioctl side by side.
// The floor is one raw `istioctl kube-inject` over every document. Each pipeline run is its own node
// process (startup and bundle load included, as in an action step) and prints its peak RSS.
//   first run / floor      clean repo, cold injection cache          (issue 19: report)
//   no-op / floor          the same again, nothing to change          (goal <= 0.1)
//   incremental / floor    10 workloads edited, as in a PR check      (report)
//   upgrade / floor        repo injected by the old istioctl, moved to the new one, cold cache (goal <= 0.6)
//     and against its bound: raw istioctl alone over those injected documents, in parallel
//   peak RSS               of the pipeline process                    (goal <= 512 MiB)
// Usage: node bench/inject-3k.mjs [new-istioctl] [old-istioctl]; BENCH_PER_FILE=1 adds the per-file loop,
// BENCH_FILES=<n> sizes the repo (n files of ten), BENCH_VERBOSE=1 prints each run's phases.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForBench } from './support/bundle.mjs';
import { generateWorkloadRepo } from './support/workloads.mjs';

const root = new URL('..', import.meta.url).pathname;
const versions = JSON.parse(readFileSync(join(root, 'test/istio-versions.json'), 'utf8'));
const cache = process.env.ISTIO_AUTOPILOT_CACHE ?? join(homedir(), '.cache', 'istio-autopilot');
const binary = process.argv[2] ?? join(cache, 'istioctl', versions.new.version, 'istioctl');
const oldBinary = process.argv[3] ?? join(cache, 'istioctl', versions.old.version, 'istioctl');
for (const b of [binary, oldBinary])
  if (!existsSync(b)) {
    console.error(`no istioctl at ${b}; run npm run istioctl:build first`);
    process.exit(1);
  }

// BENCH_FILES=<n>: a smaller repo for iteration (the issue's figures are at the default 300).
const FILES = Number(process.env.BENCH_FILES ?? 300);
const PER_FILE = 10;
const work = mkdtempSync(join(tmpdir(), 'bench-inject-3k-'));
const repo = join(work, 'repo');
const files = generateWorkloadRepo(repo, FILES, PER_FILE);

const bundle = await bundleForBench(
  root,
  {
    contents:
      "export { renderSidecars } from './src/core/inject/index.ts';\n" +
      "export { generateOfflineInjectConfig } from './src/core/istioctl/offline-config.ts';",
  },
  join(work, 'core.mjs'),
);
const { generateOfflineInjectConfig } = await import(bundle);

const version = execFileSync(binary, ['version', '--remote=false', '--short'], { encoding: 'utf8' })
  .trim()
  .replace(/^client version: /, '');
const config = await generateOfflineInjectConfig({ binary, version, outputDir: join(work, 'config') });
const injectArgs = [
  'kube-inject',
  '--injectConfigFile',
  config.injectConfigFile,
  '--meshConfigFile',
  config.meshConfigFile,
  '--valuesFile',
  config.valuesFile,
  '--revision',
  'default',
];

/** Runs istioctl under GNU time when present, for its peak RSS. */
function istioctl(args, stdin, env = {}) {
  return new Promise((resolve, reject) => {
    const timed = existsSync('/usr/bin/time');
    const child = spawn(timed ? '/usr/bin/time' : binary, timed ? ['-f', '%M', binary, ...args] : args, {
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, ENABLE_NATIVE_SIDECARS: 'false', ...env },
    });
    let stderr = '';
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', (d) => (stderr += d));
    if (stdin !== undefined) child.stdin.end(stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`istioctl exited ${code}: ${stderr.slice(-500)}`));
      const kib = timed ? Number(stderr.trim().split('\n').at(-1)) : NaN;
      resolve(Number.isFinite(kib) ? `istioctl peak RSS ${(kib / 1024).toFixed(0)} MiB` : '');
    });
  });
}

async function timed(label, fn) {
  const start = process.hrtime.bigint();
  const detail = await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label}: ${seconds.toFixed(2)} s${detail ? ` (${detail})` : ''}`);
  return seconds;
}

/** One pipeline run in a fresh node process; returns its report. */
function pipeline(label, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        // BENCH_CPU_PROF=<dir>: a CPU profile of each pipeline run, to see where its time goes.
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
        join(root, 'bench/support/inject-once.mjs'),
        bundle,
        JSON.stringify(options),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${label} exited ${code}`));
      const report = JSON.parse(out.trim().split('\n').at(-1));
      console.log(
        `${label}: ${report.seconds.toFixed(2)} s (${report.reinjectedDocuments} documents to istioctl in ` +
          `${report.istioctlProcesses} processes, ${report.changedFiles} files written, peak RSS ${report.maxRssMiB.toFixed(0)} MiB)`,
      );
      if (process.env.BENCH_VERBOSE) console.log(`    phases: ${report.marks.join(' | ')}`);
      resolve(report);
    });
  });
}

console.log(
  `istioctl ${version} (old ${versions.old.version}), ${FILES * PER_FILE} workloads in ${FILES} files, ` +
    `${availableParallelism()} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
const everything = () => files.map((f) => readFileSync(f, 'utf8')).join('---\n');
const clean = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
const floor = await timed('(floor) one raw kube-inject over all documents', () =>
  istioctl([...injectArgs, '-f', '-'], everything()),
);
let perFile;
if (process.env.BENCH_PER_FILE)
  perFile = await timed('(per-file) one istioctl kube-inject per file', async () => {
    for (const file of files) await istioctl([...injectArgs, '-f', file]);
  });

const cacheDir = join(work, 'inject-cache');
const run = (label, extra = {}) =>
  pipeline(label, { workspace: repo, paths: ['**/*.yaml'], istioctl: binary, cacheDir, ...extra });
const first = await run('(first) pipeline on the clean repo, cold cache');
if (first.injected !== FILES * PER_FILE) throw new Error(`injected ${first.injected}`);
const noop = await run('(no-op) the same again, nothing to change');
if (noop.changedFiles !== 0 || noop.istioctlProcesses !== 0) throw new Error('the no-op run did work');

// A PR check: ten workloads in ten files edited.
for (const file of files.slice(0, 10)) {
  const text = readFileSync(file, 'utf8');
  writeFileSync(
    file,
    text.replace(/image: registry\.example\.com\/app-(\d+):/, 'image: registry.example.com/app-$1-pr:'),
  );
}
const incremental = await run('(incremental) 10 workloads edited');

// The upgrade: the clean repo injected by the old istioctl (not timed), then moved to the new one.
for (const [file, text] of clean) writeFileSync(file, text);
await pipeline('(setup) inject with the old istioctl', {
  workspace: repo,
  paths: ['**/*.yaml'],
  istioctl: oldBinary,
  cacheDir: false,
});
// What istioctl alone costs for the upgrade: the new one over the old-injected documents, in as many
// processes at once as the pipeline uses. No pipeline can go below it while istioctl re-injects
// every document, so the upgrade is also printed against it. GOGC as the pipeline sets it.
const workers = availableParallelism();
const injectedFiles = files.map((f) => readFileSync(f, 'utf8'));
const share = Math.ceil(injectedFiles.length / workers);
const bound = await timed(
  `(upgrade bound) raw kube-inject over the old-injected documents, ${workers} processes`,
  () =>
    Promise.all(
      Array.from({ length: workers }, (_, w) =>
        istioctl([...injectArgs, '-f', '-'], injectedFiles.slice(w * share, (w + 1) * share).join('---\n'), {
          GOGC: '400',
        }),
      ),
    ).then((details) => details.filter(Boolean).join(', ')),
);
const upgrade = await run('(upgrade) old sidecars to the new istioctl, cold cache', {
  cacheDir: join(work, 'upgrade-cache'),
});
if (upgrade.changedFiles !== FILES) throw new Error(`the upgrade wrote ${upgrade.changedFiles} files`);

const ratio = (x, goal) => `${(x / floor).toFixed(3)}${goal ? ` (goal <= ${goal})` : ''}`;
console.log('');
console.log(`first run / floor   = ${ratio(first.seconds)}`);
console.log(`no-op / floor       = ${ratio(noop.seconds, 0.1)}`);
console.log(`incremental / floor = ${ratio(incremental.seconds)}`);
console.log(`upgrade / floor     = ${ratio(upgrade.seconds, 0.6)}`);
console.log(
  `  istioctl alone for it = ${ratio(bound)} of the floor; upgrade / that bound = ${(upgrade.seconds / bound).toFixed(3)}`,
);
if (perFile) console.log(`first run / per-file loop = ${(first.seconds / perFile).toFixed(3)}`);
const peak = Math.max(first.maxRssMiB, noop.maxRssMiB, incremental.maxRssMiB, upgrade.maxRssMiB);
console.log(
  `pipeline peak RSS   = ${peak.toFixed(0)} MiB = ${(peak / 512).toFixed(2)} of 512 MiB (goal <= 1)`,
);
console.log(
  `per workload: first ${((first.seconds / (FILES * PER_FILE)) * 1000).toFixed(2)} ms, ` +
    `no-op ${((noop.seconds / (FILES * PER_FILE)) * 1000).toFixed(3)} ms, upgrade ${((upgrade.seconds / (FILES * PER_FILE)) * 1000).toFixed(2)} ms`,
);
rmSync(work, { recursive: true, force: true });
