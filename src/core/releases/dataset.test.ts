import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { compareVersions, parseIstioVersion } from '../versions/parse.js';
import { datasetAgeDays, describeDatasetAge, loadIstioDataset } from './dataset.js';

const dataset = loadIstioDataset();
const published = dataset.releases.filter((r) => !r.prerelease).map((r) => r.version);
const withRanges = dataset.advisories.filter((a) => a.affected !== undefined);

describe('the bundled dataset', () => {
  it('has an as-of date, releases, every minor from 1.0 and the bulletins', () => {
    expect(dataset.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(published).toContain('1.13.2');
    expect(dataset.support.map((s) => s.minor)).toContain('1.13');
    expect(dataset.advisories.length).toBeGreaterThan(50);
    for (const r of dataset.releases) expect(parseIstioVersion(r.version)?.version).toBe(r.version);
  });

  it.each(withRanges.map((a) => [a.id, a] as const))('%s: its affected range parses', (_id, advisory) => {
    expect(semver.validRange(advisory.affected!)).not.toBeNull();
  });

  it.each(withRanges.filter((a) => a.fixed.length > 0).map((a) => [a.id, a] as const))(
    '%s: each fix is a real release outside the range, and the patch before it is inside',
    (_id, advisory) => {
      for (const fix of advisory.fixed) {
        expect(published).toContain(fix);
        expect(semver.satisfies(fix, advisory.affected!), `${fix} in ${advisory.affected}`).toBe(false);
        const fixMinor = parseIstioVersion(fix)!;
        const before = published
          .filter((v) => parseIstioVersion(v)!.minor === fixMinor.minor && compareVersions(v, fix) < 0)
          .sort(compareVersions)
          .pop();
        if (before)
          expect(semver.satisfies(before, advisory.affected!), `${before} in ${advisory.affected}`).toBe(
            true,
          );
      }
    },
  );

  it('names only real CVE and GHSA ids, no placeholders', () => {
    for (const a of dataset.advisories) {
      for (const cve of a.cves) expect(cve, a.id).toMatch(/^CVE-\d{4}-\d{4,}$/);
      for (const ghsa of a.ghsa) expect(ghsa, a.id).toMatch(/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/);
    }
  });

  it('says how old it is', () => {
    const now = new Date(Date.parse(`${dataset.asOf}T12:00:00Z`) + 66 * 86_400_000);
    expect(datasetAgeDays(dataset, now)).toBe(66);
    expect(describeDatasetAge(dataset, now)).toBe(`the bundled dataset as of ${dataset.asOf} (66 days old)`);
  });
});
