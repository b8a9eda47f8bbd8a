import { describe, expect, it } from 'vitest';
import { versionOnlyChanges } from '../__fixtures__/byte-diff.js';
import { bumpInMemory, fixtures, summarise } from '../__fixtures__/harness.js';
import { extractPins } from '../engine.js';
import { workflowEnvKind } from './index.js';

const files = fixtures(new URL('./__fixtures__/', import.meta.url), 'ci.yml').map((f) => ({
  ...f,
  path: `.github/workflows/${f.path}`,
}));
const kinds = [workflowEnvKind];

describe('workflow-env pins', () => {
  it('finds only lines with the istio-autopilot marker, with the role the marker names', () => {
    const { pins } = extractPins({ files }, { kinds });
    expect(summarise(pins)).toEqual([
      '.github/workflows/ci.yml:4:19 1.24.2 plain double control-plane',
      '.github/workflows/ci.yml:6:24 1.24.2 plain none data-plane',
      '.github/workflows/ci.yml:16:27 1.24.2 plain single control-plane',
    ]);
  });

  it('bumps marked lines only and keeps the markers', () => {
    const { before, after } = bumpInMemory(files, '1.25.0', { kinds, role: 'control-plane' });
    const path = '.github/workflows/ci.yml';
    expect(versionOnlyChanges(before.get(path)!, after.get(path)!).map((c) => c.line)).toEqual([4, 16]);
    expect(after.get(path)!.toString()).toContain(`ISTIO_VERSION: "1.25.0" # istio-autopilot\n`);
  });
});
