// Parse once: a release check parses the running version a handful of times, not once per release and
// advisory, and each release about once per pass over the feed. Counted through the module boundary.
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

const { checkRelease } = await import('./check-release.js');
const { loadIstioDataset } = await import('./dataset.js');

describe('a release check', () => {
  it('parses the running version at most once and no release again, whatever the feed size', () => {
    const dataset = loadIstioDataset();
    const sources = {
      releases: dataset.releases,
      advisories: dataset.advisories,
      support: dataset.support,
      releasesFrom: 'dataset' as const,
      advisoriesFrom: 'dataset' as const,
      datasetAsOf: dataset.asOf,
      warnings: [],
    };
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
