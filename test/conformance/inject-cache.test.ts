// The injection cache against the real istioctl, counted through a wrapper that logs every call and
// the documents it is given: a run with nothing to change calls istioctl zero times, a touched
// workload is the only one re-injected, a changed injection config re-injects everything, and a
// cached run reports exactly what a run without the cache reports.
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSidecars, type RenderSidecarsOptions } from '../../src/core/inject/index.js';
import { splitInjectOutput } from '../../src/core/inject/injected-output.js';
import { sha256 } from '../../src/core/inject/injection-cache.js';
import { findJobs, readSources } from '../../src/core/inject/jobs.js';
import { silentLogger } from '../../src/core/logger.js';
import { realIstioctlPair } from '../support/istioctl.js';

const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
if (skip) console.log(`injection cache conformance skipped: ${skip}`);
const OLD = 'skip' in pair ? undefined : pair.old;
const NEW = 'skip' in pair ? undefined : pair.new;

const FIXTURES = new URL('./__fixtures__/inject-pipeline/', import.meta.url).pathname;
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Counted {
  /** The wrapper to hand to renderSidecars. */
  binary: string;
  /** Every call's arguments, in order. */
  calls(): string[];
  /** The `metadata.name`s of the documents kube-inject was given (stdin), in order. */
  injectedNames(): string[];
  /** Each kube-inject call's stdin and stdout. */
  streams(): { stdin: string; stdout: string }[];
  reset(): void;
}

/** A wrapper istioctl that logs its calls and kube-inject's streams, then runs the real one. */
function countedIstioctl(real: string): Counted {
  const dir = mkdtempSync(join(tmpdir(), 'istioctl-counted-'));
  scratch.push(dir);
  const binary = join(dir, 'istioctl');
  writeFileSync(
    binary,
    `#!/usr/bin/env bash
set -o pipefail
n=$(ls "${dir}/log" 2>/dev/null | wc -l)
mkdir -p "${dir}/log"
printf '%s\\n' "$*" > "${dir}/log/$n.args"
if [[ "$1" == kube-inject ]]; then
  tee "${dir}/log/$n.stdin" | "${real}" "$@" | tee "${dir}/log/$n.stdout"
else
  exec "${real}" "$@"
fi
`,
  );
  chmodSync(binary, 0o755);
  const entries = (suffix: string) =>
    existsSync(join(dir, 'log'))
      ? readdirSync(join(dir, 'log'))
          .filter((f) => f.endsWith(suffix))
          .sort((a, b) => parseInt(a) - parseInt(b))
          .map((f) => readFileSync(join(dir, 'log', f), 'utf8'))
      : [];
  return {
    binary,
    calls: () => entries('.args').map((a) => a.trim()),
    injectedNames: () =>
      entries('.stdin').flatMap((stdin) =>
        [...stdin.matchAll(/^kind: \S+\nmetadata:\n(?: .*\n)*? {2}name: (\S+)/gm)].map((m) => m[1]!),
      ),
    streams: () => {
      const stdins = entries('.stdin');
      return entries('.stdout').map((stdout, i) => ({ stdin: stdins[i]!, stdout }));
    },
    reset: () => rmSync(join(dir, 'log'), { recursive: true, force: true }),
  };
}

function makeRepo(): { root: string; cacheDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'inject-cache-'));
  scratch.push(root);
  cpSync(FIXTURES, join(root, 'apps'), { recursive: true });
  return { root, cacheDir: join(root, '..', `${root.split('/').pop()}-cache`) };
}

function options(
  root: string,
  binary: string,
  extra: Partial<RenderSidecarsOptions> = {},
): RenderSidecarsOptions {
  return { workspace: root, paths: ['apps/**/*.yaml'], istioctl: binary, workers: 2, ...extra };
}

/** What a run says about its workloads, without the fields that name the binary. */
function outcome(result: Awaited<ReturnType<typeof renderSidecars>>) {
  return {
    workloads: result.workloads,
    changedFiles: result.changedFiles,
    skipped: result.skipped,
    proxyImage: result.proxyImage,
    summary: result.summary,
  };
}

describe.skipIf(skip)('injection cache with real istioctl', () => {
  it('a second run with nothing to change calls istioctl zero times and reports what an uncached run reports', async () => {
    const { root, cacheDir } = makeRepo();
    scratch.push(cacheDir);
    const istioctl = countedIstioctl(NEW!.binary);
    await renderSidecars(options(root, istioctl.binary, { cacheDir }));
    expect(istioctl.calls().some((c) => c.startsWith('kube-inject'))).toBe(true);

    istioctl.reset();
    const cached = await renderSidecars(options(root, istioctl.binary, { cacheDir }));
    expect(istioctl.calls()).toEqual([]);
    expect(cached.istioctlProcesses).toBe(0);
    expect(cached.reinjectedDocuments).toBe(0);
    expect(cached.changedFiles).toEqual([]);

    const uncached = await renderSidecars(options(root, NEW!.binary, { cacheDir: false }));
    expect(uncached.reinjectedDocuments).toBeGreaterThan(0);
    expect(outcome(cached)).toEqual(outcome(uncached));
  });

  it('re-injects only the workload a change touched, and writes what an uncached run writes', async () => {
    const { root, cacheDir } = makeRepo();
    scratch.push(cacheDir);
    const istioctl = countedIstioctl(NEW!.binary);
    await renderSidecars(options(root, istioctl.binary, { cacheDir }));
    const mixed = join(root, 'apps/mixed.yaml');
    const text = readFileSync(mixed, 'utf8');
    const touched = text.replace('image: nginx:1.27\n', 'image: nginx:1.27.5\n');
    expect(touched).not.toBe(text);
    writeFileSync(mixed, touched);

    const twin = makeRepo();
    cpSync(join(root, 'apps'), join(twin.root, 'apps'), { recursive: true });
    istioctl.reset();
    const cached = await renderSidecars(options(root, istioctl.binary, { cacheDir }));
    expect(istioctl.injectedNames()).toEqual(['web']);
    expect(cached.reinjectedDocuments).toBe(1);

    const uncached = await renderSidecars(options(twin.root, NEW!.binary, { cacheDir: false }));
    expect(outcome(cached)).toEqual(outcome(uncached));
    expect(readFileSync(mixed, 'utf8')).toBe(readFileSync(join(twin.root, 'apps/mixed.yaml'), 'utf8'));
  });

  it('re-injects everything when the revision, the native sidecar mode or the istioctl changes', async () => {
    const { root, cacheDir } = makeRepo();
    scratch.push(cacheDir);
    const paths = ['apps/mixed.yaml'];
    const first = await renderSidecars(options(root, NEW!.binary, { cacheDir, paths }));
    const documents = first.reinjectedDocuments;
    expect(documents).toBeGreaterThan(0);
    expect((await renderSidecars(options(root, NEW!.binary, { cacheDir, paths }))).reinjectedDocuments).toBe(
      0,
    );

    const canary = await renderSidecars(options(root, NEW!.binary, { cacheDir, paths, revision: 'canary' }));
    expect(canary.reinjectedDocuments).toBe(documents);
    expect(canary.workloads.find((w) => w.name === 'web')?.to?.revision).toBe('canary');
    const native = await renderSidecars(
      options(root, NEW!.binary, { cacheDir, paths, revision: 'canary', nativeSidecars: true }),
    );
    expect(native.reinjectedDocuments).toBe(documents);
    const older = await renderSidecars(options(root, OLD!.binary, { cacheDir, paths }));
    expect(older.reinjectedDocuments).toBe(documents);
    expect(older.workloads.find((w) => w.name === 'web')?.to?.proxyImage).toBe(
      `docker.io/istio/proxyv2:${OLD!.version}`,
    );
  });

  it('an upgrade in place keeps no answer for the documents it wrote over, and the next run is a no-op', async () => {
    const { root, cacheDir } = makeRepo();
    scratch.push(cacheDir);
    const bodies = () =>
      findJobs(readSources(options(root, NEW!.binary), 'in-place', silentLogger), silentLogger).map(
        (j) => j.body,
      );
    await renderSidecars(options(root, OLD!.binary, { cacheDir: false }));
    const old = bodies();
    const upgrade = await renderSidecars(options(root, NEW!.binary, { cacheDir }));
    expect(upgrade.changedFiles.length).toBeGreaterThan(0);
    const now = new Set(bodies());
    const writtenOver = old.filter((body) => !now.has(body));
    expect(writtenOver.length).toBeGreaterThan(1);
    const keys = new Set(
      readdirSync(cacheDir)
        .filter((f) => f.endsWith('.json') && f !== 'file-digests.json')
        .flatMap((f) =>
          Object.keys(
            (JSON.parse(readFileSync(join(cacheDir, f), 'utf8')) as { entries?: object }).entries ?? {},
          ),
        ),
    );
    expect(keys.size).toBeGreaterThan(0);
    expect(writtenOver.filter((body) => keys.has(sha256(body)))).toEqual([]);
    expect((await renderSidecars(options(root, NEW!.binary, { cacheDir }))).reinjectedDocuments).toBe(0);
  });

  it('re-injects everything when the control plane values change', async () => {
    const { root, cacheDir } = makeRepo();
    scratch.push(cacheDir);
    const paths = ['apps/mixed.yaml'];
    writeFileSync(
      join(root, 'values.yaml'),
      'global:\n  proxy:\n    resources:\n      requests: {cpu: 100m}\n',
    );
    const run = () =>
      renderSidecars(options(root, NEW!.binary, { cacheDir, paths, valuesFile: 'values.yaml' }));
    const documents = (await run()).reinjectedDocuments;
    expect((await run()).reinjectedDocuments).toBe(0);
    writeFileSync(
      join(root, 'values.yaml'),
      'global:\n  proxy:\n    resources:\n      requests: {cpu: 200m}\n',
    );
    const changed = await run();
    expect(changed.reinjectedDocuments).toBe(documents);
    expect(readFileSync(join(root, 'apps/mixed.yaml'), 'utf8')).toContain('cpu: 200m');
  });

  it('render-dir and patches: a run with nothing to change calls istioctl zero times', async () => {
    for (const extra of [
      { output: 'render-dir' as const, outputDir: 'rendered' },
      { output: 'patches' as const, paths: ['apps/mixed.yaml'] },
    ]) {
      const { root, cacheDir } = makeRepo();
      scratch.push(cacheDir);
      writeFileSync(join(root, 'apps/kustomization.yaml'), 'resources:\n  - mixed.yaml\n');
      const istioctl = countedIstioctl(NEW!.binary);
      const first = await renderSidecars(options(root, istioctl.binary, { cacheDir, ...extra }));
      expect(first.changedFiles.length).toBeGreaterThan(0);
      istioctl.reset();
      const again = await renderSidecars(options(root, istioctl.binary, { cacheDir, ...extra }));
      expect(istioctl.calls(), extra.output).toEqual([]);
      expect(again.changedFiles).toEqual([]);
    }
  });

  // The in-place cache records what it writes as its own fixed point (ADR 0008); this is the fact.
  it('istioctl gives its own output back byte for byte, for both versions and both sidecar modes', async () => {
    for (const [binary, nativeSidecars] of [
      [NEW!.binary, false],
      [NEW!.binary, true],
      [OLD!.binary, false],
    ] as const) {
      const { root } = makeRepo();
      await renderSidecars(options(root, binary, { cacheDir: false, nativeSidecars }));
      const istioctl = countedIstioctl(binary);
      const again = await renderSidecars(options(root, istioctl.binary, { cacheDir: false, nativeSidecars }));
      expect(again.changedFiles).toEqual([]);
      const streams = istioctl.streams();
      expect(streams.length).toBeGreaterThan(0);
      for (const { stdin, stdout } of streams) {
        const given = stdin.split(/^---\n/m).filter((d) => d !== '');
        const returned = splitInjectOutput(stdout);
        const injected = given.flatMap((doc, i) =>
          doc.includes('sidecar.istio.io/status') ? [[doc, returned[i]]] : [],
        );
        expect(injected.length).toBeGreaterThan(0);
        for (const [doc, output] of injected) expect(output, `${binary} native ${nativeSidecars}`).toBe(doc);
      }
    }
  });
});
