// Sidecars kept in kustomize strategic-merge patches (real kustomize, real istioctl 1.30.4 → 1.31.0):
// the patch is regenerated in its own format, byte for byte where nothing changes, so the rendered pod
// carries exactly what kube-inject of the base gives; a second run changes nothing.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { renderSidecars } from '../../src/core/inject/index.js';
import { REPO_ROOT } from '../support/runner.js';
import { realIstioctlPair } from '../support/istioctl.js';
import { referenceInject } from '../support/inject-repo.js';

vi.setConfig({ testTimeout: 300_000 });
const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
if (skip) console.log(`inject strategic-merge skipped: ${skip}`);
const OLD = 'skip' in pair ? undefined : pair.old;
const NEW = 'skip' in pair ? undefined : pair.new;

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
const cacheDir = temp('inject-smp-cache-');
const STATUS = 'sidecar.istio.io/status';
const build = (dir: string) => execFileSync('kustomize', ['build', dir], { encoding: 'utf8' });

type Item = Record<string, unknown> & { name: string };
type PodTemplate = {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Item[]; initContainers?: Item[]; volumes?: Item[] };
};
type Deployment = { kind: string; metadata: { name: string }; spec: { template: PodTemplate } };
const deployment = (yaml: string, name: string) =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as Deployment)
    .find((o) => o?.kind === 'Deployment' && o.metadata.name === name)!;

/** kube-inject (classic mode) of the base workload, as the webhook would see it: no opt-out. */
async function injectBase(binary: string, root: string, name: string): Promise<PodTemplate> {
  const workload = deployment(readFileSync(join(root, 'apps', name, 'deployment.yaml'), 'utf8'), name);
  delete workload.spec.template.metadata.annotations!['sidecar.istio.io/inject'];
  const output = await referenceInject(binary, stringify(workload), temp('inject-smp-ref-'), {
    nativeSidecars: false,
  });
  return deployment(output, name).spec.template;
}

/** The sidecar job's strategic-merge patch: what kube-inject 1.30.4 added, with the user's comments. */
function sidecarPatch(name: string, injected: PodTemplate, eol: string): string {
  const spec = injected.spec;
  const body = stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      template: {
        // The backend's patch also carries the injector's status annotation.
        ...(name === 'backend'
          ? { metadata: { annotations: { [STATUS]: injected.metadata.annotations![STATUS] } } }
          : {}),
        spec: {
          initContainers: spec.initContainers,
          containers: spec.containers.filter((c) => c.name === 'istio-proxy'),
          volumes: (spec.volumes ?? []).filter((v) => v.name !== 'data'),
        },
      },
    },
  });
  return `# The sidecar, kept by hand since the sidecar job.\n${body}`
    .replace('  template:\n', '  template: # pod template\n')
    .replace(
      /( +)image: (docker\.io\/istio\/proxyv2:\S+)\n( +)name: istio-proxy\n/,
      '$1image: $2 # the proxy\n$3name: "istio-proxy"\n',
    )
    .replace(/\n/g, eol);
}

describe.skipIf(skip !== undefined)('strategic-merge sidecar patches (real kustomize, real istioctl)', () => {
  it('regenerates each patch in its own format: kube-inject parity, one proxy, then nothing to do', async () => {
    const root = temp('inject-smp-');
    cpSync(join(REPO_ROOT, 'test/fixtures/mesh/talk'), root, { recursive: true });
    // frontend: `patches:` with a target; backend: `patchesStrategicMerge:` and CRLF line endings.
    for (const [name, eol] of [
      ['frontend', '\n'],
      ['backend', '\r\n'],
    ] as const) {
      const dir = join(root, 'apps', name);
      const old = await injectBase(OLD!.binary, root, name);
      writeFileSync(join(dir, 'deployment-sidecar.yaml'), sidecarPatch(name, old, eol));
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        name === 'frontend'
          ? 'resources:\n  - deployment.yaml\npatches:\n  # the sidecar\n  - path: deployment-sidecar.yaml\n    target:\n      kind: Deployment\n      name: frontend\n'
          : 'resources:\n  - deployment.yaml\npatchesStrategicMerge:\n  - deployment-sidecar.yaml\n',
      );
    }
    const before = readFileSync(join(root, 'apps/backend/deployment-sidecar.yaml'), 'utf8');
    const proxyBefore = deployment(build(join(root, 'apps')), 'backend').spec.template.spec.containers.find(
      (c) => c.name === 'istio-proxy',
    );
    expect(proxyBefore?.['image']).toBe(`docker.io/istio/proxyv2:${OLD!.version}`);

    const result = await renderSidecars({ workspace: root, istioctl: NEW!.binary, cacheDir, workers: 2 });
    expect(result.changedFiles.sort()).toEqual([
      'apps/backend/deployment-sidecar.yaml',
      'apps/frontend/deployment-sidecar.yaml',
    ]);
    const rendered = build(join(root, 'apps'));
    for (const name of ['frontend', 'backend']) {
      const want = await injectBase(NEW!.binary, root, name);
      const got = deployment(rendered, name).spec.template;
      const named = (list: Item[] | undefined, n: string) => (list ?? []).filter((c) => c.name === n);
      expect(named(got.spec.containers, 'istio-proxy')).toHaveLength(1);
      expect(named(got.spec.initContainers, 'istio-proxy')).toHaveLength(0);
      expect(named(got.spec.containers, 'istio-proxy')).toEqual(named(want.spec.containers, 'istio-proxy'));
      expect(named(got.spec.initContainers, 'istio-init')).toEqual(
        named(want.spec.initContainers, 'istio-init'),
      );
      expect(got.spec.volumes).toEqual(want.spec.volumes);
      // The backend's patch carries pod metadata, so it gets all the injector's labels and annotations.
      if (name === 'backend')
        for (const map of ['labels', 'annotations'] as const)
          for (const [key, value] of Object.entries(want.metadata[map] ?? {}))
            expect(got.metadata[map]?.[key], `${map} ${key}`).toBe(value);
    }
    // The user's format survives: comments, CRLF line endings, the document's own layout.
    const frontend = readFileSync(join(root, 'apps/frontend/deployment-sidecar.yaml'), 'utf8');
    expect(
      frontend.startsWith('# The sidecar, kept by hand since the sidecar job.\napiVersion: apps/v1\n'),
    ).toBe(true);
    expect(frontend).toContain('  template: # pod template\n');
    expect(frontend).toContain(`image: docker.io/istio/proxyv2:${NEW!.version} # the proxy\n`);
    expect(frontend).toContain('name: "istio-proxy"\n');
    const backend = readFileSync(join(root, 'apps/backend/deployment-sidecar.yaml'), 'utf8');
    expect(backend.split('\r\n').length).toBe(backend.split('\n').length);
    expect(backend).not.toBe(before);
    expect(
      backend
        .replace(/\r\n/g, '\n')
        .split('\n')
        .filter((l) => l.includes(OLD!.version)),
    ).toEqual([]);
    expect(result.workloads.filter((w) => w.origin === 'strategic-merge patch')).toHaveLength(2);
    expect(result.renderCheck?.withOneProxy).toBe(result.renderCheck?.pods);

    const again = await renderSidecars({ workspace: root, istioctl: NEW!.binary, cacheDir, workers: 2 });
    expect(again.changedFiles).toEqual([]);
    expect(readFileSync(join(root, 'apps/frontend/deployment-sidecar.yaml'), 'utf8')).toBe(frontend);
  });
});
