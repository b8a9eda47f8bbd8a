import { describe, expect, it } from 'vitest';
import { fixtureReader } from '../__fixtures__/objects.js';
import type { ValuesLookupContext } from '../types.js';
import { findValuesFiles } from './index.js';

const repo = new URL('./__fixtures__/repo/', import.meta.url);
const files = [
  'charts/mesh/Chart.yaml',
  'charts/mesh/values.yaml',
  'helmfile.yaml',
  'istio/istiod-values.yaml',
  'istio/istiod-prod.yaml.gotmpl',
];
const context: ValuesLookupContext = { objects: [], readFile: fixtureReader(repo), files };

describe('helm-values-file values', () => {
  it('declares the enabled Istio dependencies of an umbrella chart, honouring alias and condition', async () => {
    const umbrella = (await findValuesFiles(context)).filter((d) => d.name.startsWith('Helm chart'));
    expect(umbrella.map((d) => [d.component, d.name, d.chart])).toEqual([
      [
        'istiod',
        'Helm chart mesh (charts/mesh/Chart.yaml) dependency istiod-canary',
        {
          name: 'istiod',
          repository: 'https://istio-release.storage.googleapis.com/charts',
          version: '~1.24.0',
        },
      ],
      [
        'cni',
        'Helm chart mesh (charts/mesh/Chart.yaml) dependency cni',
        { name: 'cni', repository: 'oci://ghcr.io/istio/release/charts', version: '1.24.2' },
      ],
    ]);
  });

  it("reads the dependency's values under its alias, with the parent's global winning", async () => {
    const [istiod] = await findValuesFiles(context);
    expect(istiod!.values).toEqual({
      revision: 'canary',
      global: { tag: '1.24.2', hub: 'docker.io/istio' },
      pilot: { env: { PILOT_ENABLE_AMBIENT: 'true' } },
    });
    expect([istiod!.revision, istiod!.version]).toEqual(['canary', '1.24.2']);
    expect(istiod!.layers[0]!.source).toEqual({ file: 'charts/mesh/values.yaml', line: 1 });
  });

  it('merges helmfile values in order, then set and setString over them', async () => {
    const istiod = (await findValuesFiles(context)).find(
      (d) => d.name === 'helmfile helmfile.yaml release istiod',
    )!;
    expect(istiod.namespace).toBe('istio-system');
    expect(istiod.chart).toEqual({
      name: 'istiod',
      repository: 'https://istio-release.storage.googleapis.com/charts',
      version: '1.24.2',
    });
    expect(istiod.values).toEqual({
      pilot: { autoscaleMin: 3 },
      global: { proxy: { resources: { requests: { cpu: '100', memory: '64Mi' } } } },
      meshConfig: { defaultConfig: { holdApplicationUntilProxyStarts: true } },
    });
  });

  it('names templated helmfile values and versions as unresolved, never dropping them silently', async () => {
    const found = await findValuesFiles(context);
    const istiod = found.find((d) => d.name === 'helmfile helmfile.yaml release istiod')!;
    expect(istiod.unresolved.map((u) => u.reference)).toEqual([
      'helmfile helmfile.yaml release istiod values[1]',
    ]);
    const gateway = found.find((d) => d.component === 'gateway')!;
    expect(gateway.unresolved.map((u) => [u.reference, u.reason])).toEqual([
      ['helmfile helmfile.yaml release istio-ingress version', 'a helmfile template'],
    ]);
    expect(found.some((d) => d.name.includes('podinfo'))).toBe(false);
  });

  it('finds nothing without a file list', async () => {
    expect(await findValuesFiles({ ...context, files: undefined })).toEqual([]);
  });
});
