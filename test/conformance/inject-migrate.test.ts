// `output: patches` over the talk's JSON6902 sidecar patches (real kustomize, real istioctl): each is
// migrated to our stable patch in one change (old file removed, its kustomization entry rewired with
// its comments kept), the rendered pod stays the same, and an upgrade then updates our patch.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderSidecars, type RenderSidecarsOptions } from '../../src/core/inject/index.js';
import { REPO_ROOT } from '../support/runner.js';
import { realIstioctlPair } from '../support/istioctl.js';

vi.setConfig({ testTimeout: 300_000 });
const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
if (skip) console.log(`inject migrate skipped: ${skip}`);
const OLD = 'skip' in pair ? undefined : pair.old;
const NEW = 'skip' in pair ? undefined : pair.new;

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

type Item = { name: string; image?: string };
type Pod = {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Item[]; initContainers?: Item[]; volumes?: Item[] };
};
const pods = (root: string) =>
  new Map(
    parseAllDocuments(execFileSync('kustomize', ['build', join(root, 'apps')], { encoding: 'utf8' }))
      .map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: { template: Pod } })
      .filter((o) => o.kind === 'Deployment')
      .map((o) => [o.metadata.name, o.spec.template] as const),
  );
const sorted = (spec: Pod['spec']) =>
  Object.fromEntries(
    Object.entries(spec).map(([k, v]) => [
      k,
      Array.isArray(v) ? [...(v as Item[])].sort((a, b) => a.name.localeCompare(b.name)) : v,
    ]),
  );
const proxies = (pod: Pod) =>
  [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].filter((c) => c.name === 'istio-proxy');

describe.skipIf(skip !== undefined)('output patches migrates JSON6902 sidecar patches', () => {
  it('replaces the patch and rewires the kustomization in one change; same pod; then upgrades it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'inject-migrate-'));
    scratch.push(root);
    cpSync(join(REPO_ROOT, 'test/fixtures/mesh/talk'), root, { recursive: true });
    const kustomization = join(root, 'apps/frontend/kustomization.yaml');
    writeFileSync(
      kustomization,
      readFileSync(kustomization, 'utf8').replace('patches:\n', 'patches:\n  # the sidecar\n'),
    );
    const cacheDir = mkdtempSync(join(tmpdir(), 'inject-migrate-cache-'));
    scratch.push(cacheDir);
    const run = (binary: string, output?: 'patches') => {
      const options: RenderSidecarsOptions = { workspace: root, istioctl: binary, cacheDir, workers: 2 };
      return renderSidecars(output ? { ...options, output } : options);
    };
    // The sidecar job's patches, brought to a full 1.30.4 sidecar in their own format.
    await run(OLD!.binary);
    const before = pods(root);

    const migrated = await run(OLD!.binary, 'patches');
    expect(migrated.changedFiles.sort()).toEqual([
      'apps/backend/deployment-sidecar.yaml',
      'apps/backend/istio-sidecar.deployment.shop.backend.yaml',
      'apps/backend/kustomization.yaml',
      'apps/frontend/deployment-sidecar.yaml',
      'apps/frontend/istio-sidecar.deployment.shop.frontend.yaml',
      'apps/frontend/kustomization.yaml',
    ]);
    expect(existsSync(join(root, 'apps/frontend/deployment-sidecar.yaml'))).toBe(false);
    expect(readFileSync(kustomization, 'utf8')).toBe(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\npatches:\n  # the sidecar\n  - path: istio-sidecar.deployment.shop.frontend.yaml\n',
    );
    const after = pods(root);
    for (const [name, pod] of before) {
      const now = after.get(name)!;
      // kustomize puts a patch's new list items first: the same items, maybe in another order.
      expect(sorted(now.spec)).toEqual(sorted(pod.spec));
      expect(migrated.workloads.find((w) => w.name === name)?.status).toBe('injected');
      expect(proxies(now)).toHaveLength(1);
      for (const [key, value] of Object.entries(pod.metadata.annotations ?? {}))
        expect(now.metadata.annotations?.[key]).toBe(value);
    }

    const upgraded = await run(NEW!.binary, 'patches');
    expect(upgraded.changedFiles.sort()).toEqual([
      'apps/backend/istio-sidecar.deployment.shop.backend.yaml',
      'apps/frontend/istio-sidecar.deployment.shop.frontend.yaml',
    ]);
    for (const pod of pods(root).values())
      expect(proxies(pod).map((c) => c.image)).toEqual([`docker.io/istio/proxyv2:${NEW!.version}`]);
    expect((await run(NEW!.binary, 'patches')).changedFiles).toEqual([]);
  });
});
