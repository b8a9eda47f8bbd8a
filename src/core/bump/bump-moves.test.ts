import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bumpIstioVersion } from './bump.js';

const before = new Date('2026-12-01T12:00:00Z');
const repository = `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: istio
spec:
  url: https://istio-release.storage.googleapis.com/charts # Istio's charts
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: mirror
spec:
  url: https://mirror.example.com/istio/charts
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: istiod
spec:
  chart:
    spec:
      chart: istiod
      version: "1.30.4"
      sourceRef: { kind: HelmRepository, name: istio }
  values:
    global:
      hub: gcr.io/istio-release
`;

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function workspace(): string {
  root = mkdtempSync(join(tmpdir(), 'bump-moves-'));
  writeFileSync(join(root, 'istio.yaml'), repository);
  return root;
}

describe('a bump and the retired Istio hosts', () => {
  it('moves chart and hub off the retired hosts in the same edit when bumping to 1.31', () => {
    const dir = workspace();
    const result = bumpIstioVersion({ root: dir, target: { version: '1.31.0' }, now: before });
    expect(result.changedFiles).toEqual(['istio.yaml']);
    expect(readFileSync(join(dir, 'istio.yaml'), 'utf8')).toBe(
      repository
        .replace(
          'https://istio-release.storage.googleapis.com/charts',
          'https://blob.istio.io/istio-release/charts',
        )
        .replace('"1.30.4"', '"1.31.0"')
        .replace('hub: gcr.io/istio-release', 'hub: docker.io/istio'),
    );
    expect(result.sourcePlan.moves.map((m) => m.replacement)).toEqual([
      'https://blob.istio.io/istio-release/charts',
      'docker.io/istio',
    ]);
  });

  it('leaves the sources to their own PR when the target is still served there', () => {
    const dir = workspace();
    const result = bumpIstioVersion({ root: dir, target: { version: '1.30.5' }, now: before });
    expect(result.sourcePlan.moves).toEqual([]);
    expect(result.sources).toHaveLength(2);
    expect(readFileSync(join(dir, 'istio.yaml'), 'utf8')).toContain('istio-release.storage.googleapis.com');
  });

  it('moves them for any target once the retired hosts are gone', () => {
    const dir = workspace();
    const after = new Date('2026-12-20T00:00:00Z');
    const result = bumpIstioVersion({ root: dir, target: { version: '1.30.5' }, now: after });
    expect(result.sourcePlan.moves).toHaveLength(2);
    expect(readFileSync(join(dir, 'istio.yaml'), 'utf8')).toContain(
      'https://mirror.example.com/istio/charts',
    );
  });
});
