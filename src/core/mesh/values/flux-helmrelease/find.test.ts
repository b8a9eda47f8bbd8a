import { describe, expect, it } from 'vitest';
import { fixtureObjects, noFiles } from '../__fixtures__/objects.js';
import { findHelmReleases } from './find.js';

const directory = new URL('./__fixtures__/', import.meta.url);

async function find(...files: string[]) {
  return findHelmReleases({
    objects: fixtureObjects(directory, 'repositories.yaml', ...files),
    readFile: noFiles,
  });
}

describe('flux-helmrelease values', () => {
  it('finds base and istiod with the chart, its repository URL and version', async () => {
    const found = await find('releases.yaml');
    expect(found.map((d) => [d.component, d.name, d.chart, d.version])).toEqual([
      [
        'base',
        'HelmRelease istio-system/istio-base',
        {
          name: 'base',
          repository: 'https://istio-release.storage.googleapis.com/charts',
          version: '1.24.2',
        },
        '1.24.2',
      ],
      [
        'istiod',
        'HelmRelease istio-system/istiod',
        {
          name: 'istiod',
          repository: 'https://istio-release.storage.googleapis.com/charts',
          version: '1.24.2',
        },
        '1.24.2',
      ],
    ]);
    expect(found[1]!.source).toEqual({ file: 'releases.yaml', line: 21 });
  });

  it('merges valuesFrom in order, then spec.values on top: maps deep-merged, lists replaced', async () => {
    const istiod = (await find('releases.yaml')).find((d) => d.component === 'istiod')!;
    expect(istiod.layers.map((l) => l.description)).toEqual([
      'ConfigMap istio-system/istiod-shared-values key values.yaml',
      'ConfigMap istio-system/istiod-prod-values key prod.yaml',
      'HelmRelease istio-system/istiod spec.values',
      'ConfigMap istio-system/istio-hub key hub at targetPath global.hub',
      'Secret istio-system/istiod-tracing-token key token at targetPath meshConfig.defaultConfig.proxyMetadata.TRACING_TOKEN',
    ]);
    // spec.values wins over both documents; the prod document over the shared one.
    expect(istiod.values.pilot).toEqual({
      autoscaleMin: 3,
      resources: { requests: { cpu: '500m', memory: '1Gi' } },
    });
    expect(istiod.values.global).toMatchObject({
      hub: 'registry.example.com/istio',
      proxy: { resources: { requests: { cpu: '50m', memory: '64Mi' } } },
      logging: { level: 'default:info' },
    });
    // A list is replaced whole by the later layer, never merged item by item.
    expect(istiod.meshConfig).toEqual({
      accessLogFile: '/dev/stdout',
      extensionProviders: [
        { name: 'zipkin', zipkin: { service: 'zipkin.observability.svc.cluster.local', port: 9411 } },
      ],
      defaultConfig: {
        holdApplicationUntilProxyStarts: true,
        proxyMetadata: { TRACING_TOKEN: 's3cr3t-not-really' },
      },
    });
    expect(istiod.layers[0]!.source).toEqual({ file: 'releases.yaml', line: 70 });
  });

  it('skips an optional valuesFrom that is not in the repo, with a note and no unresolved entry', async () => {
    const istiod = (await find('releases.yaml')).find((d) => d.component === 'istiod')!;
    expect(istiod.unresolved).toEqual([]);
    expect(istiod.notes).toEqual([
      'optional valuesFrom ConfigMap istio-system/istiod-canary-overrides is not in the repo; Flux skips it, and so do we',
    ]);
  });

  it('names Secrets outside the repo, SOPS-encrypted Secrets and missing keys as unresolved, with where', async () => {
    const gateway = (await find('secrets-outside.yaml')).find((d) => d.component === 'gateway')!;
    expect(gateway.namespace).toBe('istio-ingress');
    expect(gateway.unresolved.map((u) => [u.reference, u.reason.split(';')[0], u.source?.line])).toEqual([
      [
        'HelmRelease istio-ingress/istio-ingress spec.chart.spec.valuesFiles values-prod.yaml',
        "chart values files come from the chart's source artifact, which Flux fetches",
        3,
      ],
      [
        'valuesFrom Secret istio-ingress/gateway-cloud-credentials',
        'the Secret is not among the rendered objects (it lives in the cluster, or is made by a SealedSecret or an external secrets operator)',
        3,
      ],
      ['Secret istio-ingress/gateway-sops-values key values.yaml', 'the Secret is SOPS-encrypted', 36],
      ['ConfigMap istio-ingress/gateway-values key missing.yaml', 'the key is not in the object', 50],
    ]);
    expect(gateway.notes).toHaveLength(1);
    // What can be resolved is still there.
    expect(gateway.values).toEqual({ service: { type: 'LoadBalancer' } });
  });

  it('says so when only a hash-suffixed generated ConfigMap is rendered for a valuesFrom name', async () => {
    const cni = (await find('secrets-outside.yaml')).find((d) => d.component === 'cni')!;
    expect(cni.unresolved.map((u) => u.reason.split(':')[0])).toEqual([
      'only ConfigMap istio-system/cni-values-7f8k2m9tbc is rendered',
    ]);
  });

  it('keeps a semver range as the chart version but claims no Istio version from it', async () => {
    const gateway = (await find('secrets-outside.yaml')).find((d) => d.component === 'gateway')!;
    expect(gateway.chart).toEqual({
      name: 'gateway',
      repository: 'https://istio-release.storage.googleapis.com/charts',
      version: '>=1.24.0 <1.25.0',
    });
    expect(gateway.version).toBeUndefined();
  });

  it('follows chartRef to an OCIRepository, and ignores charts that are not Istio', async () => {
    const found = await find('secrets-outside.yaml');
    expect(found.map((d) => d.component)).toEqual(['gateway', 'ztunnel', 'cni']);
    expect(found[1]!.chart).toEqual({
      name: 'ztunnel',
      repository: 'oci://ghcr.io/istio/release/charts/ztunnel',
      version: '1.24.2',
    });
  });

  it('lets targetPath win over spec.values and later documents, and sets one list item', async () => {
    const [istiod] = await find('target-path.yaml');
    expect(istiod!.revision).toBe('1-24-2');
    expect(istiod!.values.global).toEqual({
      proxy: { excludeIPRanges: ['169.254.169.254/32', '10.0.0.2/32'] },
    });
    // A quoted value stays a string, as with `helm --set-string`.
    expect(istiod!.values.pilot).toEqual({ env: { PILOT_ENABLE_ALPHA_GATEWAY_API: 'true' } });
  });
});
