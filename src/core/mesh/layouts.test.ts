import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMeshInvariants } from './invariants.js';
import { buildMeshModel } from './model.js';

const fixtures = join(new URL('../../..', import.meta.url).pathname, 'test/fixtures/mesh');
const planes = async (name: string) =>
  (await buildMeshModel(join(fixtures, name))).clusters.map((c) => [
    c.name,
    c.controlPlanes.map((p) => ({
      revision: p.revision,
      version: p.version,
      tags: p.tags,
      source: p.source,
    })),
  ]);

describe('control planes per revision in each layout', () => {
  it('Sail: a RevisionBased Istio is the revision <name>-v<version>, and an IstioRevisionTag tags it', async () => {
    expect(await planes('sail')).toEqual([
      [
        'default',
        [
          {
            revision: 'default-v1-30-4',
            version: '1.30.4',
            tags: ['default'],
            source: { file: 'istio.yaml', line: 1 },
          },
        ],
      ],
    ]);
    // The namespace names the revision the Istio defines: no MESH005.
    expect(checkMeshInvariants(await buildMeshModel(join(fixtures, 'sail')))).toEqual([]);
  });

  it('IstioOperator: spec.revision and spec.tag, with its meshConfig', async () => {
    const model = await buildMeshModel(join(fixtures, 'istio-operator'));
    expect(model.clusters[0]!.controlPlanes[0]).toMatchObject({
      revision: '1-31-0',
      version: '1.31.0',
      meshConfig: { accessLogFile: '/dev/stdout' },
      source: { file: 'operator.yaml', line: 1 },
    });
  });

  it('Helm umbrella chart: the istiod dependency with the values under its key', async () => {
    const model = await buildMeshModel(join(fixtures, 'helm-umbrella'));
    expect(model.clusters.map((c) => c.name)).toEqual(['default']);
    expect(model.clusters[0]!.controlPlanes[0]).toMatchObject({
      revision: '1-30-4',
      version: '1.30.4',
      chart: {
        name: 'istiod',
        repository: 'https://istio-release.storage.googleapis.com/charts',
        version: '1.30.4',
      },
    });
  });

  it('Argo CD multi-source with $values: the chart source with values from this repo', async () => {
    const model = await buildMeshModel(join(fixtures, 'argocd'), {
      repositoryUrls: ['https://github.com/example/fleet'],
    });
    const cluster =
      model.clusters.find((c) => c.name === 'prod-eu') ??
      model.clusters.find((c) => c.controlPlanes.length > 0);
    expect(cluster?.controlPlanes[0]).toMatchObject({ revision: '1-30-4', version: '1.30.4' });
  });
});
