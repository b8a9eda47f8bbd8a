import { describe, expect, it } from 'vitest';
import { versionOnlyChanges } from '../__fixtures__/byte-diff.js';
import { bumpInMemory, fixtures, summarise } from '../__fixtures__/harness.js';
import { extractPins } from '../engine.js';
import { helmChartDependenciesKind } from './index.js';

const files = fixtures(new URL('./__fixtures__/', import.meta.url), 'Chart.yaml');
const kinds = [helmChartDependenciesKind];

describe('helm-chart-dependencies pins', () => {
  it('finds exact versions of Istio chart dependencies only', () => {
    const { pins } = extractPins({ files }, { kinds });
    expect(summarise(pins)).toEqual([
      'Chart.yaml:7:15 1.24.2 plain double control-plane',
      'Chart.yaml:10:14 1.24.2 plain none control-plane',
    ]);
  });

  it('keeps the chart version, the redis dependency and the range untouched', () => {
    const { before, after } = bumpInMemory(files, '1.25.0', { kinds });
    expect(
      versionOnlyChanges(before.get('Chart.yaml')!, after.get('Chart.yaml')!).map((c) => c.line),
    ).toEqual([7, 10]);
    const text = after.get('Chart.yaml')!.toString();
    expect(text).toContain("version: '~1.24.0'");
    expect(text).toContain('  - name: redis\n    version: 1.24.2\n');
  });
});
