import { describe, expect, it } from 'vitest';
import { describeSources, moveFixture } from '../__fixtures__/harness.js';
import { fluxSourcesKind } from './index.js';

const fixture = () =>
  moveFixture(new URL('./__fixtures__/', import.meta.url), 'sources.yaml', fluxSourcesKind);

describe('flux-sources sources', () => {
  it('finds every location on a retired Istio host, and no mirror', () => {
    expect(describeSources(fixture().sources)).toEqual([
      '9:9 double HelmRepository flux-system/istio spec.url https://istio-release.storage.googleapis.com/charts',
      '18:9 single HelmRepository flux-system/istio-oci spec.url oci://gcr.io/istio-release/charts',
      '26:8 none OCIRepository flux-system/istiod spec.url oci://gcr.io/istio-release/charts/istiod',
    ]);
  });

  it('moves them to the current hosts byte for byte, keeping quotes, comments and line endings', () => {
    const { after, expected } = fixture();
    expect(after.toString('latin1')).toBe(expected.toString('latin1'));
  });
});
