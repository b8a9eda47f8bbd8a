// Parse once on the pipeline's check path: the release feed enters, the release check plans the
// hop (releases/ → versions/), and the bump target is validated for pins/. Every version text is
// parsed at most once on that path, counted through the version parser's module boundary. The
// release check alone (the check action) parses the running version at most once.
import { describe, expect, it, vi } from 'vitest';

const parsed = vi.hoisted(() => new Map<string, number>());
vi.mock('../versions/parse.js', async (original) => {
  const real = await original<typeof import('../versions/parse.js')>();
  return {
    ...real,
    parseIstioVersion: (text: string) => {
      parsed.set(text, (parsed.get(text) ?? 0) + 1);
      return real.parseIstioVersion(text);
    },
  };
});

const { checkRelease } = await import('../releases/check-release.js');
const { checkReleaseTarget } = await import('../releases/release-target.js');
const { loadIstioDataset } = await import('../releases/dataset.js');
const { releaseListOf } = await import('../releases/sources.js');
const { targetAdvisories } = await import('./upgrade-notes.js');

function datasetSources() {
  const dataset = loadIstioDataset();
  return {
    releases: dataset.releases.map((r) => ({ ...r })),
    advisories: dataset.advisories,
    support: dataset.support,
    releasesFrom: 'dataset' as const,
    advisoriesFrom: 'dataset' as const,
    datasetAsOf: dataset.asOf,
    warnings: [],
  };
}

const twiceOrMore = () => [...parsed].filter(([, n]) => n > 1).map(([text, n]) => `${text} ×${n}`);

describe("the pipeline's check path", () => {
  for (const [current, policy] of [
    ['1.29.3', 'latest'],
    ['1.28.1', 'supported'],
  ] as const) {
    it(`parses every version text at most once (running ${current}, policy ${policy})`, () => {
      const now = new Date('2026-11-26T12:00:00Z');
      const sources = datasetSources();
      parsed.clear();
      // What planUpgrade, then runUpgradePipeline, do with the gathered sources.
      const check = checkRelease({ currentVersion: current, policy, strategy: 'in-place', now }, sources);
      expect(check.target).toBeDefined();
      targetAdvisories(check.target!, check.upgradePath, sources);
      const target = checkReleaseTarget(check.target!, releaseListOf(sources, now));
      expect(target.version).toBe(check.target);
      // Before parse-once, 1.30.0 was parsed 6 times and each release 2 to 5 times on this path.
      expect(twiceOrMore()).toEqual([]);
    });
  }
});

describe('a release check', () => {
  it('parses the running version at most once and no release again, whatever the feed size', () => {
    const dataset = loadIstioDataset();
    const sources = datasetSources();
    parsed.clear();
    const check = checkRelease({ currentVersion: '1.29.3', now: new Date('2026-09-22T12:00:00Z') }, sources);
    expect(check.vulnerable).toBe(true);
    // Before parse-once the running version was parsed 131 times (per release and per advisory).
    // The feed's own release is used as it came parsed: the running version is parsed at most once.
    expect(parsed.get('1.29.3') ?? 0).toBeLessThanOrEqual(1);
    const total = [...parsed.values()].reduce((a, b) => a + b, 0);
    // Releases come parsed from the dataset; what is left is each advisory fix text, once.
    expect(total).toBeLessThanOrEqual(dataset.releases.length);
  });
});
