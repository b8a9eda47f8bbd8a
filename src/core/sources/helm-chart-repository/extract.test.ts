import { describe, expect, it } from 'vitest';
import { describeSources, moveFixture } from '../__fixtures__/harness.js';
import { helmChartRepositoryKind } from './index.js';

const fixture = () =>
  moveFixture(new URL('./__fixtures__/', import.meta.url), 'Chart.yaml', helmChartRepositoryKind);

describe('helm-chart-repository sources', () => {
  it('finds every location on a retired Istio host, and no mirror', () => {
    expect(describeSources(fixture().sources)).toEqual([
      '8:18 double dependencies[0].repository (base) https://istio-release.storage.googleapis.com/charts',
      '11:18 single dependencies[1].repository (istiod) oci://gcr.io/istio-release/charts',
    ]);
  });

  it('moves them to the current hosts byte for byte, keeping quotes, comments and line endings', () => {
    const { after, expected } = fixture();
    expect(after.toString('latin1')).toBe(expected.toString('latin1'));
  });
});
