import { describe, expect, it } from 'vitest';
import { versionOnlyChanges } from '../__fixtures__/byte-diff.js';
import { bumpInMemory, fixtures, summarise } from '../__fixtures__/harness.js';
import { extractPins } from '../engine.js';
import { argocdApplicationKind } from './index.js';

const files = fixtures(new URL('./__fixtures__/', import.meta.url), 'applications.yaml');
const kinds = [argocdApplicationKind];

describe('argocd-application pins', () => {
  it('finds targetRevision in source, sources[] and ApplicationSet templates, skipping git sources and ranges', () => {
    const { pins } = extractPins({ files }, { kinds });
    expect(summarise(pins)).toEqual(
      [
        'applications.yaml:12:22 1.24.2 plain double control-plane rev=stable',
        'applications.yaml:26:25 1.24.2 plain single control-plane',
        'applications.yaml:32:24 1.24.2 plain none data-plane',
      ].concat(['applications.yaml:49:25 1.24.2 plain none control-plane']),
    );
    expect(pins.map((p) => p.location)).toEqual([
      'spec.source.targetRevision (istiod)',
      'spec.sources[0].targetRevision (base)',
      'spec.sources[2].targetRevision (ztunnel)',
      'spec.template.spec.source.targetRevision (gateway)',
    ]);
  });

  it('bumps each Istio targetRevision and nothing else', () => {
    const { before, after } = bumpInMemory(files, '1.25.0', { kinds });
    const changes = versionOnlyChanges(before.get('applications.yaml')!, after.get('applications.yaml')!);
    expect(changes.map((c) => c.line)).toEqual([12, 26, 32, 49]);
    expect(after.get('applications.yaml')!.toString()).toContain('targetRevision: 1.24.*');
  });
});
