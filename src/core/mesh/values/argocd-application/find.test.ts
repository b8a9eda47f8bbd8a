import { describe, expect, it } from 'vitest';
import { fixtureObjects, fixtureReader } from '../__fixtures__/objects.js';
import type { ValuesLookupContext } from '../types.js';
import { findApplications } from './find.js';

const directory = new URL('./__fixtures__/', import.meta.url);
const repo = new URL('./__fixtures__/repo/', import.meta.url);

function context(overrides: Partial<ValuesLookupContext> = {}): ValuesLookupContext {
  return {
    objects: fixtureObjects(directory, 'applications.yaml'),
    readFile: fixtureReader(repo),
    files: ['envs/a.yaml', 'envs/b.yaml', 'values/istiod/common.yaml', 'values/istiod/istio-system.yaml'],
    repositoryUrls: ['https://github.com/example/platform.git'],
    ...overrides,
  };
}

const byName = async (name: string, ctx = context()) =>
  (await findApplications(ctx)).filter((d) => d.name.startsWith(name));

describe('argocd-application values', () => {
  it('merges valueFiles < valuesObject (which replaces values) < parameters', async () => {
    const [istiod] = await byName('Application argocd/istiod');
    expect(istiod!.layers.map((l) => l.description)).toEqual([
      'Application argocd/istiod sources[0] valueFiles $values/values/istiod/common.yaml',
      'Application argocd/istiod sources[0] valueFiles $values/values/istiod/$ARGOCD_APP_NAMESPACE.yaml',
      'Application argocd/istiod sources[0] helm.valuesObject',
      'Application argocd/istiod sources[0] helm.parameters global.tag',
      'Application argocd/istiod sources[0] helm.parameters pilot.env.ENABLE_NATIVE_SIDECARS',
      'Application argocd/istiod sources[0] helm.parameters global.proxy.excludeIPRanges[1]',
    ]);
    expect(istiod!.values.pilot).toEqual({ autoscaleMin: 4, env: { ENABLE_NATIVE_SIDECARS: 'true' } });
    expect(istiod!.values.global).toEqual({
      tag: '1.24.3',
      proxy: {
        excludeIPRanges: ['169.254.169.254/32', '10.0.0.9/32'],
        resources: { requests: { cpu: '20m' } },
      },
    });
    expect(istiod!.meshConfig).toEqual({
      accessLogFile: '/dev/stdout',
      defaultConfig: { holdApplicationUntilProxyStarts: true },
    });
    expect([istiod!.version, istiod!.chart]).toEqual([
      '1.24.3',
      {
        name: 'istiod',
        repository: 'https://istio-release.storage.googleapis.com/charts',
        version: '1.24.2',
      },
    ]);
    expect(istiod!.layers[0]!.source).toEqual({ file: 'values/istiod/common.yaml', line: 1 });
  });

  it('skips a missing value file under ignoreMissingValueFiles, and notes values ignored for valuesObject', async () => {
    const [istiod] = await byName('Application argocd/istiod');
    expect(istiod!.unresolved).toEqual([]);
    expect(istiod!.notes).toEqual([
      'Application argocd/istiod sources[0] valueFiles $values/values/istiod/missing.yaml: values/istiod/missing.yaml is not in the repo; ignoreMissingValueFiles skips it',
      'Application argocd/istiod sources[0] has both values and valuesObject; Argo CD ignores values',
    ]);
  });

  it('names value files it cannot read here as unresolved: in the chart package, another repo, outside the repo', async () => {
    const [gateway] = await byName('Application argocd/istio-ingress');
    expect(gateway!.unresolved.map((u) => [u.reference.split(' valueFiles ')[1], u.reason])).toEqual([
      ['values-ingress.yaml', 'relative to the chart in its Helm repository, which is not in this repo'],
      [
        '$shared/istio/gateway.yaml',
        '$shared is https://github.com/example/shared-values.git, not known to be this repository',
      ],
      ['$values/values/istiod/../../../../etc/passwd', 'the path climbs out of the repository'],
    ]);
    expect(gateway!.chart?.version).toBe('1.24.*');
    expect(gateway!.version).toBeUndefined();
  });

  it('treats every $values file as unresolved when it cannot tell which repository this is', async () => {
    const [istiod] = await byName('Application argocd/istiod', context({ repositoryUrls: undefined }));
    expect(istiod!.unresolved.map((u) => u.reason)).toEqual([
      '$values is https://github.com/example/platform.git, not known to be this repository',
      '$values is https://github.com/example/platform.git, not known to be this repository',
      '$values is https://github.com/example/platform.git, not known to be this repository',
    ]);
  });

  it('expands a valueFiles glob in lexical order, leaving an explicit entry its own later place', async () => {
    const [base] = await byName('Application argocd/istio-base');
    expect(base!.chart).toEqual({
      name: 'base',
      repository: 'oci://ghcr.io/istio/release/charts/base',
      version: '1.24.2',
    });
    expect(base!.layers.map((l) => l.source?.file)).toEqual(['envs/b.yaml', 'envs/a.yaml']);
    expect(base!.values.defaultRevision).toBe('from-a');
  });

  it("gives each Istio dependency of an umbrella chart its values under the alias, with the parent's global", async () => {
    const found = await byName('Application argocd/mesh');
    expect(found.map((d) => [d.component, d.name])).toEqual([
      ['base', 'Application argocd/mesh mesh dependency base'],
      ['istiod', 'Application argocd/mesh mesh dependency control-plane'],
    ]);
    const istiod = found[1]!;
    // The parent's global.tag wins over control-plane.global.tag, as Helm passes globals down.
    expect(istiod.values).toEqual({
      global: { hub: 'docker.io/istio', tag: '1.24.2' },
      pilot: { autoscaleMin: 3 },
      meshConfig: { accessLogFile: '/dev/stdout' },
    });
    expect(istiod.version).toBe('1.24.2');
  });

  it('reads a vendored Istio chart in this repo, with value files relative to its path', async () => {
    const [istiod] = await byName('Application argocd/vendored-istiod');
    expect([istiod!.component, istiod!.chart, istiod!.version]).toEqual([
      'istiod',
      { name: 'istiod', repository: 'https://github.com/example/platform.git', version: '1.24.2' },
      '1.24.2',
    ]);
    expect(istiod!.layers.map((l) => l.source?.file)).toEqual(['vendor/istio/istiod/values-prod.yaml']);
  });

  it('ignores charts that are not Istio, including our own chart called gateway', async () => {
    expect(await byName('Application argocd/podinfo')).toEqual([]);
    expect(await byName('Application argocd/our-gateway')).toEqual([]);
  });
});
