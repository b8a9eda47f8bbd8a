import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { checkRelease, failOnReasons, parseFailOn, type ReleaseSources } from './check-release.js';
import { compareVersions } from '../versions/parse.js';
import { loadIstioDataset } from './dataset.js';
import { renderReleaseSummary } from './release-summary.js';

const dataset = loadIstioDataset();
// The dataset as of 2026-09-21, so that a refresh adding releases or bulletins does not move these answers.
const offline: ReleaseSources = {
  releases: dataset.releases.filter((r) => compareVersions(r.version, '1.31.1') <= 0),
  advisories: dataset.advisories.filter((a) => (a.published ?? '') <= '2026-09-21'),
  support: dataset.support,
  releasesFrom: 'dataset',
  advisoriesFrom: 'dataset',
  datasetAsOf: dataset.asOf,
  warnings: [],
};
const now = new Date('2026-09-22T12:00:00Z');

describe('checkRelease', () => {
  it('checks the data plane against the control plane when it is known', () => {
    const ok = checkRelease({ currentVersion: '1.30.3', dataPlaneVersion: '1.29.8', now }, offline);
    expect(ok.skew).toMatchObject({ ok: true, dataPlane: '1.29.8' });
    const behind = checkRelease({ currentVersion: '1.29.8', dataPlaneVersion: '1.30.3', now }, offline);
    expect(behind.skew?.ok).toBe(false);
    expect(renderReleaseSummary(behind)).toContain('Data plane 1.30.3: **outside**');
  });

  it('answers for a supported version with a patch and a fix waiting', () => {
    const check = checkRelease({ currentVersion: '1.30.3', now, kubernetesVersion: '1.36' }, offline);
    expect(check).toMatchObject({
      current: '1.30.3',
      latest: '1.31.1',
      target: '1.30.5',
      updateType: 'patch',
      upgradePath: ['1.30.5', '1.31.1'],
      vulnerable: true,
      eol: false,
      kubernetesSupported: true,
    });
    expect(check.advisories.map((a) => a.id)).toEqual(['ISTIO-SECURITY-2026-006']);
    expect(check.fixedAdvisories).toEqual(['ISTIO-SECURITY-2026-006']);
  });

  it('uses supported minors for the supported policy', () => {
    const check = checkRelease({ currentVersion: '1.27.2', policy: 'supported', now }, offline);
    expect(check.destination).toBe('1.31.1');
    const later = checkRelease({ currentVersion: '1.27.2', policy: 'supported <1.31', now }, offline);
    expect(later.destination).toBe('1.30.5');
  });

  it('accepts a v prefix and reports the normalised version', () => {
    expect(checkRelease({ currentVersion: 'v1.29.8', now }, offline).current).toBe('1.29.8');
  });

  it('rejects a version that is not a release, naming the nearest', () => {
    expect(() => checkRelease({ currentVersion: '1.17.7', now }, offline)).toThrow(NotFoundError);
    try {
      checkRelease({ currentVersion: '1.17.7', now }, offline);
    } catch (error) {
      expect((error as NotFoundError).describe()).toMatch(
        /1\.17\.7 is not an Istio release[\s\S]*nearest releases are 1\.17\.5, 1\.17\.6, 1\.17\.8, 1\.18\.0\./,
      );
    }
  });

  it('says when nothing satisfies the policy', () => {
    expect(() => checkRelease({ currentVersion: '1.30.3', policy: '>=3', now }, offline)).toThrow(
      /no Istio release satisfies the version policy '>=3'/,
    );
  });
});

describe('fail-on', () => {
  it('rejects unknown conditions', () => {
    expect(() => parseFailOn(['eol', 'old'])).toThrow(InvalidInputError);
  });

  it('gives one reason per condition met', () => {
    const check = checkRelease({ currentVersion: '1.13.2', now, kubernetesVersion: '1.30' }, offline);
    const reasons = failOnReasons(
      check,
      parseFailOn(['outdated', 'vulnerable', 'eol', 'unsupported-kubernetes']),
    );
    expect(reasons).toHaveLength(4);
    const newest = checkRelease({ currentVersion: '1.31.1', now }, offline);
    expect(failOnReasons(newest, ['outdated', 'vulnerable', 'eol', 'unsupported-kubernetes'])).toEqual([]);
  });
});

describe('renderReleaseSummary', () => {
  it('stays under the limit it is given', () => {
    const check = checkRelease({ currentVersion: '1.1.0', now }, offline);
    const full = renderReleaseSummary(check);
    expect(full).toContain('### Support');
    const small = renderReleaseSummary(check, 2000);
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(2000);
    expect(small).toContain('| current | target | latest | path |');
  });
});
