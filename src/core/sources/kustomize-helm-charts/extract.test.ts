import { describe, expect, it } from 'vitest';
import { describeSources, moveFixture } from '../__fixtures__/harness.js';
import { kustomizeHelmChartsKind } from './index.js';

const fixture = () =>
  moveFixture(new URL('./__fixtures__/', import.meta.url), 'kustomization.yaml', kustomizeHelmChartsKind);

describe('kustomize-helm-charts sources', () => {
  it('finds every location on a retired Istio host, and no mirror', () => {
    expect(describeSources(fixture().sources)).toEqual([
      '5:11 none helmCharts[0].repo (base) https://istio-release.storage.googleapis.com/charts',
      '9:12 double helmCharts[1].repo (istiod) http://istio-release.storage.googleapis.com/charts/',
    ]);
  });

  it('moves them to the current hosts byte for byte, keeping quotes, comments and line endings', () => {
    const { after, expected } = fixture();
    expect(after.toString('latin1')).toBe(expected.toString('latin1'));
  });
});
