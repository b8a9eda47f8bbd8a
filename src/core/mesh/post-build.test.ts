import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMeshModel } from './model.js';

const base = join(new URL('../../..', import.meta.url).pathname, 'test/fixtures/fleet-waves/infrastructure');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const kustomization = (name: string, path: string, substituteFrom = false) =>
  [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    `  name: ${name}`,
    '  namespace: flux-system',
    'spec:',
    '  interval: 10m',
    `  path: ./${path}`,
    '  sourceRef:',
    '    kind: GitRepository',
    '    name: flux-system',
    ...(substituteFrom
      ? ['  postBuild:', '    substituteFrom:', '      - kind: ConfigMap', '        name: istio-version']
      : []),
    '',
  ].join('\n');

const configMap = (version: string) =>
  [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: istio-version',
    '  namespace: flux-system',
    'data:',
    `  version: "${version}"`,
    '',
  ].join('\n');

/** A Flux fleet (bootstrap dirs with flux-system/) over the shared istiod base of the fleet fixture. */
function fleet(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'post-build-'));
  dirs.push(dir);
  cpSync(base, join(dir, 'infrastructure'), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const versions = async (dir: string) =>
  (await buildMeshModel(dir)).clusters
    .filter((c) => c.controlPlanes.length > 0)
    .map((c) => `${c.name} ${c.controlPlanes[0]!.version}`);

describe('Flux substituteFrom lookup in the mesh model', () => {
  it('reads the ConfigMap rendered for the Kustomization’s own cluster, even when another cluster’s is nearer by path', async () => {
    const dir = fleet({
      'clusters/dev/flux-system/gotk-sync.yaml': kustomization('flux-system', 'clusters/dev'),
      'clusters/dev/istio.yaml': kustomization('istio', 'infrastructure/istio', true),
      'clusters/dev/versions.yaml': kustomization('versions', 'versions/dev'),
      'versions/dev/istio-version.yaml': configMap('1.30.3'),
      'clusters/staging/flux-system/gotk-sync.yaml': kustomization('flux-system', 'clusters/staging'),
      'clusters/staging/istio.yaml': kustomization('istio', 'infrastructure/istio', true),
      'clusters/staging/istio-version.yaml': configMap('1.30.4'),
    });
    expect(await versions(dir)).toEqual(['clusters/dev 1.30.3', 'clusters/staging 1.30.4']);
  });

  it('warns naming both files when two ConfigMaps of one cluster are equally near', async () => {
    const dir = fleet({
      'clusters/dev/flux-system/gotk-sync.yaml': kustomization('flux-system', 'clusters/dev'),
      'clusters/dev/istio.yaml': kustomization('istio', 'infrastructure/istio', true),
      'clusters/dev/a/istio-version.yaml': configMap('1.30.3'),
      'clusters/dev/b/istio-version.yaml': configMap('1.30.4'),
    });
    const model = await buildMeshModel(dir);
    const messages = model.warnings.map((w) => `${w.file ?? ''}:${w.line ?? ''} ${w.message}`);
    const ambiguous = messages.filter((m) => m.includes('ambiguous'));
    expect(ambiguous).toHaveLength(1);
    expect(ambiguous[0]).toContain('clusters/dev/istio.yaml:');
    expect(ambiguous[0]).toContain('clusters/dev/a/istio-version.yaml and clusters/dev/b/istio-version.yaml');
  });

  it('warns when the ConfigMap is rendered only for other clusters', async () => {
    const dir = fleet({
      'clusters/dev/flux-system/gotk-sync.yaml': kustomization('flux-system', 'clusters/dev'),
      'clusters/dev/istio.yaml': kustomization('istio', 'infrastructure/istio', true),
      'clusters/staging/flux-system/gotk-sync.yaml': kustomization('flux-system', 'clusters/staging'),
      'clusters/staging/istio.yaml': kustomization('istio', 'infrastructure/istio', true),
      'clusters/staging/istio-version.yaml': configMap('1.30.4'),
    });
    const model = await buildMeshModel(dir);
    expect(model.warnings.map((w) => w.message)).toContainEqual(
      expect.stringContaining(
        'rendered only for other clusters (clusters/staging/istio-version.yaml), not for clusters/dev',
      ),
    );
    expect(await versions(dir)).toEqual(['clusters/dev undefined', 'clusters/staging 1.30.4']);
  });
});
