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
import { createGitHubClient } from '../../github/client.js';
import { recordingLogger } from '../../../../test/support/recording-logger.js';
import { installIstioctl, type InstallIstioctlOptions } from './install.js';

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
  platform: { os: 'linux', arch: 'amd64' },
  github: createGitHubClient({ apiUrl: emulator.url }),
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

  it('says a platform Istio never built is not published, without downloading', async () => {
    const error = await installIstioctl(
      options({ version: '1.9.0', platform: { os: 'osx', arch: 'arm64' } }),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('istioctl 1.9.0 is not published for osx/arm64');
    expect(emulator.requests).toEqual([]);
  });
});
