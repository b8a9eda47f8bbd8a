import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildMesh, buildMeshModel } from './model.js';
import { meshReport, renderMeshText } from './model-report.js';

const fixtures = join(new URL('../../..', import.meta.url).pathname, 'test/fixtures/mesh');

function kustomizeBuild(dir: string): unknown[] {
  const out = execFileSync('kustomize', ['build', dir], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as unknown);
}

describe('the mesh model of the talk layout (Flux, ${version} from a ConfigMap, sidecars in JSON6902 patches)', () => {
  const talk = join(fixtures, 'talk');

  it('groups the Flux Kustomizations into the cluster dir and gives the control plane its substituted version', async () => {
    const model = await buildMeshModel(talk);
    expect(model.clusters.map((c) => c.name)).toEqual(['clusters/production']);
    const [cluster] = model.clusters;
    expect(cluster!.roots.map((r) => r.id)).toEqual([
      'flux:apps@flux-system/apps',
      'flux:clusters/production@flux-system/flux-system',
      'flux:infrastructure/istio@flux-system/istio',
    ]);
    expect(cluster!.controlPlanes.map((p) => [p.revision, p.version, p.chart?.repository])).toEqual([
      ['default', '1.19.3', 'https://istio-release.storage.googleapis.com/charts'],
    ]);
    expect(cluster!.components.map((c) => [c.component, c.version])).toEqual([['gateway', '1.19.3']]);
    expect(model.warnings).toEqual([]);
  });

  it('counts no Flux controller as a workload', async () => {
    const model = await buildMeshModel(talk);
    const names = model.clusters.flatMap((c) => c.workloads.map((w) => `${w.namespace}/${w.name}`));
    expect(names).toEqual(['shop/backend', 'shop/frontend']);
  });

  it('finds the sidecars that live in patches, with their version, and maps each to the patch line', async () => {
    const model = await buildMeshModel(talk);
    const sidecars = model.clusters[0]!.workloads.map((w) => [
      w.name,
      w.sidecar.state,
      w.sidecar.version,
      w.sidecar.origin,
      `${w.sidecar.source?.file}:${w.sidecar.source?.line}`,
    ]);
    expect(sidecars).toEqual([
      ['backend', 'classic', '1.18.5', 'patch', 'apps/backend/deployment-sidecar.yaml:6'],
      ['frontend', 'classic', '1.18.5', 'patch', 'apps/frontend/deployment-sidecar.yaml:6'],
    ]);
    expect(model.clusters[0]!.workloads[0]!.source).toEqual({
      file: 'apps/backend/deployment.yaml',
      line: 1,
    });
  });

  it('plans: the model per cluster in text and stable JSON', async () => {
    const report = meshReport(await buildMeshModel(talk));
    expect(report.clusters[0]!.workloads).toEqual({
      total: 2,
      sidecars: [{ state: 'classic', version: '1.18.5', origin: 'patch', revision: 'default', count: 2 }],
    });
    const text = renderMeshText(report);
    expect(text).toContain('control plane revision default: 1.19.3');
    expect(text).toContain('2 × classic sidecar 1.18.5 (patch, revision default)');
    expect(JSON.stringify(meshReport(await buildMeshModel(talk)))).toBe(JSON.stringify(report));
  });

  it('renders each kustomize root exactly as kustomize build does', async () => {
    const { rendered } = await buildMesh(talk);
    for (const path of ['apps', 'infrastructure/istio']) {
      const root = rendered.find((r) => r.root.path === path)!;
      const objects = root.objects.map((o) => o.unsubstituted ?? o.object);
      expect(objects).toEqual(kustomizeBuild(join(talk, path)));
    }
  });
});

describe('the mesh model of kustomize base plus overlays', () => {
  const repo = join(fixtures, 'overlays');

  it('makes each overlay a cluster and leaves the base out as a root', async () => {
    const model = await buildMeshModel(repo);
    expect(model.clusters.map((c) => c.name)).toEqual(['overlays/prod', 'overlays/staging']);
  });

  it('maps a sidecar to the overlay patch that changes it, and otherwise to the base', async () => {
    const model = await buildMeshModel(repo);
    const sidecar = (cluster: string) =>
      model.clusters.find((c) => c.name === cluster)!.workloads[0]!.sidecar;
    expect(sidecar('overlays/prod')).toMatchObject({
      state: 'native',
      version: '1.31.0',
      origin: 'overlay',
      source: { file: 'overlays/prod/sidecar.yaml', line: 11 },
    });
    expect(sidecar('overlays/staging')).toMatchObject({
      state: 'native',
      version: '1.30.4',
      origin: 'inline',
      revision: 'default',
      source: { file: 'base/deployment.yaml', line: 17 },
    });
    expect(model.clusters[0]!.workloads[0]!.name).toBe('prod-web');
    expect(model.clusters[0]!.namespaces).toEqual([
      {
        name: 'web',
        source: { file: 'base/namespace.yaml', line: 1 },
        injection: { value: 'enabled', source: { file: 'base/namespace.yaml', line: 6 } },
      },
    ]);
  });

  it('renders the overlays exactly as kustomize build does', async () => {
    const { rendered } = await buildMesh(repo);
    for (const root of rendered)
      expect(root.objects.map((o) => o.object)).toEqual(kustomizeBuild(join(repo, root.root.path)));
  });
});

describe('the mesh model of Argo CD Applications', () => {
  it('groups by destination, renders path sources and leaves chart sources to the values sources', async () => {
    const model = await buildMeshModel(join(fixtures, 'argocd'));
    // The Applications themselves are plain manifests of the cluster that runs Argo CD.
    expect(model.clusters.map((c) => [c.name, c.roots.map((r) => r.id)])).toEqual([
      ['default', ['plain:argocd']],
      ['prod-eu', ['argocd:workloads/web@argocd/web']],
    ]);
    const [web] = model.clusters[1]!.workloads;
    expect([web!.namespace, web!.sidecar.version, web!.sidecar.revision, web!.podRevision?.value]).toEqual([
      'web',
      '1.30.4',
      '1-30-4',
      '1-30-4',
    ]);
  });
});

describe('Flux post-build substitution in the model', () => {
  const repo = join(fixtures, 'flux-substitution');

  it('applies substituteFrom in order, substitute over it, defaults, and leaves disabled objects alone', async () => {
    const { model } = await buildMesh(repo);
    const objects = model.clusters[0]!.objects;
    const labels = (objects.find((o) => o.kind === 'Namespace')!.object.metadata as { labels: unknown })
      .labels;
    expect(labels).toEqual({ tier: 'gold', region: 'eu-west-1', zone: 'a', upper: 'EU-WEST-1' });
    const script = objects.find((o) => o.name === 'script')!.object.data;
    expect(script).toEqual({ 'run.sh': 'echo ${HOME}' });
    expect(model.warnings).toEqual([]);
  });

  it('maps a substituted sidecar version to the ConfigMap key that set it', async () => {
    const { model } = await buildMesh(repo);
    const sidecar = model.clusters[0]!.workloads[0]!.sidecar;
    expect(sidecar).toMatchObject({
      version: '1.30.4',
      origin: 'substituted',
      source: {
        file: 'clusters/eu/vars.yaml',
        line: 17,
        variable: 'proxy_version',
        reference: { file: 'app/app.yaml', line: 29 },
      },
    });
  });
});

describe('source map of inline patches', () => {
  it('names the kustomization line inside an inline JSON6902 patch, and a Flux Kustomization spec.patches entry', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'mesh-inline-'));
    const write = (path: string, text: string) => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    const deployment = (name: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ghcr.io/example/${name}:1\n`;
    write('web/deployment.yaml', deployment('web'));
    write(
      'web/kustomization.yaml',
      'resources:\n  - deployment.yaml\npatches:\n  - target:\n      kind: Deployment\n    patch: |-\n      - op: add\n        path: /spec/template/spec/containers/-\n        value:\n          name: istio-proxy\n          image: docker.io/istio/proxyv2:1.30.4\n',
    );
    write('api/deployment.yaml', deployment('api'));
    write('api/kustomization.yaml', 'resources:\n  - deployment.yaml\n');
    write('clusters/eu/flux-system/kustomization.yaml', 'resources: []\n');
    write(
      'clusters/eu/api.yaml',
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: api\n  namespace: flux-system\nspec:\n  path: ./api\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  patches:\n    - target:\n        kind: Deployment\n      patch: |\n        - op: add\n          path: /spec/template/spec/containers/-\n          value:\n            name: istio-proxy\n            image: docker.io/istio/proxyv2:1.29.0\n',
    );
    const model = await buildMeshModel(dir);
    const sidecar = (name: string) =>
      model.clusters.flatMap((c) => c.workloads).find((w) => w.name === name)!.sidecar;
    expect(sidecar('web')).toMatchObject({
      version: '1.30.4',
      origin: 'patch',
      source: { file: 'web/kustomization.yaml', line: 11 },
    });
    expect(sidecar('api')).toMatchObject({
      version: '1.29.0',
      source: { file: 'clusters/eu/api.yaml', line: 19 },
    });
  });
});

describe('a shared istiod base fed one version ConfigMap per cluster', () => {
  it('gives each cluster the version of its own ConfigMap, not the first one found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-model-'));
    cpSync(join(fixtures, '../fleet-waves'), dir, { recursive: true });
    const file = join(dir, 'clusters/staging/istio-version.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('1.30.4', '1.30.3'));
    const model = await buildMeshModel(dir);
    const versions = model.clusters
      .filter((c) => c.controlPlanes.length > 0)
      .map((c) => `${c.name} ${c.controlPlanes[0]!.version}`);
    expect(versions).toEqual(['clusters/dev 1.30.4', 'clusters/prod 1.30.4', 'clusters/staging 1.30.3']);
    rmSync(dir, { recursive: true, force: true });
  });
});
