import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  addReleaseAsset,
  buildIstioReleaseHistory,
  createReleaseState,
  downloadBaseUrl,
  registerReleaseRoutes,
  sha256Hex,
  type ReleaseState,
} from '../../../../test/support/github-emulator/releases.js';
import { GitHubEmulator } from '../../../../test/support/github-emulator/server.js';
import { InvalidInputError, NotFoundError } from '../../errors.js';
import { recordingLogger } from '../../../../test/support/recording-logger.js';
import { createGitHubClient } from '../../github/client.js';
import { resolveIstioRelease } from '../../releases/resolve-version.js';
import {
  cachedIstioctlReleases,
  DEFAULT_DOWNLOAD_BASE_URL,
  installIstioctl,
  type InstallIstioctlOptions,
} from './install.js';

/** A stand-in tarball holding one file: enough to test the plumbing without the real binary. */
function tarball(fileName: string, content: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'stand-in-'));
  mkdirSync(join(dir, 'content'));
  writeFileSync(join(dir, 'content', fileName), content);
  execFileSync('tar', ['-C', join(dir, 'content'), '-czf', join(dir, 'a.tar.gz'), fileName]);
  return readFileSync(join(dir, 'a.tar.gz'));
}

let emulator: GitHubEmulator;
let state: ReleaseState;
let toolCache: string;
const { logger, warnings } = recordingLogger();

beforeEach(async () => {
  emulator = await new GitHubEmulator().start();
  state = createReleaseState({ releases: buildIstioReleaseHistory({ lastMinor: 30, lastPatch: { 30: 4 } }) });
  registerReleaseRoutes(emulator, state);
  toolCache = mkdtempSync(join(tmpdir(), 'tool-cache-'));
  vi.stubEnv('RUNNER_TOOL_CACHE', toolCache);
  vi.stubEnv('RUNNER_TEMP', mkdtempSync(join(tmpdir(), 'runner-temp-')));
  warnings.length = 0;
});

afterEach(async () => {
  vi.unstubAllEnvs();
  expect(emulator.schemaViolations).toEqual([]);
  await emulator.stop();
});

const options = (overrides: Partial<InstallIstioctlOptions>): InstallIstioctlOptions => ({
  version: '1.30.4',
  platform: { os: 'linux', arch: 'amd64' },
  downloadBaseUrl: downloadBaseUrl(emulator, state),
  tempDir: process.env['RUNNER_TEMP']!,
  download: { retryDelayMs: 5 },
  logger,
  ...overrides,
});

describe('installIstioctl', () => {
  it('installs, then finds the exact version in the tool cache without a request', async () => {
    addReleaseAsset(state, '1.30.4', 'istioctl-1.30.4-linux-amd64.tar.gz', tarball('istioctl', 'v1.30.4'));
    const first = await installIstioctl(options({ version: '1.30.4' }));
    expect(first).toMatchObject({ version: '1.30.4', cacheHit: false });
    expect(readFileSync(first.path, 'utf8')).toBe('v1.30.4');
    emulator.clearLog();
    const second = await installIstioctl(options({ version: '1.30.4' }));
    expect(second).toMatchObject({ version: '1.30.4', cacheHit: true, path: first.path });
    expect(emulator.requests).toEqual([]);
  });

  it('downloads the legacy arch-less Linux archive of a release before 1.6', async () => {
    addReleaseAsset(state, '1.5.10', 'istioctl-1.5.10-linux.tar.gz', tarball('istioctl', 'v1.5.10'));
    const installed = await installIstioctl(options({ version: '1.5.10' }));
    expect(readFileSync(installed.path, 'utf8')).toBe('v1.5.10');
    expect(installed.url).toMatch(/\/1\.5\.10\/istioctl-1\.5\.10-linux\.tar\.gz$/);
  });

  it('refuses an archive without a published .sha256 unless a checksum is pinned', async () => {
    const archive = tarball('istioctl', 'v1.30.4');
    addReleaseAsset(state, '1.30.4', 'istioctl-1.30.4-linux-amd64.tar.gz', archive);
    state.checksumFiles.set('1.30.4/istioctl-1.30.4-linux-amd64.tar.gz', null);
    const error = (await installIstioctl(options({ version: '1.30.4' })).catch(
      (e: unknown) => e,
    )) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.describe()).toMatch(
      /^input 'download-base-url': no published checksum for istioctl-1\.30\.4-linux-amd64\.tar\.gz/,
    );
    expect(existsSync(join(toolCache, 'istioctl'))).toBe(false);

    const installed = await installIstioctl(options({ version: '1.30.4', checksum: sha256Hex(archive) }));
    expect(installed.sha256).toBe(sha256Hex(archive));
    expect(warnings.join('\n')).toMatch(/verifying against the pinned checksum only/);
  });

  it('caches nothing when the archive does not hold istioctl', async () => {
    addReleaseAsset(state, '1.30.4', 'istioctl-1.30.4-linux-amd64.tar.gz', tarball('README', 'not istioctl'));
    await expect(installIstioctl(options({ version: '1.30.4' }))).rejects.toThrow(/does not hold istioctl/);
    expect(existsSync(join(toolCache, 'istioctl'))).toBe(false);
  });

  it('rejects a download-base-url that is not a URL before any request', async () => {
    const error = await installIstioctl(
      options({ version: '1.30.4', downloadBaseUrl: 'mirror.internal/istio' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).input).toBe('download-base-url');
    expect(emulator.requests).toEqual([]);
  });

  it('refuses a range: the caller resolves it to one release first', async () => {
    const error = await installIstioctl(options({ version: '1.30.x' })).catch((e: unknown) => e);
    expect((error as InvalidInputError).describe()).toMatch(/^input 'version': '1\.30\.x' is not an exact/);
    expect(emulator.requests).toEqual([]);
  });

  it('says a platform Istio never built is not published, without downloading', async () => {
    const error = await installIstioctl(
      options({ version: '1.9.0', platform: { os: 'osx', arch: 'arm64' } }),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('istioctl 1.9.0 is not published for osx/arm64');
    expect(emulator.requests).toEqual([]);
  });
});

describe('installIstioctl trusts the tool cache only as far as it can check it', () => {
  const ASSET = 'istioctl-1.30.4-linux-amd64.tar.gz';

  it('checks the pinned checksum on a cache hit, and installs again when the cached copy came from another archive', async () => {
    const archive = tarball('istioctl', 'v1.30.4');
    addReleaseAsset(state, '1.30.4', ASSET, archive);
    await installIstioctl(options({ version: '1.30.4' }));
    emulator.clearLog();
    // A hit whose recorded archive matches the pin: no request at all.
    const hit = await installIstioctl(options({ version: '1.30.4', checksum: sha256Hex(archive) }));
    expect(hit.cacheHit).toBe(true);
    expect(emulator.requests).toEqual([]);
    // A pin the cached copy does not match: not a hit; the download is checked against the pin and fails.
    const other = 'a'.repeat(64);
    await expect(installIstioctl(options({ version: '1.30.4', checksum: other }))).rejects.toThrow(
      /does not match the pinned checksum/,
    );
    expect(warnings.join('\n')).toMatch(
      /came from an archive with SHA-256 [0-9a-f]{64}, not the pinned a{64}/,
    );
  });

  it('refuses a 0-byte cached binary and installs a good one', async () => {
    addReleaseAsset(state, '1.30.4', ASSET, tarball('istioctl', 'v1.30.4'));
    const first = await installIstioctl(options({ version: '1.30.4' }));
    writeFileSync(first.path, '');
    const again = await installIstioctl(options({ version: '1.30.4' }));
    expect(again.cacheHit).toBe(false);
    expect(readFileSync(again.path, 'utf8')).toBe('v1.30.4');
    expect(warnings.join('\n')).toMatch(/holds an empty \(0-byte\) binary; installing it again/);
  });

  it('installs again when the cached binary was changed after it was installed', async () => {
    addReleaseAsset(state, '1.30.4', ASSET, tarball('istioctl', 'v1.30.4'));
    const first = await installIstioctl(options({ version: '1.30.4' }));
    writeFileSync(first.path, 'tampered');
    const again = await installIstioctl(options({ version: '1.30.4' }));
    expect(readFileSync(again.path, 'utf8')).toBe('v1.30.4');
    expect(warnings.join('\n')).toMatch(/was changed after it was installed/);
  });

  it('offline, resolves a range over the cache and never calls GitHub', async () => {
    addReleaseAsset(state, '1.30.4', ASSET, tarball('istioctl', 'v1.30.4'));
    await installIstioctl(options({ version: '1.30.4' }));
    emulator.clearLog();
    const resolved = await resolveIstioRelease(
      { spec: '1.30.x', input: 'version', includePrereleases: false },
      {
        github: createGitHubClient({ apiUrl: emulator.url, retries: 0 }),
        offlineReleases: () => cachedIstioctlReleases({ os: 'linux', arch: 'amd64' }),
      },
    );
    const offline = await installIstioctl(
      options({ version: resolved.version, offline: true, downloadBaseUrl: undefined }),
    );
    expect(offline).toMatchObject({ version: '1.30.4', cacheHit: true });
    await expect(
      installIstioctl(options({ version: '1.29.0', offline: true, downloadBaseUrl: undefined })),
    ).rejects.toThrow(/not in the tool cache, and offline runs do not download from GitHub/);
    // GitHub's own download URL, as the option table's default gives it, is no mirror either.
    await expect(
      installIstioctl(
        options({ version: '1.29.0', offline: true, downloadBaseUrl: `${DEFAULT_DOWNLOAD_BASE_URL}/` }),
      ),
    ).rejects.toThrow(/offline runs do not download from GitHub/);
    expect(emulator.requests).toEqual([]);
  });

  it('keeps tool-cache chatter off stdout', async () => {
    addReleaseAsset(state, '1.30.4', ASSET, tarball('istioctl', 'v1.30.4'));
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await installIstioctl(options({ version: '1.30.4' }));
      await installIstioctl(options({ version: '1.30.4' }));
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toBe('');
  });

  it('never prints the credentials of a download-base-url', async () => {
    addReleaseAsset(state, '1.30.4', ASSET, tarball('istioctl', 'v1.30.4'));
    const base = downloadBaseUrl(emulator, state).replace('http://', 'http://mirror-user:hunter2-secret@');
    const infos: string[] = [];
    const installed = await installIstioctl(
      options({
        version: '1.30.4',
        downloadBaseUrl: base,
        logger: { ...logger, info: (m) => infos.push(m) },
      }),
    );
    expect(installed.url).toMatch(/^http:\/\/\*\*\*@127\.0\.0\.1/);
    expect(infos.join('\n')).not.toContain('hunter2');
    expect(infos.join('\n')).toContain('Downloading http://***@127.0.0.1');
  });
});
