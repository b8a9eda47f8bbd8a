import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planUpgradePath, type UpgradePathRequest } from './upgrade-path.js';

const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/istio-releases-1.12-1.31.json', import.meta.url), 'utf8'),
) as { versions: string[] };
const releases = fixture.versions;

// Newest patch of each minor, as istio.io's support table lists them (an independent source).
// prettier-ignore
const NEWEST_PATCH: Record<string, string> = {
  '1.13': '1.13.9', '1.14': '1.14.6', '1.15': '1.15.7', '1.16': '1.16.7', '1.17': '1.17.8',
  '1.18': '1.18.7', '1.19': '1.19.10', '1.20': '1.20.8', '1.21': '1.21.6', '1.22': '1.22.8',
  '1.23': '1.23.6', '1.24': '1.24.6', '1.25': '1.25.5', '1.26': '1.26.8', '1.27': '1.27.9',
  '1.28': '1.28.10', '1.29': '1.29.8', '1.30': '1.30.5', '1.31': '1.31.1',
};

const plan = (request: Partial<UpgradePathRequest> & { current: string }) =>
  planUpgradePath({ releases, ...request });
const stops = (request: Partial<UpgradePathRequest> & { current: string }) =>
  plan(request).hops.map((h) => h.to);

describe('planUpgradePath', () => {
  it('goes from 1.13.2 to the latest in place one minor per hop, each on its newest patch', () => {
    const path = plan({ current: '1.13.2', strategy: 'in-place' });
    const expected = Object.values(NEWEST_PATCH);
    expect(path.hops.map((h) => h.to)).toEqual(expected);
    expect(path.target).toBe('1.13.9');
    expect(path.updateType).toBe('patch');
    expect(path.destination).toBe('1.31.1');
    expect(path.latest).toBe('1.31.1');
    for (const hop of path.hops.slice(1)) {
      expect(Number(hop.to.split('.')[1]) - Number(hop.from.split('.')[1])).toBe(1);
    }
  });

  it('never jumps 1.13 to 1.19 or 1.19 to 1.21, whatever the policy', () => {
    for (const policy of ['latest', '1.*', '>=1.19', 'minor']) {
      const hops = plan({ current: '1.13.2', policy }).hops;
      expect(hops.some((h) => h.from.startsWith('1.13.') && h.to.startsWith('1.19.'))).toBe(false);
      expect(hops.some((h) => h.from.startsWith('1.19.') && h.to.startsWith('1.21.'))).toBe(false);
    }
  });

  it('moves up to two minors per hop with canary revisions', () => {
    // prettier-ignore
    expect(stops({ current: '1.13.2', strategy: 'canary' })).toEqual([
      '1.13.9', '1.15.7', '1.17.8', '1.19.10', '1.21.6', '1.23.6', '1.25.5', '1.27.9', '1.29.8', '1.31.1',
    ]);
    // An odd distance ends with a one-minor hop, straight to the destination's minor.
    expect(stops({ current: '1.28.10', strategy: 'canary' })).toEqual(['1.30.5', '1.31.1']);
  });

  it('takes the patch first, then the minor hop', () => {
    const path = plan({ current: '1.29.3' });
    expect(path.hops).toEqual([
      { from: '1.29.3', to: '1.29.8', type: 'patch' },
      { from: '1.29.8', to: '1.30.5', type: 'minor' },
      { from: '1.30.5', to: '1.31.1', type: 'minor' },
    ]);
  });

  it('starts with a minor hop when the current version is its minor’s newest patch', () => {
    const path = plan({ current: '1.30.5' });
    expect(path.target).toBe('1.31.1');
    expect(path.updateType).toBe('minor');
  });

  it('stays on the current minor with the patch policy', () => {
    const path = plan({ current: '1.29.3', policy: 'patch' });
    expect(path.hops).toEqual([{ from: '1.29.3', to: '1.29.8', type: 'patch' }]);
    expect(path.destination).toBe('1.29.8');
    expect(path.latest).toBe('1.31.1');
    expect(plan({ current: '1.29.8', policy: 'patch' }).updateType).toBe('none');
  });

  it('ends at the newest release a range policy allows', () => {
    expect(stops({ current: '1.27.2', policy: '<1.30' })).toEqual(['1.27.9', '1.28.10', '1.29.8']);
    expect(stops({ current: '1.27.2', policy: '1.28.x' })).toEqual(['1.27.9', '1.28.10']);
  });

  it('limits destinations to supported minors with the supported policy', () => {
    const path = plan({ current: '1.27.2', policy: 'supported', supportedMinors: ['1.29', '1.30'] });
    expect(path.destination).toBe('1.30.5');
    expect(path.hops.map((h) => h.to)).toEqual(['1.27.9', '1.28.10', '1.29.8', '1.30.5']);
  });

  it('ignores prereleases unless asked, then lands on the newest one', () => {
    const ga = ['1.30.5', '1.31.0', '1.31.1', '1.32.0-alpha.0', '1.32.0-rc.1', '1.32.0-rc.0'];
    const off = planUpgradePath({ current: '1.30.5', releases: ga });
    expect(off.target).toBe('1.31.1');
    expect(off.latest).toBe('1.31.1');
    const on = planUpgradePath({ current: '1.30.5', releases: ga, includePrereleases: true });
    expect(on.hops.map((h) => h.to)).toEqual(['1.31.1', '1.32.0-rc.1']);
    expect(on.latest).toBe('1.31.1');
  });

  it("honours a feed's own prerelease flag", () => {
    const path = planUpgradePath({
      current: '1.30.5',
      releases: [{ version: '1.30.5' }, { version: '1.31.0', prerelease: true }],
    });
    expect(path.updateType).toBe('none');
  });

  it('moves a prerelease to its GA when prereleases are off', () => {
    const path = plan({ current: '1.31.0-rc.0' });
    expect(path.hops).toEqual([{ from: '1.31.0-rc.0', to: '1.31.1', type: 'patch' }]);
  });

  it('plans nothing when the current version is newer than every GA', () => {
    const path = plan({ current: '1.32.0-beta.1' });
    expect(path).toMatchObject({
      hops: [],
      updateType: 'none',
      currentIsAheadOfLatest: true,
      latest: '1.31.1',
    });
    expect(path.target).toBeUndefined();
    const unknownPatch = plan({ current: '1.31.4', strategy: 'canary' });
    expect(unknownPatch.currentIsAheadOfLatest).toBe(true);
    expect(unknownPatch.hops).toEqual([]);
  });

  it('stops short, saying why, when a minor between has no release', () => {
    const path = planUpgradePath({ current: '1.20.1', releases: ['1.20.1', '1.20.2', '1.22.0'] });
    expect(path.hops.map((h) => h.to)).toEqual(['1.20.2']);
    expect(path.blockedBy).toMatch(/no release between 1.20 and 1.22/);
    expect(path.destination).toBe('1.22.0');
  });

  it('crosses a major only from the last minor of the old one', () => {
    const list = ['1.40.0', '1.40.3', '1.41.0', '1.41.2', '2.0.0', '2.0.1', '2.1.0'];
    expect(planUpgradePath({ current: '1.40.0', releases: list, strategy: 'canary' }).hops).toEqual([
      { from: '1.40.0', to: '1.40.3', type: 'patch' },
      { from: '1.40.3', to: '1.41.2', type: 'minor' },
      { from: '1.41.2', to: '2.0.1', type: 'major' },
      { from: '2.0.1', to: '2.1.0', type: 'minor' },
    ]);
    expect(planUpgradePath({ current: '1.41.2', releases: list, policy: 'minor' }).updateType).toBe('none');
  });
});
