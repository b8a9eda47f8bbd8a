import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { chooseNativeSidecars, manifestObjectsOfKind, proxyImageFromValues } from './offline-config.js';

describe('proxyImageFromValues', () => {
  it('joins hub, proxy image and tag', () => {
    expect(
      proxyImageFromValues({
        global: { hub: 'docker.io/istio', tag: '1.31.0', proxy: { image: 'proxyv2' } },
      }),
    ).toBe('docker.io/istio/proxyv2:1.31.0');
    expect(proxyImageFromValues({ global: { hub: 'registry.example/istio', tag: '1.30.4' } })).toBe(
      'registry.example/istio/proxyv2:1.30.4',
    );
  });

  it('uses a proxy image that is already a full reference as it is', () => {
    expect(
      proxyImageFromValues({
        global: { hub: 'docker.io/istio', tag: '1.31.0', proxy: { image: 'mirror.example/proxy:7' } },
      }),
    ).toBe('mirror.example/proxy:7');
  });

  it('applies the image variant to the tag as the injector does', () => {
    const global = { hub: 'docker.io/istio', proxy: { image: 'proxyv2' } };
    expect(proxyImageFromValues({ global: { ...global, tag: '1.31.0', variant: 'distroless' } })).toBe(
      'docker.io/istio/proxyv2:1.31.0-distroless',
    );
    expect(proxyImageFromValues({ global: { ...global, tag: '1.31.0-distroless', variant: 'debug' } })).toBe(
      'docker.io/istio/proxyv2:1.31.0-debug',
    );
    expect(proxyImageFromValues({ global: { ...global, tag: '1.31.0-debug', variant: 'default' } })).toBe(
      'docker.io/istio/proxyv2:1.31.0',
    );
  });
});

describe('chooseNativeSidecars', () => {
  it('lets an explicit choice win over everything', () => {
    expect(chooseNativeSidecars(true, 'false', '1.31.0', '1.30').nativeSidecars).toBe(true);
    expect(chooseNativeSidecars(false, 'true', '1.31.0', '1.34').nativeSidecars).toBe(false);
  });

  it('follows the control plane when it sets ENABLE_NATIVE_SIDECARS explicitly', () => {
    const chosen = chooseNativeSidecars('auto', 'false', '1.31.0', '1.34');
    expect(chosen).toEqual({
      nativeSidecars: false,
      reason: 'the control plane sets ENABLE_NATIVE_SIDECARS=false',
    });
    expect(chooseNativeSidecars(undefined, 'true', '1.31.0', undefined).nativeSidecars).toBe(true);
  });

  it('in auto mode does what the webhook does for the Kubernetes version', () => {
    expect(chooseNativeSidecars('auto', undefined, '1.31.0', '1.33').nativeSidecars).toBe(true);
    expect(chooseNativeSidecars('auto', 'auto', '1.31.0', '1.32').nativeSidecars).toBe(false);
    expect(chooseNativeSidecars('auto', undefined, '1.26.3', '1.34').nativeSidecars).toBe(false);
    expect(() => chooseNativeSidecars('auto', undefined, '1.31.0', undefined)).toThrow(InvalidInputError);
  });

  it('stays off when nothing asks for native sidecars, like plain offline istioctl', () => {
    expect(chooseNativeSidecars(undefined, undefined, '1.31.0', '1.34').nativeSidecars).toBe(false);
  });
});

describe('manifestObjectsOfKind', () => {
  it('parses only the documents of the wanted kinds', () => {
    const manifest = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\ndata:\n  mesh: |-\n    defaultConfig: {}\n',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: istiod\n  bad: [unparsed\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: istiod\n',
    ].join('---\n');
    const found = manifestObjectsOfKind(manifest, ['ConfigMap', 'Deployment']);
    expect(found.map((o) => `${String(o.kind)}/${String(o.metadata?.name)}`)).toEqual([
      'ConfigMap/istio',
      'Deployment/istiod',
    ]);
    expect(found[0]?.data?.['mesh']).toBe('defaultConfig: {}');
  });
});
