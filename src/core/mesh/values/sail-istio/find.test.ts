import { describe, expect, it } from 'vitest';
import { fixtureObjects, noFiles } from '../__fixtures__/objects.js';
import { findSailResources } from './find.js';

const directory = new URL('./__fixtures__/', import.meta.url);
const find = (file: string) =>
  findSailResources({ objects: fixtureObjects(directory, file), readFile: noFiles });

describe('sail-istio values', () => {
  it('names a RevisionBased revision <name>-<version with dashes>, over any revision in values', async () => {
    const [istio] = await find('sail.yaml');
    expect(istio).toMatchObject({
      component: 'istiod',
      name: 'Istio default',
      namespace: 'istio-system',
      version: '1.24.2',
    });
    expect(istio!.revision).toBe('default-v1-24-2');
    expect(istio!.values.global).toEqual({ istioNamespace: 'istio-system' });
  });

  it('reads meshConfig from spec.values.meshConfig', async () => {
    const [istio] = await find('sail.yaml');
    expect(istio!.meshConfig).toEqual({
      defaultConfig: {
        holdApplicationUntilProxyStarts: true,
        proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' },
      },
    });
  });

  it('gives IstioCNI and ZTunnel as cni and ztunnel, with the v1 namespace default noted', async () => {
    const [, cni, ztunnel] = await find('sail.yaml');
    expect([cni!.component, cni!.namespace, cni!.values]).toEqual([
      'cni',
      'istio-cni',
      { cni: { logLevel: 'info' } },
    ]);
    expect([ztunnel!.component, ztunnel!.namespace, ztunnel!.version]).toEqual([
      'ztunnel',
      'ztunnel',
      '1.24.2',
    ]);
    expect(ztunnel!.notes).toEqual(['spec.namespace is not set; sailoperator.io/v1 defaults it to ztunnel']);
    expect(cni!.revision).toBeUndefined();
  });

  it('makes the InPlace `default` Istio the default revision, and other names their own revision', async () => {
    const [defaultIstio, prod] = await find('sail-in-place.yaml');
    expect(defaultIstio!.revision).toBeUndefined();
    expect(prod!.revision).toBe('prod');
    expect(prod!.version).toBeUndefined();
    expect(prod!.notes?.[0]).toBe(
      'spec.version v1.24-latest is an alias, not a release; the operator resolves it',
    );
  });

  it('puts v1alpha1 rawValues over values', async () => {
    const [istio] = await find('sail-in-place.yaml');
    expect(istio!.layers.map((l) => l.description)).toEqual([
      'Istio default spec.values',
      'Istio default spec.rawValues',
      'Sail Operator: revision default (InPlace), global.istioNamespace',
    ]);
    expect(istio!.values.global).toEqual({
      logging: { level: 'default:warn' },
      istioNamespace: 'istio-system',
    });
  });
});
