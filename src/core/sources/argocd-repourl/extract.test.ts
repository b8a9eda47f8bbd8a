import { describe, expect, it } from 'vitest';
import { describeSources, moveFixture } from '../__fixtures__/harness.js';
import { argocdRepoUrlKind } from './index.js';

const fixture = () =>
  moveFixture(new URL('./__fixtures__/', import.meta.url), 'applications.yaml', argocdRepoUrlKind);

describe('argocd-repourl sources', () => {
  it('finds every location on a retired Istio host, and no mirror', () => {
    expect(describeSources(fixture().sources)).toEqual([
      '9:15 double Application argocd/istiod spec.source.repoURL https://istio-release.storage.googleapis.com/charts',
      '22:21 single ApplicationSet argocd/istio spec.template.spec.sources[0].repoURL gcr.io/istio-release/charts',
      '40:8 none Secret argocd/istio-charts stringData.url https://istio-release.storage.googleapis.com/charts',
    ]);
  });

  it('moves them to the current hosts byte for byte, keeping quotes, comments and line endings', () => {
    const { after, expected } = fixture();
    expect(after.toString('latin1')).toBe(expected.toString('latin1'));
  });
});
