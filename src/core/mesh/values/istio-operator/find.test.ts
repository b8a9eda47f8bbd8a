import { describe, expect, it } from 'vitest';
import { fixtureObjects, noFiles } from '../__fixtures__/objects.js';
import { findIstioOperators } from './find.js';

const directory = new URL('./__fixtures__/', import.meta.url);
const find = (file: string) =>
  findIstioOperators({ objects: fixtureObjects(directory, file), readFile: noFiles });

describe('istio-operator values', () => {
  it('declares each enabled component: the profile, with the user list replacing its gateways', async () => {
    const found = await find('iop.yaml');
    expect(found.map((d) => [d.component, d.name, d.namespace])).toEqual([
      ['base', 'IstioOperator istio-system/control-plane base', 'istio-system'],
      ['istiod', 'IstioOperator istio-system/control-plane', 'istio-system'],
      [
        'gateway',
        'IstioOperator istio-system/control-plane ingressGateways[public-ingress]',
        'istio-ingress',
      ],
      [
        'gateway',
        'IstioOperator istio-system/control-plane egressGateways[istio-egressgateway]',
        'istio-egress',
      ],
    ]);
  });

  it('maps spec.meshConfig, spec.tag, spec.hub and spec.revision to values as istioctl does', async () => {
    const istiod = (await find('iop.yaml')).find((d) => d.component === 'istiod')!;
    expect(istiod.version).toBe('1.24.2');
    expect(istiod.revision).toBe('1-24-2');
    expect(istiod.values.global).toEqual({
      configValidation: true,
      istioNamespace: 'istio-system',
      hub: 'docker.io/istio',
      tag: '1.24.2',
      proxy: { resources: { requests: { cpu: '50m' } } },
    });
    expect(istiod.layers[0]!.description).toBe('istioctl profile default (1.30) spec.values');
    expect(istiod.notes).toEqual([
      'profile default (istioctl 1.30 built-in): its spec.values are the lowest layer',
    ]);
    // spec.meshConfig and spec.values.meshConfig deep-merge into one meshConfig.
    expect(istiod.meshConfig).toEqual({
      accessLogFile: '/dev/stdout',
      defaultConfig: {
        holdApplicationUntilProxyStarts: true,
        proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', EXIT_ON_ZERO_ACTIVE_CONNECTIONS: 'true' },
      },
    });
  });

  it('gives a gateway its name, labels and own tag under gateways.<root>', async () => {
    const [, , ingress, egress] = await find('iop.yaml');
    expect(ingress!.values.gateways).toEqual({
      'istio-egressgateway': {},
      'istio-ingressgateway': { name: 'public-ingress', labels: { istio: 'public-ingress' } },
    });
    expect(egress!.values.gateways).toEqual({
      'istio-egressgateway': { name: 'istio-egressgateway', tag: '1.24.2-distroless' },
      'istio-ingressgateway': {},
    });
  });

  it('lets spec.values win over spec.tag, as istioctl 1.30 re-applies user values last', async () => {
    const found = await find('ambient.yaml');
    const istiod = found.find((d) => d.component === 'istiod' && d.name === 'IstioOperator ambient')!;
    expect(istiod.values.global).toEqual({
      configValidation: true,
      istioNamespace: 'istio-system',
      tag: '1.24.2',
    });
    expect(istiod.values.profile).toBe('ambient');
    expect(istiod.version).toBe('1.24.2');
  });

  it('installs cni and ztunnel with the ambient profile, and lifts ztunnel values to the root', async () => {
    const found = (await find('ambient.yaml')).filter((d) => d.name.startsWith('IstioOperator ambient'));
    expect(found.map((d) => d.component)).toEqual(['base', 'istiod', 'cni', 'ztunnel']);
    const ztunnel = found.find((d) => d.component === 'ztunnel')!;
    expect(ztunnel.values.resources).toEqual({ requests: { cpu: '200m' } });
  });

  it('names a profile istioctl does not ship as unresolved', async () => {
    const custom = (await find('ambient.yaml')).find((d) => d.name === 'IstioOperator custom')!;
    expect(custom.unresolved.map((u) => u.reference)).toEqual([
      'IstioOperator custom spec.profile my-company-profile',
    ]);
  });
});
