// Benchmark: 3,000 workloads (mixed kinds) in 300 files, injected three ways with the same real istioctl:
// (a) our pipeline, (b) one `istioctl kube-inject` per file, (c) one raw kube-inject over everything (the floor).
// Prints a/b (goal <= 0.1) and a/c (goal <= 1.25). Usage: node bench/inject-3k.mjs [istioctl-binary]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForBench } from './support/bundle.mjs';

const root = new URL('..', import.meta.url).pathname;
const versions = JSON.parse(readFileSync(join(root, 'test/istio-versions.json'), 'utf8'));
const cache = process.env.ISTIO_AUTOPILOT_CACHE ?? join(homedir(), '.cache', 'istio-autopilot');
const binary = process.argv[2] ?? join(cache, 'istioctl', versions.new.version, 'istioctl');
if (!existsSync(binary)) {
  console.error(`no istioctl at ${binary}; run npm run istioctl:build first`);
  process.exit(1);
}

const FILES = 300;
const PER_FILE = 10;
const KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'];

function podSpec(i, indent) {
  const pad = ' '.repeat(indent);
  return [
    `${pad}containers:`,
    `${pad}  - name: app`,
    `${pad}    image: registry.example.com/app-${i % 50}:1.${i % 7}.0`,
    `${pad}    ports: [{containerPort: 8080}]`,
    `${pad}    env: [{name: MODE, value: bench}]`,
    ...(i % 3 === 0 ? [`${pad}    readinessProbe: {httpGet: {path: /ready, port: 8080}}`] : []),
  ].join('\n');
}

function workload(i) {
  const kind = KINDS[i % KINDS.length];
  const name = `svc-${i}`;
  const meta = `metadata:\n  name: ${name}\n  namespace: team-${i % 12}\n  labels: {app: ${name}}`;
  const template = (indent) =>
    `${' '.repeat(indent)}metadata:\n${' '.repeat(indent)}  labels: {app: ${name}, version: v1}\n${' '.repeat(indent)}spec:\n` +
    (kind === 'Job' || kind === 'CronJob' ? `${' '.repeat(indent + 2)}restartPolicy: Never\n` : '') +
    podSpec(i, indent + 2);
  switch (kind) {
    case 'Pod':
      return `apiVersion: v1\nkind: Pod\n${meta}\nspec:\n${podSpec(i, 2)}`;
    case 'Job':
      return `apiVersion: batch/v1\nkind: Job\n${meta}\nspec:\n  template:\n${template(4)}`;
    case 'CronJob':
      return `apiVersion: batch/v1\nkind: CronJob\n${meta}\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n${template(8)}`;
    default:
      return `apiVersion: apps/v1\nkind: ${kind}\n${meta}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n${kind === 'StatefulSet' ? `  serviceName: ${name}\n` : ''}  template:\n${template(4)}`;
  }
}

const work = mkdtempSync(join(tmpdir(), 'bench-inject-3k-'));
const repo = join(work, 'repo');
const files = [];
for (let f = 0; f < FILES; f++) {
  const docs = [];
  for (let d = 0; d < PER_FILE; d++) {
    const i = f * PER_FILE + d;
    docs.push(`# workload ${i}\n${workload(i)}\n`);
    if (d % 5 === 4)
      docs.push(
        `apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}, namespace: team-${i % 12}}\nspec: {ports: [{port: 80}]}\n`,
      );
  }
  const path = join(repo, `team-${f % 12}`, `app-${f}.yaml`);
  mkdirSync(join(repo, `team-${f % 12}`), { recursive: true });
  writeFileSync(path, docs.join('---\n'));
  files.push(path);
}

// Bundle the TypeScript core for node (node 20 cannot run .ts).
const bundle = await bundleForBench(
  root,
  {
    contents:
      "export { renderSidecars } from './src/core/inject/index.ts';\n" +
      "export { generateOfflineInjectConfig } from './src/core/istioctl/offline-config.ts';",
  },
  join(work, 'core.mjs'),
);
const { renderSidecars, generateOfflineInjectConfig } = await import(bundle);

// Offline config for (b) and (c), rendered the way the pipeline renders its own.
const configDir = join(work, 'config');
const version = execFileSync(binary, ['version', '--remote=false', '--short'], { encoding: 'utf8' })
  .trim()
  .replace(/^client version: /, '');
const config = await generateOfflineInjectConfig({ binary, version, outputDir: configDir });
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

function istioctl(args, stdin, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, ENABLE_NATIVE_SIDECARS: 'false', ...env },
    });
    let bytes = 0;
    child.stdout.on('data', (d) => (bytes += d.length));
    child.stderr.on('data', () => undefined);
    if (stdin !== undefined) child.stdin.end(stdin);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(bytes) : reject(new Error(`istioctl exited ${code}`))));
  });
}

async function timed(label, fn) {
  const start = process.hrtime.bigint();
  const detail = await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label}: ${seconds.toFixed(2)} s${detail ? ` (${detail})` : ''}`);
  return seconds;
}

console.log(
  `istioctl ${version}, ${FILES * PER_FILE} workloads in ${FILES} files, ${availableParallelism()} CPUs`,
);
const b = await timed('(b) per-file loop', async () => {
  for (const file of files) await istioctl([...injectArgs, '-f', file]);
  return `${files.length} istioctl processes`;
});
const c = await timed('(c) one raw kube-inject over all documents', async () => {
  const all = files.map((f) => readFileSync(f, 'utf8')).join('---\n');
  await istioctl([...injectArgs, '-f', '-'], all);
  return '1 istioctl process';
});
// The pipeline runs istioctl with GOGC=400; the same floor with that setting, for a like-for-like view.
const cTuned = await timed('(c2) the same raw kube-inject with GOGC=400', async () => {
  const all = files.map((f) => readFileSync(f, 'utf8')).join('---\n');
  await istioctl([...injectArgs, '-f', '-'], all, { GOGC: '400' });
  return '1 istioctl process';
});

/** Times the pipeline's phases from its own log lines. */
function phaseLogger(marks) {
  const start = Date.now();
  const mark = (message) => marks.push(`${((Date.now() - start) / 1000).toFixed(2)}s ${message}`);
  return { info: mark, warning: mark, notice: () => undefined, debug: () => undefined };
}
const marks = [];
const a = await timed('(a) renderSidecars pipeline (in-place, incl. offline config)', async () => {
  const result = await renderSidecars(
    { workspace: repo, paths: ['**/*.yaml'], istioctl: binary },
    { logger: phaseLogger(marks) },
  );
  if (result.injected !== FILES * PER_FILE)
    throw new Error(`injected ${result.injected}, expected ${FILES * PER_FILE}`);
  return `${result.injected} injected, ${result.changedFiles.length} files, ${result.istioctlProcesses} istioctl processes`;
});
const again = await timed('(a2) second pipeline run (no changes expected)', async () => {
  const result = await renderSidecars({ workspace: repo, paths: ['**/*.yaml'], istioctl: binary });
  if (result.changedFiles.length !== 0)
    throw new Error(`second run changed ${result.changedFiles.length} files`);
  return 'idempotent';
});
console.log(`    phases of (a): ${marks.join(' | ')}`);
console.log(`a/b = ${(a / b).toFixed(3)} (goal <= 0.1)`);
console.log(`a/c = ${(a / c).toFixed(3)} (goal <= 1.25)`);
console.log(`a/c2 = ${(a / cTuned).toFixed(3)} (floor with the same GC setting)`);
console.log(`second run / c = ${(again / c).toFixed(3)}`);
rmSync(work, { recursive: true, force: true });
