import { describe, expect, it } from 'vitest';
import { versionOnlyChanges } from '../__fixtures__/byte-diff.js';
import { bumpInMemory, fixtures, summarise } from '../__fixtures__/harness.js';
import { extractPins, planPinUpdates } from '../engine.js';
import { kustomizeImagesKind } from './index.js';

const directory = new URL('./__fixtures__/', import.meta.url);
const kinds = [kustomizeImagesKind];

describe('kustomize-images pins', () => {
  it('finds newTag of Istio images by name or newName, not other images', () => {
    const { pins } = extractPins({ files: fixtures(directory, 'kustomization.yaml') }, { kinds });
    expect(summarise(pins)).toEqual([
      'kustomization.yaml:8:16 1.24.2 plain double data-plane',
      'kustomization.yaml:11:16 1.24.2 plain single control-plane',
    ]);
  });

  it('keeps the -distroless variant and the comment', () => {
    const files = fixtures(directory, 'kustomization.yaml');
    const { before, after } = bumpInMemory(files, '1.25.0', { kinds });
    expect(
      versionOnlyChanges(before.get('kustomization.yaml')!, after.get('kustomization.yaml')!).length,
    ).toBe(2);
    expect(after.get('kustomization.yaml')!.toString()).toContain("newTag: '1.25.0-distroless'");
  });

  it('refuses an entry pinned by digest, naming file and line', () => {
    const files = fixtures(directory, 'digest-kustomization.yaml').map((f) => ({
      ...f,
      path: 'overlays/kustomization.yaml',
    }));
    const { pins } = extractPins({ files }, { kinds });
    expect(pins[0]?.digest).toMatch(/^sha256:/);
    expect(() => planPinUpdates(pins, { version: '1.25.0' }, { role: 'all' })).toThrow(
      /image digest.*overlays\/kustomization\.yaml:3/,
    );
  });
});
