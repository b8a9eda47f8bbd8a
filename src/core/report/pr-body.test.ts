import { describe, expect, it } from 'vitest';
import { parseMetadata } from './pr-metadata.js';
import {
  buildPullRequestBody,
  PULL_REQUEST_BODY_LIMIT,
  upgradeTitle,
  type UpgradeContext,
} from './pr-body.js';

const context: UpgradeContext = {
  component: 'control-plane',
  from: '1.24.1',
  to: '1.25.0',
  policy: 'minor',
  advisoriesFixed: [
    { id: 'ISTIO-SECURITY-2025-001', url: 'https://istio.io/x/', severity: 'High', cves: ['CVE-2025-1'] },
  ],
  endOfLife: [{ minor: '1.24', date: '2025-06-01', passed: true }],
  releaseNotes: [{ version: '1.25.0', url: 'https://istio.io/latest/news/releases/1.25.x/announcing-1.25/' }],
  pins: [
    { file: 'clusters/prod/istio.yaml', line: 7, kind: 'flux-helmrelease', from: '1.24.1', to: '1.25.0' },
  ],
  workloads: { rendered: 12, unchanged: 3, skipped: 1, failed: 0, files: 9 },
};
const metadata = { component: 'control-plane', from: '1.24.1', to: '1.25.0', policy: 'minor' };

/** Kustomization pins, one per team, long enough to overflow the body limit in the thousands. */
function manyPins(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    file: `apps/team-${i}/kustomization.yaml`,
    kind: 'kustomize-images',
    from: '1.24.1',
    to: '1.25.0',
  }));
}

describe('upgrade PR body', () => {
  it('shows versions, advisories with links, EOL, release notes, pins and workloads, then the user body', () => {
    const body = buildPullRequestBody(context, metadata, 'Reviewed by the mesh team.');
    expect(body).toContain('from **1.24.1** to **1.25.0**');
    expect(body).toContain('[ISTIO-SECURITY-2025-001](https://istio.io/x/): High · CVE-2025-1');
    expect(body).toContain('Istio 1.24: end of life since 2025-06-01');
    expect(body).toContain('[1.25.0](https://istio.io/latest/news/releases/1.25.x/announcing-1.25/)');
    expect(body).toContain('| clusters/prod/istio.yaml:7 | flux-helmrelease | 1.24.1 | 1.25.0 |');
    expect(body).toContain(
      '12 rendered with the new sidecar, 3 unchanged, 1 skipped, 0 failed across 9 files',
    );
    expect(body.indexOf('Reviewed by the mesh team.')).toBeGreaterThan(body.indexOf('### Workloads'));
    expect(parseMetadata(body)).toEqual(metadata);
    expect(upgradeTitle(context)).toBe('Upgrade Istio control-plane from 1.24.1 to 1.25.0');
  });

  it('stays under GitHub’s limit with thousands of pins, keeping the metadata', () => {
    const pins = manyPins(5000);
    const body = buildPullRequestBody({ ...context, pins }, metadata);
    expect(body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_LIMIT);
    expect(body).toMatch(/and \d+ more pins, left out/);
    expect(parseMetadata(body)).toEqual(metadata);
  });

  it('keeps as many pin rows as fit: one more row would break the limit', () => {
    const pins = manyPins(5000);
    const body = buildPullRequestBody({ ...context, pins }, metadata);
    const kept = body.split('\n').filter((l) => l.startsWith('| apps/team-')).length;
    const left = Number(/and (\d+) more pins/.exec(body)![1]);
    expect(kept + left).toBe(5000);
    const nextRow = `| apps/team-${kept}/kustomization.yaml | kustomize-images | 1.24.1 | 1.25.0 |`;
    // With one more row the note shrinks by at most one digit.
    expect(body.length + nextRow.length + 1 - 1).toBeGreaterThan(PULL_REQUEST_BODY_LIMIT);
  });

  it('shows every pin row when all fit, and only a count when not even the note does', () => {
    const pins = manyPins(40);
    const whole = buildPullRequestBody({ ...context, pins }, metadata);
    expect(whole.split('\n').filter((l) => l.startsWith('| apps/team-'))).toHaveLength(40);
    expect(whole).not.toContain('more pins');
    // One character short of the whole body: the last row gives way to the note.
    const cut = buildPullRequestBody({ ...context, pins }, metadata, undefined, whole.length - 1);
    expect(cut.length).toBeLessThan(whole.length);
    expect(cut).toMatch(/and \d+ more pins, left out/);
  });

  it('cuts an oversized user body rather than the metadata', () => {
    const body = buildPullRequestBody(context, metadata, 'x'.repeat(100_000));
    expect(body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_LIMIT);
    expect(parseMetadata(body)).toEqual(metadata);
  });
});
