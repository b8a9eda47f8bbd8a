import { describe, expect, it } from 'vitest';
import { versionOnlyChanges } from '../__fixtures__/byte-diff.js';
import { bumpInMemory, fixtures, summarise } from '../__fixtures__/harness.js';
import { extractPins, planPinUpdates } from '../engine.js';
import { containerImagesKind } from './index.js';

const directory = new URL('./__fixtures__/', import.meta.url);
const kinds = [containerImagesKind];

describe('container-images pins', () => {
  it('finds sidecar, init, annotation and istiod images with the revision label', () => {
    const { pins } = extractPins({ files: fixtures(directory, 'workload.yaml') }, { kinds });
    expect(summarise(pins)).toEqual([
      'workload.yaml:14:63 1.24.2 plain double data-plane rev=1-24-2',
      'workload.yaml:18:43 1.24.2 plain single data-plane rev=1-24-2',
      'workload.yaml:23:44 1.24.2 plain none data-plane rev=1-24-2',
      'workload.yaml:35:63 1.24.2 plain none control-plane',
    ]);
    expect(pins[0]!.location).toBe('annotation sidecar.istio.io/proxyImage');
  });

  it('finds images in JSON6902 patches', () => {
    const { pins } = extractPins({ files: fixtures(directory, 'patch.yaml') }, { kinds });
    expect(summarise(pins)).toEqual([
      'patch.yaml:4:34 1.24.2 plain none data-plane',
      'patch.yaml:9:42 1.24.2 plain double data-plane',
    ]);
  });

  it('bumps the data plane only when asked, leaving the bookinfo image tag alone', () => {
    const files = fixtures(directory, 'workload.yaml');
    const { before, after } = bumpInMemory(files, '1.25.0', { kinds, role: 'data-plane' });
    expect(
      versionOnlyChanges(before.get('workload.yaml')!, after.get('workload.yaml')!).map((c) => c.line),
    ).toEqual([14, 18, 23]);
    const text = after.get('workload.yaml')!.toString();
    expect(text).toContain('examples-bookinfo-reviews-v1:1.24.2');
    expect(text).toContain('mirror/istio/pilot:1.24.2-distroless');
  });

  it('refuses a digest-pinned proxy with a clear message', () => {
    const { pins } = extractPins({ files: fixtures(directory, 'digest.yaml') }, { kinds });
    expect(() => planPinUpdates(pins, { version: '1.25.0' }, { role: 'data-plane' })).toThrow(
      /image digest.*digest\.yaml:8/,
    );
  });
});
