import { describe, expect, it } from 'vitest';
import { describeSources, moveFixture } from '../__fixtures__/harness.js';
import { planSourceMoves } from '../engine.js';
import { imageHubsKind } from './index.js';

const fixture = () =>
  moveFixture(new URL('./__fixtures__/', import.meta.url), 'manifests.yaml', imageHubsKind);

describe('image-hubs sources', () => {
  it('finds every location on a retired Istio host, and no mirror', () => {
    expect(describeSources(fixture().sources)).toEqual([
      '10:13 double spec.values.global.hub gcr.io/istio-release',
      '16:8 none spec.hub registry.istio.io/release',
      '27:39 single spec.template.metadata.annotations.sidecar.istio.io/proxyImage gcr.io/istio-release/proxyv2:1.30.4',
      '33:18 none spec.template.spec.containers[1].image gcr.io/istio-release/proxyv2:1.30.4@sha256:0123456789abcdef',
      '41:14 none images[0].newName gcr.io/istio-release/pilot',
      '46:10 none values.global.hub registry.istio.io/testing',
    ]);
  });

  it('moves them to the current hosts byte for byte, keeping quotes, comments and line endings', () => {
    const { after, expected } = fixture();
    expect(after.toString('latin1')).toBe(expected.toString('latin1'));
  });

  it('reports development builds on registry.istio.io/testing but has nothing to move them to', () => {
    const { sources } = fixture();
    const plan = planSourceMoves(sources);
    expect(plan.stuck.map((s) => s.source.value)).toEqual(['registry.istio.io/testing']);
    expect(plan.moves).toHaveLength(5);
  });
});
