import { describe, expect, it } from 'vitest';
import { checkConsistency, describeConsistency } from './consistency.js';
import { extractPins } from './engine.js';

const pod = (version: string, rev?: string) =>
  `kind: Pod\nmetadata:\n  labels: {${rev ? `istio.io/rev: ${rev}` : 'app: x'}}\nspec:\n  containers:\n    - image: docker.io/istio/proxyv2:${version}\n`;

describe('pin consistency', () => {
  it("reports the seed's mixed-version repo (1.19.3 control plane, 1.18.5 and 1.19.3 proxies) as inconsistent", () => {
    const { pins } = extractPins({
      files: [
        { path: 'istio/.istio-version', text: '1.19.3\n' },
        { path: 'apps/a.yaml', text: pod('1.18.5') },
        { path: 'apps/b.yaml', text: pod('1.19.3') },
      ],
    });
    const report = checkConsistency(pins);
    expect(report.inconsistent).toBe(true);
    expect(report.disagreements.map((d) => [d.role, d.versions.map((v) => v.version)])).toEqual([
      ['data-plane', ['1.18.5', '1.19.3']],
    ]);
    expect(report.lagging.map((p) => p.file)).toEqual(['apps/a.yaml']);
    expect(report.skew).toEqual([]);
    expect(describeConsistency(report)[0]).toBe(
      'data-plane pins disagree: 1.18.5 (apps/a.yaml:6) vs 1.19.3 (apps/b.yaml:6)',
    );
  });

  it('flags a data plane newer than the control plane, and one more than a minor behind', () => {
    const { pins } = extractPins({
      files: [
        { path: '.istio-version', text: '1.20.1\n' },
        { path: 'new.yaml', text: pod('1.21.0') },
        { path: 'old.yaml', text: pod('1.18.2') },
      ],
    });
    const report = checkConsistency(pins);
    expect(report.skew.map((s) => s.pin.file)).toEqual(['new.yaml', 'old.yaml']);
    expect(report.skew[0]!.message).toMatch(/behind data plane/);
    expect(report.skew[1]!.message).toMatch(/2 minors ahead/);
  });

  it('accepts canary revisions on different versions when each proxy matches its revision', () => {
    const iop = (version: string, revision: string) =>
      `apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  revision: ${revision}\n  tag: ${version}\n`;
    const { pins } = extractPins({
      files: [
        { path: 'cp/old.yaml', text: iop('1.24.2', 'stable') },
        { path: 'cp/new.yaml', text: iop('1.26.0', 'canary') },
        { path: 'apps/a.yaml', text: pod('1.24.2', 'stable') },
        { path: 'apps/b.yaml', text: pod('1.26.0', 'canary') },
      ],
    });
    expect(checkConsistency(pins)).toMatchObject({ inconsistent: false, skew: [], disagreements: [] });
  });
});
