import { describe, expect, it } from 'vitest';
import { describeSources, moveFixture } from '../__fixtures__/harness.js';
import { helmfileRepositoriesKind } from './index.js';

const fixture = () =>
  moveFixture(new URL('./__fixtures__/', import.meta.url), 'helmfile.yaml', helmfileRepositoriesKind);

describe('helmfile-repositories sources', () => {
  it('finds every location on a retired Istio host, and no mirror', () => {
    expect(describeSources(fixture().sources)).toEqual([
      '3:10 none repositories[0].url (istio) https://istio-release.storage.googleapis.com/charts',
      '5:11 double repositories[1].url (istio-oci) gcr.io/istio-release/charts',
      '17:13 single releases[1].chart (istiod) oci://gcr.io/istio-release/charts/istiod',
    ]);
  });

  it('moves them to the current hosts byte for byte, keeping quotes, comments and line endings', () => {
    const { after, expected } = fixture();
    expect(after.toString('latin1')).toBe(expected.toString('latin1'));
  });
});
