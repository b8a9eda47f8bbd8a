import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { patchFileName, sidecarPatch, strategicMergeDiff, wirePatches } from './patches.js';

describe('strategicMergeDiff', () => {
  it('keys container lists by name, with no $setElementOrder (kustomize would leave it in the pod)', () => {
    const base = {
      spec: {
        initContainers: [{ name: 'setup', image: 'a' }],
        containers: [{ name: 'app', image: 'x', resources: {} }],
      },
    };
    const target = {
      spec: {
        initContainers: [
          { name: 'istio-init', image: 'p' },
          { name: 'setup', image: 'a' },
        ],
        containers: [
          { name: 'app', image: 'x', readinessProbe: { port: 15020 } },
          { name: 'istio-proxy', image: 'p' },
        ],
      },
    };
    const diff = strategicMergeDiff(base, target) as { spec: Record<string, unknown> };
    expect(diff.spec['containers']).toEqual([
      { name: 'app', readinessProbe: { port: 15020 } },
      { name: 'istio-proxy', image: 'p' },
    ]);
    expect(diff.spec['initContainers']).toEqual([{ name: 'istio-init', image: 'p' }]);
  });

  it('ignores the empty values istioctl adds and marks removed keys null', () => {
    expect(strategicMergeDiff({ a: 1, b: 2 }, { a: 1, resources: {}, creationTimestamp: null })).toEqual({
      b: null,
    });
  });
});

describe('sidecarPatch', () => {
  it('writes a named, position-free patch of the pod template', () => {
    const source = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'web' }] } } },
    };
    const injected = {
      ...source,
      spec: {
        template: {
          metadata: { annotations: { 'sidecar.istio.io/status': '{}' } },
          spec: {
            initContainers: [{ name: 'istio-init' }],
            containers: [{ name: 'web' }, { name: 'istio-proxy' }],
          },
        },
      },
    };
    const patch = parse(
      sidecarPatch({ kind: 'Deployment', name: 'web', namespace: 'shop' }, source, injected)!,
    ) as Record<string, unknown>;
    expect(patch).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        template: {
          metadata: { annotations: { 'sidecar.istio.io/status': '{}' } },
          spec: {
            initContainers: [{ name: 'istio-init' }],
            containers: [{ name: 'istio-proxy' }],
          },
        },
      },
    });
    expect(patchFileName({ kind: 'Deployment', name: 'web', namespace: 'shop' })).toBe(
      'istio-sidecar.deployment.shop.web.yaml',
    );
  });
});

describe('wirePatches', () => {
  it('appends to an existing block list with its indentation, once', () => {
    const text = 'resources:\n  - a.yaml\npatches:\n  - path: old.yaml # mine\nimages: []\n';
    const wired = wirePatches(text, ['new.yaml', 'old.yaml'])!;
    expect(wired).toBe(
      'resources:\n  - a.yaml\npatches:\n  - path: old.yaml # mine\n  - path: new.yaml\nimages: []\n',
    );
    expect(wirePatches(wired, ['new.yaml'])).toBeUndefined();
  });

  it('adds a patches list at the end when there is none', () => {
    expect(wirePatches('resources:\n- a.yaml', ['p.yaml'])).toBe(
      'resources:\n- a.yaml\npatches:\n- path: p.yaml\n',
    );
  });
});
