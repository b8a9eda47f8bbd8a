import { describe, expect, it } from 'vitest';
import { fixedInFor, isAffected } from './__fixtures__/advisory-match.js';
import { matchAdvisories, mergeAdvisories, type Advisory } from './advisories.js';
import { loadIstioDataset } from './dataset.js';

const dataset = loadIstioDataset();
const bulletin = (id: string) => dataset.advisories.find((a) => a.id === id)!;
const idsAffecting = (version: string) =>
  matchAdvisories(version, dataset.advisories, dataset.support).map((m) => m.advisory.id);

describe('advisory matching against the dataset at range edges', () => {
  it.each([
    // 2022-003: all before 1.11.0, 1.11.0-1.11.6, 1.12.0-1.12.3, 1.13.0; fixed 1.11.7, 1.12.4, 1.13.1.
    ['ISTIO-SECURITY-2022-003', '1.10.6', true],
    ['ISTIO-SECURITY-2022-003', '1.11.6', true],
    ['ISTIO-SECURITY-2022-003', '1.11.7', false],
    ['ISTIO-SECURITY-2022-003', '1.12.3', true],
    ['ISTIO-SECURITY-2022-003', '1.12.4', false],
    ['ISTIO-SECURITY-2022-003', '1.13.0', true],
    ['ISTIO-SECURITY-2022-003', '1.13.1', false],
    // 2023-004: 1.17.7 was never published, the fix is 1.17.8.
    ['ISTIO-SECURITY-2023-004', '1.17.6', true],
    ['ISTIO-SECURITY-2023-004', '1.17.8', false],
    // 2022-006: a regression in 1.13.6 alone.
    ['ISTIO-SECURITY-2022-006', '1.13.5', false],
    ['ISTIO-SECURITY-2022-006', '1.13.6', true],
    ['ISTIO-SECURITY-2022-006', '1.13.7', false],
    // 2026-005: the published list names the fixes; the conservative reading is used.
    ['ISTIO-SECURITY-2026-005', '1.28.8', true],
    ['ISTIO-SECURITY-2026-005', '1.28.9', false],
    ['ISTIO-SECURITY-2026-005', '1.30.1', true],
    ['ISTIO-SECURITY-2026-005', '1.30.2', false],
    // 2026-006: the newest bulletin; 1.30.4 fixes it.
    ['ISTIO-SECURITY-2026-006', '1.30.3', true],
    ['ISTIO-SECURITY-2026-006', '1.30.4', false],
    ['ISTIO-SECURITY-2026-006', '1.31.0', false],
    // A prerelease carries its release's code.
    ['ISTIO-SECURITY-2026-004', '1.30.0-rc.0', true],
  ])('%s with %s: affected=%s', (id, version, affected) => {
    expect(isAffected(version, bulletin(id))).toBe(affected);
  });

  it('finds nothing for the newest releases and something for old ones', () => {
    expect(idsAffecting('1.31.1')).toEqual([]);
    expect(idsAffecting('1.30.5')).toEqual([]);
    expect(idsAffecting('1.30.3')).toContain('ISTIO-SECURITY-2026-006');
    expect(idsAffecting('1.13.2')).toEqual(
      expect.arrayContaining(['ISTIO-SECURITY-2022-005', 'ISTIO-SECURITY-2022-007']),
    );
  });

  it('never counts configuration advice as a vulnerability', () => {
    expect(bulletin('ISTIO-SECURITY-2021-002').kind).toBe('configuration');
    expect(idsAffecting('1.9.0')).not.toContain('ISTIO-SECURITY-2021-002');
  });

  it('presumes an end-of-life minor the bulletin does not list is affected, and says so', () => {
    // 2025-001 lists 1.25–1.27 only; 1.24 reached EOL on 2025-06-24, before the bulletin (2025-09-03).
    const match = matchAdvisories('1.24.6', dataset.advisories, dataset.support).find(
      (m) => m.advisory.id === 'ISTIO-SECURITY-2025-001',
    );
    expect(match).toMatchObject({ presumed: true, fixedIn: '1.25.5' });
    // 2021-001 lists 1.9.0 only, while 1.8 was still supported: 1.8 was not affected.
    expect(idsAffecting('1.8.6')).not.toContain('ISTIO-SECURITY-2021-001');
    // A regression in one patch (2022-008, 1.15.2) says nothing about older minors.
    expect(idsAffecting('1.13.9')).not.toContain('ISTIO-SECURITY-2022-008');
    // Without support data nothing is presumed.
    expect(matchAdvisories('1.24.6', dataset.advisories).some((m) => m.presumed)).toBe(false);
  });

  it('names the fix on the same minor, else the first later one', () => {
    const a = bulletin('ISTIO-SECURITY-2022-004');
    expect(fixedInFor('1.12.2', a)).toBe('1.12.5');
    expect(fixedInFor('1.10.3', a)).toBe('1.11.8');
    expect(fixedInFor('1.13.2', a)).toBeUndefined();
  });
});

describe('mergeAdvisories', () => {
  const fromGitHub = (overrides: Partial<Advisory>): Advisory => ({
    id: 'GHSA-aaaa-bbbb-cccc',
    url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
    summary: 'x',
    cves: [],
    ghsa: ['GHSA-aaaa-bbbb-cccc'],
    severity: 'high',
    fixed: [],
    kind: 'vulnerability',
    sources: ['github'],
    ...overrides,
  });

  it('enriches the bulletin that shares a CVE and keeps its range', () => {
    const merged = mergeAdvisories(dataset.advisories, [
      fromGitHub({ cves: ['CVE-2022-23635'], affected: '<1.11.7', ghsa: ['GHSA-856q-xv3c-7f2f'] }),
    ]);
    expect(merged).toHaveLength(dataset.advisories.length);
    const owner = merged.find((a) => a.id === 'ISTIO-SECURITY-2022-003')!;
    expect(owner.sources).toEqual(['istio.io', 'github']);
    expect(owner.affected).toBe(bulletin('ISTIO-SECURITY-2022-003').affected);
    expect(bulletin('ISTIO-SECURITY-2022-003').sources).toEqual(['istio.io']);
  });

  it('adds an advisory no bulletin covers only when its range is usable', () => {
    const usable = fromGitHub({ cves: ['CVE-2026-80001'], affected: '>=1.31.0 <1.31.3', fixed: ['1.31.3'] });
    const pseudo = fromGitHub({ id: 'GHSA-dddd-eeee-ffff', ghsa: ['GHSA-dddd-eeee-ffff'] });
    const merged = mergeAdvisories(dataset.advisories, [usable, pseudo]);
    expect(merged).toHaveLength(dataset.advisories.length + 1);
    expect(matchAdvisories('1.31.1', merged).map((m) => m.advisory.id)).toEqual(['GHSA-aaaa-bbbb-cccc']);
  });
});
