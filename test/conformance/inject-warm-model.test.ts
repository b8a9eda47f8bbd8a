// The mesh model on warm runs (ADR 0013, amendment r4-a), with real istioctl and real kustomize
// behind a wrapper that logs every build: a run over a repo whose files did not change builds no
// model (kustomize never runs) and decides exactly what an uncached run decides; a run that writes
// re-renders, for its render check, only the kustomize root that holds the changed file.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { renderSidecars, type RenderSidecarsOptions } from '../../src/core/inject/index.js';
import { realIstioctlPair } from '../support/istioctl.js';

vi.setConfig({ testTimeout: 300_000 });

const pair = realIstioctlPair();
const KUSTOMIZE = join(process.env.GOPATH ?? join(process.env.HOME ?? '/root', 'go'), 'bin/kustomize');
const skip = 'skip' in pair ? pair.skip : existsSync(KUSTOMIZE) ? undefined : `no kustomize at ${KUSTOMIZE}`;
if (skip) console.log(`warm model conformance skipped: ${skip}`);
const NEW = 'skip' in pair ? undefined : pair.new;

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const deployment = (name: string, namespace?: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${namespace ? `  namespace: ${namespace}\n` : ''}spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: ${name}
        image: nginx:1.27
`;

/** Two kustomize roots: `shop` sets the namespace (labelled for injection), `blog` is its own. */
function makeRepo(): { root: string; cacheDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'inject-warm-model-'));
  scratch.push(root, `${root}-cache`);
  const files: Record<string, string> = {
    'shop/kustomization.yaml': 'namespace: shop\nresources: [namespace.yaml, web.yaml]\n',
    'shop/namespace.yaml':
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {istio-injection: enabled}\n',
    'shop/web.yaml': deployment('web'),
    'blog/kustomization.yaml': 'resources: [namespace.yaml, posts.yaml]\n',
    'blog/namespace.yaml':
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: blog\n  labels: {istio-injection: enabled}\n',
    'blog/posts.yaml': deployment('posts', 'blog'),
    // Labelled nowhere: the webhook leaves it alone, and so must every run.
    'misc/cron.yaml': deployment('cron', 'misc'),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, cacheDir: `${root}-cache` };
}

/** A kustomize that logs what each build renders (the wrapper kustomization's resources). */
function loggedKustomize(): { binary: string; builds(): string[]; reset(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kustomize-logged-'));
  scratch.push(dir);
  const binary = join(dir, 'kustomize');
  writeFileSync(
    binary,
    `#!/usr/bin/env bash
mkdir -p "${dir}/log"
# Builds run in parallel: a name of its own per call, in start order (nanoseconds, then the pid).
if [[ "$1" == build ]]; then cat "$2"/kustomization* > "${dir}/log/$(date +%s%N).$$.build" 2>/dev/null; fi
exec "${KUSTOMIZE}" "$@"
`,
  );
  chmodSync(binary, 0o755);
  const log = join(dir, 'log');
  return {
    binary,
    builds: () =>
      existsSync(log)
        ? readdirSync(log)
            .sort((a, b) => a.localeCompare(b))
            .map((f) => readFileSync(join(log, f), 'utf8'))
        : [],
    reset: () => rmSync(log, { recursive: true, force: true }),
  };
}

const options = (root: string, extra: Partial<RenderSidecarsOptions> = {}): RenderSidecarsOptions => ({
  workspace: root,
  istioctl: NEW!.binary,
  workers: 1,
  ...extra,
});

describe.skipIf(skip)('the mesh model on warm runs, real istioctl and kustomize', () => {
  it('a run over unchanged files builds no model, and decides what an uncached run decides', async () => {
    const kustomize = loggedKustomize();
    vi.stubEnv('KUSTOMIZE', kustomize.binary);
    try {
      const { root, cacheDir } = makeRepo();
      const first = await renderSidecars(options(root, { cacheDir }));
      expect(first.changedFiles.sort()).toEqual(['blog/posts.yaml', 'shop/web.yaml']);
      expect(kustomize.builds().length).toBeGreaterThan(0);

      kustomize.reset();
      const warm = await renderSidecars(options(root, { cacheDir }));
      expect(warm.istioctlProcesses).toBe(0);
      expect(warm.changedFiles).toEqual([]);
      expect(kustomize.builds()).toEqual([]);

      // The facts came from the record, not the repo: an uncached run must say the same.
      const uncached = await renderSidecars(options(root, { cacheDir: false }));
      expect(kustomize.builds().length).toBeGreaterThan(0);
      expect(warm.workloads).toEqual(uncached.workloads);
      expect(warm.skipped).toEqual(uncached.skipped);
      expect(warm.skipped.map((s) => `${s.name} ${s.reason}`)).toEqual(['cron not-selected']);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a changed file is re-rendered for the render check with its own root only', async () => {
    const kustomize = loggedKustomize();
    vi.stubEnv('KUSTOMIZE', kustomize.binary);
    try {
      const { root, cacheDir } = makeRepo();
      await renderSidecars(options(root, { cacheDir }));
      // A second workload in blog's file: the repo changed, so the model is built, then checked.
      const posts = join(root, 'blog/posts.yaml');
      writeFileSync(posts, `${readFileSync(posts, 'utf8')}---\n${deployment('comments', 'blog')}`);
      kustomize.reset();
      const result = await renderSidecars(options(root, { cacheDir }));
      expect(result.changedFiles).toEqual(['blog/posts.yaml']);
      expect(result.renderCheck).toMatchObject({ pods: 3, withOneProxy: 3 });
      const builds = kustomize.builds();
      // The model of the repo as it is renders both roots; the check after it only blog's.
      expect(builds.slice(0, 2).map(rootOf).sort()).toEqual(['blog', 'shop']);
      expect(builds.slice(2).map(rootOf)).toEqual(['blog']);

      // And the run after that one finds the facts it recorded for what it wrote.
      kustomize.reset();
      const warm = await renderSidecars(options(root, { cacheDir }));
      expect(warm.changedFiles).toEqual([]);
      expect(kustomize.builds()).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

/** The root a wrapper kustomization builds: its one resource, a path ending in the root's directory. */
function rootOf(kustomization: string): string {
  const resources = (JSON.parse(kustomization) as { resources: string[] }).resources;
  return resources.map((r) => r.split('/').pop()!).join(',');
}
