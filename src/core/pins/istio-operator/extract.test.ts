import { describe, expect, it } from 'vitest';
import { versionOnlyChanges } from '../__fixtures__/byte-diff.js';
import { bumpInMemory, fixtures, summarise } from '../__fixtures__/harness.js';
import { extractPins } from '../engine.js';
import { istioOperatorKind } from './index.js';

const files = fixtures(new URL('./__fixtures__/', import.meta.url), 'istio-operator.yaml');
const kinds = [istioOperatorKind];

describe('istio-operator pins', () => {
  it('finds spec.tag in both quote styles and the nested global.tag, with the revision', () => {
    const { pins } = extractPins({ files }, { kinds });
    expect(summarise(pins)).toEqual([
      'istio-operator.yaml:10:11 1.24.2 plain double control-plane rev=1-24-2',
      'istio-operator.yaml:20:9 1.24.2 plain single control-plane',
      'istio-operator.yaml:23:12 1.24.2 plain none control-plane',
    ]);
    expect(pins.map((p) => p.location)).toEqual(['spec.tag', 'spec.tag', 'spec.values.global.tag']);
  });

  it('rewrites only the version digits, keeping quotes, comments, the variant suffix and other documents', () => {
    const { before, after } = bumpInMemory(files, '1.25.0', { kinds });
    const text = after.get('istio-operator.yaml')!.toString();
    expect(versionOnlyChanges(before.get('istio-operator.yaml')!, after.get('istio-operator.yaml')!)).toEqual(
      [
        { line: 10, from: '1.24.2', to: '1.25.0' },
        { line: 20, from: '1.24.2', to: '1.25.0' },
        { line: 23, from: '1.24.2', to: '1.25.0' },
      ],
    );
    expect(text).toContain(`    tag: "1.25.0"          # bumped by istio-autopilot`);
    expect(text).toContain(`tag: '1.25.0-distroless'`);
    expect(text).toContain('data:\n  tag: 1.24.2\n');
  });
});
