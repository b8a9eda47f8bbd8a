import { describe, expect, it } from 'vitest';
import { versionOnlyChanges } from '../__fixtures__/byte-diff.js';
import { bumpInMemory, fixtures, summarise } from '../__fixtures__/harness.js';
import { extractPins } from '../engine.js';
import { sailOperatorKind } from './index.js';

const files = fixtures(new URL('./__fixtures__/', import.meta.url), 'sail.yaml');
const kinds = [sailOperatorKind];

describe('sail-operator pins', () => {
  it('finds spec.version of all four kinds, v-prefixed, with their roles', () => {
    const { pins } = extractPins({ files }, { kinds });
    expect(summarise(pins)).toEqual([
      'sail.yaml:7:13 1.24.2 v-prefixed none control-plane',
      'sail.yaml:17:14 1.24.2 v-prefixed double data-plane',
      'sail.yaml:25:15 1.24.2 v-prefixed single data-plane',
      'sail.yaml:32:13 1.24.2 v-prefixed none control-plane rev=default-v1-24-2',
    ]);
  });

  it('keeps the v prefix and quotes when bumping the control plane only', () => {
    const { before, after } = bumpInMemory(files, 'v1.25.0', { kinds, role: 'control-plane' });
    const text = after.get('sail.yaml')!.toString();
    expect(versionOnlyChanges(before.get('sail.yaml')!, after.get('sail.yaml')!).map((c) => c.line)).toEqual([
      7, 32,
    ]);
    expect(text).toContain('  version: v1.25.0     # Sail keeps the v\n');
    expect(text).toContain('  version: "v1.24.2"\n');
    // The revision name is not a version number and stays as written.
    expect(text).toContain('name: default-v1-24-2');
  });
});
