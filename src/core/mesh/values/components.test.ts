import { describe, expect, it } from 'vitest';
import { declare, istioChartComponent, istioVersionOf } from './components.js';

const draft = (component: 'istiod' | 'gateway', values: Record<string, unknown>, version?: string) =>
  declare({
    sourceId: 'flux-helmrelease',
    component,
    name: 'HelmRelease istio-system/x',
    ...(version ? { chart: { name: component, version } } : {}),
    layers: [{ description: 'test', values }],
    unresolved: [],
  });

describe('declarations', () => {
  it("reads istiod's version from a top-level tag before global.tag, as its chart does", () => {
    expect(draft('istiod', { tag: '1.24.3', global: { tag: '1.24.2' } }).version).toBe('1.24.3');
    expect(draft('gateway', { tag: '1.24.3', global: { tag: '1.24.2' } }).version).toBe('1.24.2');
  });

  it('falls back to an exact chart version, and claims none from a range or a non-version tag', () => {
    expect(draft('istiod', {}, '1.24.2').version).toBe('1.24.2');
    expect(draft('istiod', {}, '1.24.x').version).toBeUndefined();
    expect(draft('istiod', { global: { tag: 'latest' } }).version).toBeUndefined();
    expect(istioVersionOf('1.24.2-distroless')).toBe('1.24.2');
  });

  it('treats an empty revision as the default revision', () => {
    expect(draft('istiod', { revision: '' }).revision).toBeUndefined();
    expect(draft('istiod', { revision: '1-24-2' }).revision).toBe('1-24-2');
  });

  it('recognises ambiguous chart names only from an Istio source', () => {
    expect(istioChartComponent('base', 'https://charts.example.com')).toBeUndefined();
    expect(istioChartComponent('base', 'https://istio-release.storage.googleapis.com/charts')).toBe('base');
    expect(istioChartComponent('oci://ghcr.io/istio/release/charts/istiod', undefined)).toBe('istiod');
    expect(istioChartComponent('podinfo', 'istio')).toBeUndefined();
  });
});
