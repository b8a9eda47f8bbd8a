// Benchmark: the pin scan (list, pre-filter, parse, extract) against `git grep -n proxyv2` over the
// same generated repo of 10,000 YAML files (~50 MB) holding a few hundred pins. Prints the ratio.
// Run: node bench/pins-scan.mjs [files=10000]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleForBench } from './support/bundle.mjs';
import { commitRepo } from './support/git-repo.mjs';
import { cpuNow, cpuSince } from './support/cpu.mjs';

const root = new URL('..', import.meta.url).pathname;
const fileCount = Number(process.argv[2] ?? 10_000);
const rounds = 5;
let totalBytes = 0;

// Bundle the engine on the fly: Node 20 cannot run the TypeScript sources directly.
const scratch = mkdtempSync(join(tmpdir(), 'pins-bench-'));
const bundle = join(scratch, 'engine.mjs');
await bundleForBench(root, join(root, 'src/core/pins/engine.ts'), bundle);
const { extractPins } = await import(bundle);

const repo = join(scratch, 'repo');
const expectedPins = generateRepo(repo, fileCount);
commitRepo(repo);

const scanTimes = [];
const grepTimes = [];
const scanCpu = [];
const grepCpu = [];
let pins = 0;
for (let round = 0; round < rounds; round++) {
  let start = performance.now();
  let cpu = cpuNow();
  const grep = spawnSync('git', ['-C', repo, 'grep', '-n', 'proxyv2'], { maxBuffer: 1 << 28 });
  grepTimes.push(performance.now() - start);
  const grepUsed = cpuSince(cpu);
  grepCpu.push(grepUsed.own + grepUsed.children);
  if (grep.status !== 0) throw new Error(`git grep failed: ${grep.stderr}`);
  start = performance.now();
  cpu = cpuNow();
  pins = extractPins({ root: repo }).pins.length;
  scanTimes.push(performance.now() - start);
  const scanUsed = cpuSince(cpu);
  scanCpu.push(scanUsed.own + scanUsed.children);
  if (process.env.BENCH_VERBOSE)
    console.log(
      `round ${round + 1}: scan ${scanTimes.at(-1).toFixed(0)} ms (cpu ${scanCpu.at(-1).toFixed(0)}, of it git ${scanUsed.children.toFixed(0)}), ` +
        `git grep ${grepTimes.at(-1).toFixed(0)} ms (cpu ${grepCpu.at(-1).toFixed(0)})`,
    );
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const scan = median(scanTimes);
const grep = median(grepTimes);
console.log(
  `repo: ${fileCount} files, ${(totalBytes / 1e6).toFixed(1)} MB, ${expectedPins} pins generated, ${pins} found`,
);
console.log(
  `pin scan: ${scan.toFixed(0)} ms (median of ${rounds}); git grep -n proxyv2: ${grep.toFixed(0)} ms`,
);
console.log(
  `ratio: ${(scan / grep).toFixed(2)}x (goal <= 3x, aim 2x), load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  `cpu time (own + git): scan ${median(scanCpu).toFixed(0)} ms, git grep ${median(grepCpu).toFixed(0)} ms, ` +
    `cpu ratio ${(median(scanCpu) / median(grepCpu)).toFixed(2)}x (less sensitive to load than the wall-clock ratio)`,
);
// The rounds above start cold: a scan is one per action step, so the first round is what a step
// pays (the yaml parser not yet compiled), and the median mixes cold and warm rounds. Ten more
// scans, side by side with ten more greps, give the warm figure.
const warmScan = [];
const warmGrep = [];
for (let round = 0; round < 10; round++) {
  let start = performance.now();
  spawnSync('git', ['-C', repo, 'grep', '-n', 'proxyv2'], { maxBuffer: 1 << 28 });
  warmGrep.push(performance.now() - start);
  start = performance.now();
  extractPins({ root: repo });
  warmScan.push(performance.now() - start);
}
console.log(
  `first (cold) scan: ${scanTimes[0].toFixed(0)} ms = ${(scanTimes[0] / grep).toFixed(2)}x; ` +
    `warm scan (median of 10 more): ${median(warmScan).toFixed(0)} ms = ${(median(warmScan) / median(warmGrep)).toFixed(2)}x`,
);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
if (!process.env.KEEP_BENCH_REPO) rmSync(scratch, { recursive: true, force: true });
else console.log(`kept ${repo}`);
if (pins !== expectedPins) {
  console.error(`expected ${expectedPins} pins, found ${pins}`);
  process.exitCode = 1;
}

/** Writes the repo; returns how many pins it holds. Mostly ordinary manifests, like a real GitOps repo. */
function generateRepo(dir, count) {
  let pinCount = 0;
  for (let i = 0; i < count; i++) {
    // Five manifests per service folder (deployment, service, config...), fifty teams.
    const service = Math.floor(i / 5);
    const folder = join(dir, `apps/team-${service % 50}/svc-${service}`);
    mkdirSync(folder, { recursive: true });
    let text;
    if (i % 40 === 0) {
      text = workload(i, `docker.io/istio/proxyv2:1.24.${i % 3}`);
      pinCount++;
    } else if (i % 997 === 1) {
      text = helmRelease(i);
      pinCount++;
    } else if (i % 1009 === 2) {
      text = `apiVersion: sailoperator.io/v1\nkind: Istio\nmetadata:\n  name: m${i}\nspec:\n  version: v1.24.2\n${filler(i, 4800)}`;
      pinCount++;
    } else {
      text = i % 2 === 0 ? workload(i, `ghcr.io/acme/svc-${i}:2.${i % 9}.1`) : configMap(i);
    }
    totalBytes += Buffer.byteLength(text);
    writeFileSync(join(folder, `manifest-${i}.yaml`), text);
  }
  return pinCount;
}

function workload(i, image) {
  return `# service ${i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  labels: {app: svc-${i}, team: team-${i % 50}}
  annotations:
    sidecar.istio.io/inject: "true"
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: svc-${i}, istio.io/rev: stable}
    spec:
      containers:
        - name: app
          image: ${image}
          ports: [{containerPort: 8080}]
${filler(i, 4300)}`;
}

function configMap(i) {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\ndata:\n${filler(i, 5000)}`;
}

function helmRelease(i) {
  return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: istiod-${i}
spec:
  chart:
    spec:
      chart: istiod
      version: "1.24.2"
      sourceRef: {kind: HelmRepository, name: istio}
${filler(i, 4700)}`;
}

/** Realistic bulk: a multi-line config block of about `bytes` bytes. */
function filler(i, bytes) {
  const lines = [
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    `metadata: {name: extra-${i}}`,
    'data:',
    '  app.properties: |',
  ];
  let size = lines.join('\n').length;
  for (let n = 0; size < bytes; n++) {
    const line = `    key.${n}.setting=value-${(i * 31 + n) % 997} # tuned for load profile ${n % 7}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}
