import { describe, expect, it } from 'vitest';
import { versionOnlyChanges } from '../__fixtures__/byte-diff.js';
import { bumpInMemory, fixtures, summarise } from '../__fixtures__/harness.js';
import { extractPins } from '../engine.js';
import { istioVersionFileKind } from './index.js';

const directory = new URL('./__fixtures__/', import.meta.url);
const kinds = [istioVersionFileKind];

describe('istio-version-file pins', () => {
  it('reads the first non-comment line', () => {
    const { pins } = extractPins({ files: fixtures(directory, '.istio-version') }, { kinds });
    expect(summarise(pins)).toEqual(['.istio-version:2:1 1.24.2 plain none control-plane']);
  });

  it('keeps a BOM, CRLF and the v prefix', () => {
    const files = fixtures(directory, 'bom-crlf.istio-version').map((f) => ({
      ...f,
      path: `x/.istio-version`,
    }));
    const { before, after } = bumpInMemory(files, '1.25.0', { kinds });
    const updated = after.get('x/.istio-version')!;
    expect(versionOnlyChanges(before.get('x/.istio-version')!, updated)).toHaveLength(1);
    expect(updated).toEqual(Buffer.from('\ufeffv1.25.0\r\n', 'utf8'));
  });
});
