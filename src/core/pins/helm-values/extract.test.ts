import { describe, expect, it } from 'vitest';
import { versionOnlyChanges } from '../__fixtures__/byte-diff.js';
import { bumpInMemory, fixtures, summarise } from '../__fixtures__/harness.js';
import { extractPins } from '../engine.js';
import { helmValuesKind } from './index.js';

const files = fixtures(
  new URL('./__fixtures__/', import.meta.url),
  'istiod-values.yaml',
  'ztunnel-values.yaml',
  'app-values.yaml',
);
const kinds = [helmValuesKind];

describe('helm-values pins', () => {
  it('finds global.tag of istiod values and the top-level tag of ztunnel values, not an unrelated chart', () => {
    const { pins } = extractPins({ files }, { kinds });
    expect(summarise(pins)).toEqual([
      'istiod-values.yaml:4:10 1.24.2 plain double control-plane rev=canary',
      'ztunnel-values.yaml:3:7 1.24.2 plain single data-plane',
    ]);
  });

  it('bumps only the version digits and leaves the unrelated values file alone', () => {
    const { before, after } = bumpInMemory(files, '1.25.1', { kinds });
    expect([...after.keys()].sort()).toEqual(['istiod-values.yaml', 'ztunnel-values.yaml']);
    expect(versionOnlyChanges(before.get('istiod-values.yaml')!, after.get('istiod-values.yaml')!)).toEqual([
      { line: 4, from: '1.24.2', to: '1.25.1' },
    ]);
    expect(after.get('istiod-values.yaml')!.toString()).toContain(
      '   tag: "1.25.1"   # keep in sync with the base chart\n',
    );
  });
});
