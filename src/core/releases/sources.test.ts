// API calls per scheduled run: with a warm cache and nothing new, the release sources ask GitHub
// page 1 of the release feed and page 1 of the advisories, and nothing else (issue 19, ADR 0013).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAdvisoryState,
  registerAdvisoryRoutes,
  type AdvisoryState,
} from '../../../test/support/github-emulator/advisories.js';
import {
  buildIstioReleaseHistory,
  createReleaseState,
  registerReleaseRoutes,
  type ReleaseState,
} from '../../../test/support/github-emulator/releases.js';
import { GitHubEmulator } from '../../../test/support/github-emulator/server.js';
import { createGitHubClient } from '../github/client.js';
import { gatherReleaseSources } from './sources.js';

let emulator: GitHubEmulator;
let releases: ReleaseState;
let advisories: AdvisoryState;
let cacheDir: string;

beforeEach(async () => {
  emulator = await new GitHubEmulator().start();
  releases = createReleaseState({ releases: buildIstioReleaseHistory() });
  advisories = createAdvisoryState();
  registerReleaseRoutes(emulator, releases);
  registerAdvisoryRoutes(emulator, advisories);
  cacheDir = mkdtempSync(join(tmpdir(), 'release-sources-'));
});

afterEach(async () => {
  expect(emulator.schemaViolations).toEqual([]);
  await emulator.stop();
});

const DAY = 86_400_000;
const start = new Date('2026-12-01T06:00:00Z');
const later = (days: number) => new Date(start.getTime() + days * DAY);
const client = (token = 'ghs_run_1') => createGitHubClient({ apiUrl: emulator.url, token, retries: 0 });
const gather = (now: Date, token?: string) => gatherReleaseSources(client(token), { cacheDir, now });
const releasePages = () => Math.ceil(releases.releases.length / 100);
const summary = () =>
  emulator.requests.map((r) => `${r.status} ${new URL(r.path, emulator.url).pathname}`).sort();

describe('gatherReleaseSources with a warm cache and nothing new', () => {
  it('asks GitHub twice: page 1 of the feed and of the advisories, both 304 with the same token', async () => {
    const first = await gather(start);
    expect(releasePages()).toBeGreaterThan(2);
    expect(emulator.requests).toHaveLength(releasePages() + 1);
    emulator.clearLog();

    const second = await gather(later(1));
    expect(summary()).toEqual(['304 /advisories', '304 /repos/istio/istio/releases']);
    expect(emulator.requests.every((r) => !/[?&]page=/.test(r.path))).toBe(true);
    expect(second).toEqual(first);
  });

  it('asks twice too when the token is new every run (GitHub ETags vary with the token)', async () => {
    const first = await gather(start, 'ghs_run_1');
    emulator.clearLog();
    const second = await gather(later(1), 'ghs_run_2');
    // No 304 is possible with another token; page 1 compared equal to the cache ends the walk.
    expect(summary()).toEqual(['200 /advisories', '200 /repos/istio/istio/releases']);
    expect(second).toEqual(first);
  });
});

describe('gatherReleaseSources when something changed', () => {
  it('sees a new release on page 1 and walks the other pages conditionally', async () => {
    await gather(start);
    releases.releases.unshift({
      id: 99_999,
      tag: '1.31.11',
      prerelease: false,
      draft: false,
      createdAt: '2026-12-01T12:00:00Z',
      publishedAt: '2026-12-01T12:00:00Z',
    });
    emulator.clearLog();
    const sources = await gather(later(1));
    expect(sources.releases[0]!.version).toBe('1.31.11');
    const feed = emulator.requests.filter((r) => r.path.includes('/releases'));
    expect(feed).toHaveLength(releasePages());
    expect(feed[0]!.status).toBe(200);
  });

  it('sees a new advisory', async () => {
    await gather(start);
    advisories.advisories.push({
      ...advisories.advisories[3]!,
      ghsaId: 'GHSA-aaaa-bbbb-cccc',
      cveId: 'CVE-2026-80009',
      publishedAt: '2026-11-30T10:00:00Z',
    });
    emulator.clearLog();
    const sources = await gather(later(1));
    expect(sources.advisories.some((a) => a.ghsa.includes('GHSA-aaaa-bbbb-cccc'))).toBe(true);
    expect(emulator.requests.find((r) => r.path.startsWith('/advisories'))?.status).toBe(200);
  });

  it('revalidates the later pages once they were last confirmed more than a week ago', async () => {
    await gather(start);
    // An old release on the last page turns into a prerelease: page 1 cannot show that.
    const old = releases.releases.find((r) => r.tag === '1.0.0')!;
    old.prerelease = true;
    emulator.clearLog();
    expect((await gather(later(6))).releases.find((r) => r.version === '1.0.0')?.prerelease).toBe(false);
    expect(emulator.requests).toHaveLength(2);

    emulator.clearLog();
    const sources = await gather(later(8));
    expect(sources.releases.find((r) => r.version === '1.0.0')?.prerelease).toBe(true);
    expect(emulator.requests.filter((r) => r.path.includes('/releases'))).toHaveLength(releasePages());
    // Confirmed again: the next day is back to two calls.
    emulator.clearLog();
    await gather(later(9));
    expect(emulator.requests).toHaveLength(2);
  });
});
