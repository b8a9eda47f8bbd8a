import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildIstioReleaseHistory,
  createReleaseState,
  registerReleaseRoutes,
} from '../../../test/support/github-emulator/releases.js';
import { GitHubEmulator } from '../../../test/support/github-emulator/server.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { createGitHubClient } from '../github/client.js';
import { listIstioReleases } from './github-releases.js';
import { resolveIstioctlVersion, type ListedRelease } from './resolve-version.js';

const release = (version: string, prerelease = version.includes('-')): ListedRelease => ({
  version,
  tag: version,
  prerelease,
});
const RELEASES = ['1.31.0-rc.0', '1.30.4', '1.30.3', '1.29.8', '1.29.7', '1.28.10', '1.31.0-beta.1'].map(
  (v) => release(v),
);
const list = (releases: ListedRelease[] = RELEASES) => {
  const calls = { count: 0 };
  return { calls, fn: async () => (calls.count++, releases) };
};
const request = (spec: string, includePrereleases = false) => ({
  spec,
  input: 'version',
  includePrereleases,
});

describe('resolveIstioctlVersion', () => {
  it('needs no listing for an exact version (v prefix or not)', async () => {
    const { calls, fn } = list();
    expect(await resolveIstioctlVersion(request('v1.24.2'), fn)).toEqual({
      version: '1.24.2',
      tag: '1.24.2',
      listed: false,
    });
    expect(await resolveIstioctlVersion(request('1.31.0-rc.0'), fn)).toMatchObject({
      version: '1.31.0-rc.0',
    });
    expect(calls.count).toBe(0);
  });

  it('takes the newest GA release for latest, excluding prereleases', async () => {
    expect((await resolveIstioctlVersion(request('latest'), list().fn)).version).toBe('1.30.4');
    expect((await resolveIstioctlVersion(request(''), list().fn)).version).toBe('1.30.4');
  });

  it('includes prereleases when asked', async () => {
    expect((await resolveIstioctlVersion(request('latest', true), list().fn)).version).toBe('1.31.0-rc.0');
    expect((await resolveIstioctlVersion(request('>=1.30.0', true), list().fn)).version).toBe('1.31.0-rc.0');
    expect((await resolveIstioctlVersion(request('>=1.30.0'), list().fn)).version).toBe('1.30.4');
  });

  it('excludes a release GitHub flags as a prerelease even without a suffix', async () => {
    const releases = [release('1.30.5', true), release('1.30.4')];
    expect((await resolveIstioctlVersion(request('1.30'), list(releases).fn)).version).toBe('1.30.4');
  });

  it('resolves minors, tildes, carets, comparator sets and ||', async () => {
    const resolve = async (spec: string) => (await resolveIstioctlVersion(request(spec), list().fn)).version;
    expect(await resolve('1.29')).toBe('1.29.8');
    expect(await resolve('1.29.x')).toBe('1.29.8');
    expect(await resolve('~1.29.7')).toBe('1.29.8');
    expect(await resolve('^1.28.0')).toBe('1.30.4');
    expect(await resolve('>=1.28 <1.30')).toBe('1.29.8');
    expect(await resolve('1.28.x || 1.29.x')).toBe('1.29.8');
    expect(await resolve('1.27.x || 1.28.x')).toBe('1.28.10');
  });

  it('names the range and the nearest releases when nothing matches', async () => {
    const error = (await resolveIstioctlVersion(request('1.27.x'), list().fn).catch(
      (e: unknown) => e,
    )) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    const text = error.describe();
    expect(text.split('\n')[0]).toBe("input 'version': no Istio release matches '1.27.x'");
    expect(text).toMatch(/Nearest releases: 1\.28\.10, 1\.29\.7/);
    expect(text).toMatch(/Newest: 1\.30\.4/);
  });

  it('rejects an invalid range naming the input, before listing anything', async () => {
    const { calls, fn } = list();
    const error = await resolveIstioctlVersion({ ...request('1.2x.banana'), input: 'version' }, fn).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).describe()).toMatch(
      /^input 'version': '1\.2x\.banana' is not a valid version or range/,
    );
    expect(calls.count).toBe(0);
  });
});

describe('resolution over the live listing', () => {
  let emulator: GitHubEmulator;
  beforeEach(async () => {
    emulator = await new GitHubEmulator().start();
  });
  afterEach(async () => {
    expect(emulator.schemaViolations).toEqual([]);
    await emulator.stop();
  });

  it('finds the newest match when it sits on page 3', async () => {
    // Years on: 1.30 ended at 1.30.4 and sixteen newer minors pushed it past the first 200 releases.
    const state = createReleaseState({
      releases: buildIstioReleaseHistory({ lastMinor: 46, lastPatch: { 30: 4 } }),
    });
    registerReleaseRoutes(emulator, state);
    const page3 = (await (
      await fetch(`${emulator.url}/repos/istio/istio/releases?per_page=100&page=3`)
    ).json()) as {
      tag_name: string;
    }[];
    expect(page3.map((r) => r.tag_name)).toContain('1.30.4');
    emulator.clearLog();

    const client = createGitHubClient({ apiUrl: emulator.url });
    const resolved = await resolveIstioctlVersion(request('~1.30.0'), () => listIstioReleases(client));
    expect(resolved).toEqual({ version: '1.30.4', tag: '1.30.4', listed: true });
    expect(emulator.requests.some((r) => r.path.includes('page=3'))).toBe(true);
  });

  it('never resolves to a draft', async () => {
    const state = createReleaseState({ releases: buildIstioReleaseHistory({ lastMinor: 31 }) });
    registerReleaseRoutes(emulator, state);
    const client = createGitHubClient({ apiUrl: emulator.url });
    // The drafts are 1.32.0 and 1.31.11; they would win if kept.
    expect((await resolveIstioctlVersion(request('latest'), () => listIstioReleases(client))).version).toBe(
      '1.31.10',
    );
    expect((await resolveIstioctlVersion(request('>=1.31.0'), () => listIstioReleases(client))).version).toBe(
      '1.31.10',
    );
  });
});
