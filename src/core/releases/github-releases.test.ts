import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildIstioReleaseHistory,
  createReleaseState,
  registerReleaseRoutes,
  type ReleaseState,
} from '../../../test/support/github-emulator/releases.js';
import { GitHubEmulator } from '../../../test/support/github-emulator/server.js';
import { NetworkError } from '../errors.js';
import { createGitHubClient } from '../github/client.js';
import { nextPageUrl } from './conditional-pages.js';
import { listIstioReleases } from './github-releases.js';
import { HttpCache } from './http-cache.js';

let emulator: GitHubEmulator;
let state: ReleaseState;

beforeEach(async () => {
  emulator = await new GitHubEmulator().start();
  state = createReleaseState({ releases: buildIstioReleaseHistory() });
  registerReleaseRoutes(emulator, state);
});

afterEach(async () => {
  expect(emulator.schemaViolations).toEqual([]);
  await emulator.stop();
});

const client = (token?: string) => createGitHubClient({ apiUrl: emulator.url, token, retries: 2 });

describe('listIstioReleases', () => {
  it('follows every page at 100 per page and keeps only published Istio versions', async () => {
    const releases = await listIstioReleases(client());
    const listRequests = emulator.requests.filter((r) => r.path.includes('/releases'));
    const pages = Math.ceil(state.releases.length / 100);
    expect(listRequests).toHaveLength(pages);
    expect(listRequests[0]!.path).toContain('per_page=100');
    const expected = state.releases.filter(
      (r) => !r.draft && /^\d+\.\d+\.\d+(-(alpha|beta|rc)\.\d+)?$/.test(r.tag),
    );
    expect(releases).toHaveLength(expected.length);
    // Drafts (1.32.0 and 1.31.11) and odd tags (1.15-beta.0) are gone; the newest comes first.
    expect(releases.map((r) => r.version)).not.toContain('1.32.0');
    expect(releases.map((r) => r.version)).not.toContain('1.31.11');
    expect(releases.some((r) => r.tag === '1.15-beta.0')).toBe(false);
    expect(releases[0]).toMatchObject({ version: '1.31.10', tag: '1.31.10', prerelease: false });
    expect(releases[0]!.publishedAt).toMatch(/^\d{4}-/);
    expect(releases[0]!.url).toBe('https://github.com/istio/istio/releases/tag/1.31.10');
    expect(releases.find((r) => r.version === '1.31.0-rc.1')?.prerelease).toBe(true);
  });

  it('sees a release that sits on the last page', async () => {
    const releases = await listIstioReleases(client());
    expect(releases.map((r) => r.version)).toContain('1.0.0');
  });

  it('asks page 1 conditionally on a repeated run and, on its 304, answers the rest from the cache', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'http-cache-'));
    const first = await listIstioReleases(client(), { cache: new HttpCache(cacheDir) });
    expect(emulator.requests.length).toBeGreaterThan(1);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(emulator.requests.length);
    emulator.clearLog();
    const second = await listIstioReleases(client(), { cache: new HttpCache(cacheDir) });
    expect(second).toEqual(first);
    expect(emulator.requests.map((r) => r.status)).toEqual([304]);
  });

  it('asks only for a later page that is missing from the cache', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'http-cache-'));
    const first = await listIstioReleases(client(), { cache: new HttpCache(cacheDir) });
    const pages = emulator.requests.length;
    const lastPage = emulator.requests.at(-1)!.path;
    rmSync(
      join(
        cacheDir,
        `${createHash('sha256').update(new URL(lastPage, emulator.url).href).digest('hex')}.json`,
      ),
    );
    emulator.clearLog();
    expect(await listIstioReleases(client(), { cache: new HttpCache(cacheDir) })).toEqual(first);
    expect(emulator.requests.map((r) => r.status)).toEqual([304, 200]);
    expect(pages).toBeGreaterThan(2);
  });

  it('refetches a page whose content changed since it was cached', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'http-cache-'));
    await listIstioReleases(client(), { cache: new HttpCache(cacheDir) });
    state.releases.push({
      id: 1,
      tag: '1.31.11',
      prerelease: false,
      draft: false,
      createdAt: '2030-01-01T00:00:00Z',
      publishedAt: '2030-01-01T00:00:00Z',
    });
    emulator.clearLog();
    const releases = await listIstioReleases(client(), { cache: new HttpCache(cacheDir) });
    expect(releases[0]!.version).toBe('1.31.11');
    expect(emulator.requests[0]!.status).toBe(200);
  });

  it('retries a 5xx and a dropped connection', async () => {
    emulator.injectFault('/releases', { kind: 'status', status: 502 });
    emulator.injectFault('/releases', { kind: 'drop' });
    const releases = await listIstioReleases(client());
    expect(releases.length).toBeGreaterThan(300);
    expect(emulator.requests.slice(0, 2).map((r) => r.fault)).toEqual(['status', 'drop']);
  });

  it('explains a rate limit without a token by asking for github-token', async () => {
    emulator.rateLimitRemainingOverride = 0;
    const error = await listIstioReleases(client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    const text = (error as NetworkError).describe();
    expect(text.split('\n')[0]).toMatch(
      /^input 'github-token': GitHub API rate limit exceeded while listing the releases/,
    );
    expect(text).toContain('github-token: ${{ secrets.GITHUB_TOKEN }}');
  });

  it('says the token ran out, not to pass one, when a token is in use', async () => {
    emulator.rateLimitRemainingOverride = 0;
    const error = (await listIstioReleases(client('ghs_test')).catch((e: unknown) => e)) as NetworkError;
    expect(error.describe()).toMatch(/token has used up its quota/);
  });
});

describe('nextPageUrl', () => {
  it('finds rel="next" among other relations', () => {
    const link =
      '<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next"';
    expect(nextPageUrl(link)).toBe('https://api.github.com/x?page=3');
    expect(nextPageUrl('<https://api.github.com/x?page=1>; rel="first"')).toBeUndefined();
    expect(nextPageUrl(undefined)).toBeUndefined();
  });
});

describe('listIstioReleases on an API that answers the wrong shape', () => {
  it('says the JSON is not a list of releases instead of `data.map is not a function`', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"message":"this is not the releases API"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const github = createGitHubClient({ apiUrl: `http://127.0.0.1:${port}`, retries: 0 });
      await expect(listIstioReleases(github)).rejects.toThrow(/with JSON that is not a list of releases/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
